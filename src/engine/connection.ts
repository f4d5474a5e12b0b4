/**
 * Connection: one checked-out driver connection plus SQLAlchemy 2.0's transaction rules.
 * The first statement begins a transaction implicitly ("autobegin"); `commit()`/`rollback()`
 * end it; closing rolls back what is left and returns the driver connection to the pool.
 */
import {
  ArgumentError,
  AthanorError,
  InvalidRequestError,
  ObjectNotExecutableError,
  ResourceClosedError,
} from '../errors.js';
import type { DriverConnection, DriverResult } from '../dialects/dialect.js';
import type { PooledConnection } from '../pool/index.js';
import type { CompiledStatement, Executable, ValueProcessor } from '../sql/executable.js';
import { isExecutable } from '../sql/executable.js';
import { AsyncResult, StreamBuffer } from './async-result.js';
import type { StreamOwner } from './async-result.js';
import { EchoLog, cachedSince, generatedIn } from './echo.js';
import { insertPages, type InsertPage } from './insert-pages.js';
import type { Engine } from './engine.js';
import type { ExecutionOptions } from './options.js';
import { validateExecutionOptions } from './options.js';
import { distillDriverParams, distillParams } from './params.js';
import type { Params } from './params.js';
import { Result } from './result.js';
import type { ScalarResult } from './result.js';
import type { NestedTransaction, Transaction } from './transaction.js';
import { TransactionControl, cantReconnect } from './transaction-control.js';
import type { RowOf, ScalarOf } from './typing.js';

/** The settled promise of calls that had nothing to wait for. */
const DONE: Promise<void> = Promise.resolve();

const STREAM_BUSY =
  'This connection is streaming a result; read it to the end or close() it before running ' +
  'another statement on this connection';

/** Options of one `stream()` call. */
export interface StreamOptions {
  /** Rows fetched per round trip. Default: the connection's `yieldPer`, else 1000. */
  yieldPer?: number;
}

/**
 * A database connection checked out from the engine's pool. Not safe for concurrent use:
 * one task at a time (check out one connection per task).
 *
 * @example
 * ```ts
 * await using conn = await engine.connect();
 * await conn.execute(text('INSERT INTO users (name) VALUES (:name)'), { name: 'Ann' });
 * await conn.commit();
 * ```
 */
export class Connection implements StreamOwner {
  #handle: PooledConnection<DriverConnection> | null = null;
  #driver: DriverConnection | null = null;
  #closed = false;
  readonly #txc: TransactionControl;
  #options: ExecutionOptions;
  #autocommit: boolean;
  /** Isolation level this connection asked for (not AUTOCOMMIT), applied at the next BEGIN. */
  #isolation: string | undefined = undefined;
  #isolationApplied = true;
  #log: EchoLog | null;
  #stream: StreamBuffer | null = null;
  #streamExclusive = false;

  /** @internal Use `engine.connect()`. */
  constructor(
    /** The engine this connection came from. */
    readonly engine: Engine,
  ) {
    this.#txc = new TransactionControl({
      driver: () => this.#driver,
      autocommit: () => this.#autocommit,
      log: () => this.#log,
      sharedLock: (driver) => engine.sharedLockFor(driver),
      lockTimeout: () => engine.lockTimeout,
      prepareBegin: (driver) =>
        this.#isolationApplied || this.#isolation === undefined
          ? undefined
          : this.#applyIsolation(driver),
      closeStream: () => (this.#stream === null ? undefined : this.#closeStream()),
      dbError: (err, statement) => this.#dbError(err, statement, undefined, false),
    });
    this.#options = { ...engine.executionOptionsDefaults };
    this.#autocommit = engine.autocommitDefault;
    this.#log = this.#makeLog();
    if (this.#options.isolationLevel !== undefined)
      this.#setIsolation(this.#options.isolationLevel);
  }

  /** @internal Checks out the driver connection (done by `engine.connect()`). */
  async _checkout(): Promise<void> {
    let handle: PooledConnection<DriverConnection>;
    try {
      handle = await this.engine.pool.checkout();
    } catch (err) {
      throw this.engine.wrapConnectError(err);
    }
    this.#handle = handle;
    this.#driver = handle.connection;
  }

  /**
   * @internal Takes an idle driver connection from the pool synchronously when the pool can
   * hand one out at once (see `Pool.checkoutNow`); false means `_checkout()` is needed.
   */
  _checkoutNow(): boolean {
    const handle = this.engine.pool.checkoutNow();
    if (handle === undefined) return false;
    this.#handle = handle;
    this.#driver = handle.connection;
    return true;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** True after the driver connection was discarded (disconnect or `invalidate()`), until reconnected. */
  get invalidated(): boolean {
    return this.#driver === null && !this.#closed;
  }

  /** The driver's own connection object (pg Client, mysql2 Connection, better-sqlite3 Database). */
  get driverConnection(): unknown {
    return this.#driver?.raw;
  }

  /** Per-connection details: `processId` (PostgreSQL), `threadId` (MySQL), `filename` (SQLite). */
  get driverInfo(): Readonly<Record<string, unknown>> {
    return this.#driver?.info ?? {};
  }

  /** True while a root transaction (explicit or autobegun) exists. */
  inTransaction(): boolean {
    return this.#txc.tx !== null;
  }

  /** True while a savepoint is open. */
  inNestedTransaction(): boolean {
    return this.#txc.savepoints.length > 0;
  }

  /** The root transaction, if any. */
  getTransaction(): Transaction | null {
    return this.#txc.tx;
  }

  /** The innermost savepoint, if any. */
  getNestedTransaction(): NestedTransaction | null {
    const savepoints = this.#txc.savepoints;
    return savepoints[savepoints.length - 1] ?? null;
  }

  /**
   * The isolation level in effect: `'AUTOCOMMIT'`, or what the database reports.
   *
   * @example
   * ```ts
   * await conn.getIsolationLevel(); // 'READ COMMITTED' on PostgreSQL by default
   * ```
   */
  async getIsolationLevel(): Promise<string> {
    if (this.#autocommit) return 'AUTOCOMMIT';
    const driver = this.#driver ?? (await this.#revive());
    if (!this.#isolationApplied && this.#isolation !== undefined) return this.#isolation;
    return this.engine.dialect.getIsolationLevel(driver);
  }

  /** The connection's current execution options. */
  getExecutionOptions(): Readonly<ExecutionOptions> {
    return this.#options;
  }

  /**
   * Sets execution options on this connection and returns it: `isolationLevel` (not while a
   * transaction is open), `streamResults`, `yieldPer`, `loggingToken`.
   *
   * @example
   * ```ts
   * conn.executionOptions({ isolationLevel: 'SERIALIZABLE' });
   * ```
   */
  executionOptions(options: ExecutionOptions): this {
    validateExecutionOptions(options, 'executionOptions()');
    if (options.isolationLevel !== undefined) {
      if (this.#txc.tx !== null) {
        throw new InvalidRequestError(
          'This connection has already initialized a Transaction() object via begin() or ' +
            'autobegin; isolationLevel may not be altered unless rollback() or commit() is ' +
            'called first.',
        );
      }
      this.#setIsolation(options.isolationLevel);
    }
    this.#options = { ...this.#options, ...options };
    if (options.loggingToken !== undefined) this.#log = this.#makeLog();
    return this;
  }

  /**
   * Executes a statement. `params` is one object of named values, or a list of objects to
   * run the statement once per object (executemany; `rowCount` is the total). Rows are typed
   * from the statement (`select(users.c.id)` gives `{ id: number }`); rows of `text()` and
   * the `sql` tag are `Record<string, unknown>` unless a type is given: `execute<User>(text(…))`.
   *
   * @example
   * ```ts
   * const result = await conn.execute(text('SELECT * FROM users WHERE id = :id'), { id: 1 });
   * ```
   */
  execute<S extends Executable>(
    statement: S,
    params?: Params | readonly Params[] | null,
  ): Promise<Result<RowOf<S>, ScalarOf<S>>>;
  execute<T>(statement: Executable, params?: Params | readonly Params[] | null): Promise<Result<T>>;
  async execute(
    statement: Executable,
    params?: Params | readonly Params[] | null,
  ): Promise<Result<any, any>> {
    if (this.#options.streamResults === true) {
      throw new InvalidRequestError(
        "Can't use execute() with streamResults set: use conn.stream() for a streamed result",
      );
    }
    const driver = this.#driver ?? (await this.#revive());
    if (!isExecutable(statement)) throw new ObjectNotExecutableError(statement);
    if (this.#stream !== null && this.#streamExclusive) throw new InvalidRequestError(STREAM_BUSY);
    const log = this.#log;
    const started = log === null ? 0 : performance.now();
    const compiled = statement.compile(this.engine.dialect.sql);
    const compiledIn = log === null ? 0 : performance.now();
    const distilled = distillParams(params);
    const many = Array.isArray(distilled);
    let bound: unknown[] | unknown[][];
    try {
      bound = many
        ? (distilled as readonly Params[]).map((p) => compiled.bind(p))
        : compiled.bind(distilled as Params | undefined);
    } catch (err) {
      throw withStatement(err, compiled.sql);
    }
    if (many) {
      const pages = insertPages(statement, this.engine.dialect.sql, compiled, bound as unknown[][]);
      if (pages !== undefined) return this.#runPages(driver, compiled, pages, started, compiledIn);
    }
    return this.#runCompiled(driver, compiled, bound, many, started, compiledIn);
  }

  /** Runs an executemany sent as multi-row INSERT pages; `rowCount` is the total. */
  async #runPages(
    driver: DriverConnection,
    compiled: CompiledStatement,
    pages: readonly InsertPage[],
    started: number,
    compiledIn: number,
  ): Promise<Result<any, any>> {
    let rowCount = 0;
    let lastInsertId: number | bigint | undefined;
    for (const page of pages) {
      const r = await this.#runCompiled(
        driver,
        page.compiled,
        page.params,
        false,
        started,
        compiledIn,
      );
      if (r.rowCount > 0) rowCount += r.rowCount;
      if (r.lastInsertId !== undefined) lastInsertId = r.lastInsertId;
    }
    return this.#result(
      { columns: [], rows: [], rowCount, lastInsertId, returnsRows: false },
      compiled,
    );
  }

  /**
   * Executes a statement with its parameters laid out by position instead of by name: one
   * value per placeholder, in the order of `compiled.bindNames` (see
   * `CompiledStatement.bindPositional`). Skips building a named-parameter object: the fast
   * path for large generated statements such as multi-row INSERTs. Everything else is as
   * `execute()` (autobegin, logging, events, error wrapping, typed rows).
   *
   * @example
   * ```ts
   * const stmt = insert(users).values({ name: bindParam('n'), age: bindParam('a') });
   * const names = stmt.compile(conn.engine.dialect.sql).bindNames; // e.g. ['n', 'a']
   * await conn.executePositional(stmt, names!.map((n) => (n === 'n' ? 'Ann' : 30)));
   * ```
   */
  executePositional<S extends Executable>(
    statement: S,
    values: readonly unknown[],
  ): Promise<Result<RowOf<S>, ScalarOf<S>>>;
  executePositional<T>(statement: Executable, values: readonly unknown[]): Promise<Result<T>>;
  executePositional(statement: Executable, values: readonly unknown[]): Promise<Result<any, any>> {
    return this.#executePositional(statement, values, false);
  }

  /**
   * Executemany with positional parameter lists: runs the statement once per list
   * (`rowCount` is the total; with RETURNING, the rows of every run). See
   * `executePositional()`.
   *
   * @example
   * ```ts
   * const stmt = update(users).values({ age: bindParam('a') }).where(users.c.id.eq(bindParam('k')));
   * await conn.executePositionalMany(stmt, [[31, 1], [42, 2]]);
   * ```
   */
  executePositionalMany<S extends Executable>(
    statement: S,
    valueSets: readonly (readonly unknown[])[],
  ): Promise<Result<RowOf<S>, ScalarOf<S>>>;
  executePositionalMany<T>(
    statement: Executable,
    valueSets: readonly (readonly unknown[])[],
  ): Promise<Result<T>>;
  executePositionalMany(
    statement: Executable,
    valueSets: readonly (readonly unknown[])[],
  ): Promise<Result<any, any>> {
    return this.#executePositional(statement, valueSets, true);
  }

  /**
   * @internal `executePositional()` for the ORM's lookups by identity: the processed rows
   * without a `Result` around them, answered synchronously when the transaction is open and
   * the driver answered synchronously (better-sqlite3), so that a lookup costs no promise on
   * the way down. Everything it does not cover (no transaction yet, logging, streaming,
   * invalid arguments) goes through `executePositional()`, errors and all. `atMostOne` says
   * the statement cannot return more than one row (a lookup by primary key): a driver that
   * can stop after the first row does.
   */
  _positionalRows(
    statement: Executable,
    values: readonly unknown[],
    atMostOne = false,
  ): unknown[][] | Promise<unknown[][]> {
    return this.#positionalDirect(statement, values, atMostOne, processedRows, resultRows);
  }

  /**
   * @internal Like {@link Connection._positionalRows}, for statements run for their effect
   * (the ORM's INSERTs, UPDATEs and DELETEs): the rows (RETURNING), row count and last
   * generated key.
   */
  _positionalOutcome(
    statement: Executable,
    values: readonly unknown[],
  ): PositionalOutcome | Promise<PositionalOutcome> {
    return this.#positionalDirect(statement, values, false, driverOutcome, resultOutcome);
  }

  /**
   * One positional execution straight to the driver when nothing needs the general path;
   * `direct` shapes the driver's answer, `general` the Result of the general path.
   */
  #positionalDirect<T>(
    statement: Executable,
    values: readonly unknown[],
    atMostOne: boolean,
    direct: (result: DriverResult, processors: Processors) => T,
    general: (result: Result<any, any>) => T,
  ): T | Promise<T> {
    const driver = this.#driver;
    if (
      driver === null ||
      this.#txc.tx === null ||
      this.#log !== null ||
      this.#options.streamResults === true ||
      (this.#stream !== null && this.#streamExclusive) ||
      !isExecutable(statement) ||
      !Array.isArray(values)
    ) {
      return this.#executePositional(statement, values, false).then(general);
    }
    // Never throws: every failure is a rejection, as from the async general path.
    let compiled: CompiledStatement;
    try {
      compiled = statement.compile(this.engine.dialect.sql);
    } catch (err) {
      return Promise.reject(err);
    }
    if (compiled.bindPositional === undefined) {
      return this.#executePositional(statement, values, false).then(general);
    }
    let bound: unknown[];
    try {
      bound = compiled.bindPositional(values);
    } catch (err) {
      return Promise.reject(withStatement(err, compiled.sql));
    }
    let result: DriverResult | Promise<DriverResult>;
    try {
      result = this.#run(driver, compiled.sql, bound, false, atMostOne);
    } catch (err) {
      // An execute hook threw: as from execute(), unwrapped.
      return Promise.reject(err);
    }
    const processors = compiled.resultProcessors;
    if (result instanceof Promise) return shapeLater(result, direct, processors);
    try {
      return direct(result, processors);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async #executePositional(
    statement: Executable,
    values: readonly unknown[] | readonly (readonly unknown[])[],
    many: boolean,
  ): Promise<Result<any, any>> {
    if (this.#options.streamResults === true) {
      throw new InvalidRequestError(
        "Can't use execute() with streamResults set: use conn.stream() for a streamed result",
      );
    }
    const driver = this.#driver ?? (await this.#revive());
    if (!isExecutable(statement)) throw new ObjectNotExecutableError(statement);
    if (!Array.isArray(values)) {
      throw new ArgumentError(
        many
          ? 'executePositionalMany() takes a list of positional parameter lists'
          : 'executePositional() takes a list of positional parameter values',
      );
    }
    if (this.#stream !== null && this.#streamExclusive) throw new InvalidRequestError(STREAM_BUSY);
    const log = this.#log;
    const started = log === null ? 0 : performance.now();
    const compiled = statement.compile(this.engine.dialect.sql);
    const compiledIn = log === null ? 0 : performance.now();
    let bound: unknown[] | unknown[][];
    try {
      if (compiled.bindPositional === undefined) {
        throw new ArgumentError(
          'This statement does not take positional parameters; use execute() with named ones',
        );
      }
      if (many) {
        const sets = values as readonly (readonly unknown[])[];
        const out = new Array<unknown[]>(sets.length);
        for (let i = 0; i < sets.length; i++) {
          const set = sets[i];
          if (!Array.isArray(set)) {
            throw new ArgumentError(
              'executePositionalMany() takes a list of positional parameter lists',
            );
          }
          out[i] = compiled.bindPositional(set);
        }
        bound = out;
      } else {
        bound = compiled.bindPositional(values);
      }
    } catch (err) {
      throw withStatement(err, compiled.sql);
    }
    return this.#runCompiled(driver, compiled, bound, many, started, compiledIn);
  }

  /**
   * The shared tail of execute(): autobegin, log, run, wrap the rows in a Result. Answers
   * synchronously when the transaction is open and the driver answers synchronously
   * (better-sqlite3), so an execute() costs one promise, not one per layer.
   */
  #runCompiled(
    driver: DriverConnection,
    compiled: CompiledStatement,
    bound: unknown[] | unknown[][],
    many: boolean,
    started: number,
    compiledIn: number,
  ): Result<any, any> | Promise<Result<any, any>> {
    if (this.#txc.tx === null) {
      return this.#txc
        .begin(driver, true)
        .then(() => this.#runCompiled(driver, compiled, bound, many, started, compiledIn));
    }
    const log = this.#log;
    if (log !== null)
      log.statement(compiled.sql, stats(compiled, started, compiledIn), bound, many);
    const result = this.#run(driver, compiled.sql, bound, many);
    if (result instanceof Promise) return result.then((r) => this.#result(r, compiled));
    return this.#result(result, compiled);
  }

  #result(result: DriverResult, compiled: CompiledStatement): Result<any, any> {
    const log = this.#log;
    if (log?.debug === true && result.returnsRows) log.columns(result.columns);
    return new Result(
      result,
      compiled.resultKeys,
      compiled.resultProcessors,
      log?.debug === true ? log.rowLogger() : undefined,
    );
  }

  /**
   * Executes and returns the first column of the first row (or null), typed from the
   * statement's first column; for `text()` give the type: `scalar<number>(text(…))`.
   *
   * @example
   * ```ts
   * const n = await conn.scalar(text('SELECT count(*) FROM users'));
   * ```
   */
  scalar<S extends Executable>(statement: S, params?: Params | null): Promise<ScalarOf<S> | null>;
  scalar<V>(statement: Executable, params?: Params | null): Promise<V | null>;
  async scalar(statement: Executable, params?: Params | null): Promise<unknown> {
    return (await this.execute(statement, params)).scalar();
  }

  /**
   * Executes and returns the first column of every row, typed like `scalar()`.
   *
   * @example
   * ```ts
   * const names = (await conn.scalars(text('SELECT name FROM users'))).all();
   * ```
   */
  scalars<S extends Executable>(
    statement: S,
    params?: Params | null,
  ): Promise<ScalarResult<ScalarOf<S>>>;
  scalars<V>(statement: Executable, params?: Params | null): Promise<ScalarResult<V>>;
  async scalars(statement: Executable, params?: Params | null): Promise<ScalarResult<unknown>> {
    return (await this.execute(statement, params)).scalars();
  }

  /**
   * Executes a statement and streams its rows in batches of `yieldPer` (server-side cursor on
   * PostgreSQL, unbuffered read on MySQL, statement iterator on SQLite): memory stays bounded.
   *
   * @example
   * ```ts
   * const result = await conn.stream(text('SELECT * FROM events'), {}, { yieldPer: 500 });
   * for await (const row of result) process(row);
   * ```
   */
  stream<S extends Executable>(
    statement: S,
    params?: Params | null,
    options?: StreamOptions,
  ): Promise<AsyncResult<RowOf<S>, ScalarOf<S>>>;
  stream<T>(
    statement: Executable,
    params?: Params | null,
    options?: StreamOptions,
  ): Promise<AsyncResult<T>>;
  async stream(
    statement: Executable,
    params?: Params | null,
    options: StreamOptions = {},
  ): Promise<AsyncResult<any, any>> {
    const driver = this.#driver ?? (await this.#revive());
    if (!isExecutable(statement)) throw new ObjectNotExecutableError(statement);
    if (this.#stream !== null && this.#streamExclusive) throw new InvalidRequestError(STREAM_BUSY);
    const yieldPer = options.yieldPer ?? this.#options.yieldPer ?? 1000;
    if (!Number.isInteger(yieldPer) || yieldPer < 1) {
      throw new ArgumentError(`yieldPer must be a whole number >= 1, got ${String(yieldPer)}`);
    }
    const log = this.#log;
    const started = log === null ? 0 : performance.now();
    const compiled = statement.compile(this.engine.dialect.sql);
    const compiledIn = log === null ? 0 : performance.now();
    const distilled = distillParams(params);
    if (Array.isArray(distilled)) {
      throw new ArgumentError('stream() takes one set of parameters, not a list');
    }
    let bound: unknown[];
    try {
      bound = compiled.bind(distilled as Params | undefined);
    } catch (err) {
      throw withStatement(err, compiled.sql);
    }
    if (this.#txc.tx === null) await this.#txc.begin(driver, true);
    if (log !== null)
      log.statement(compiled.sql, stats(compiled, started, compiledIn), bound, false);
    let cursor;
    try {
      cursor = await driver.openCursor(compiled.sql, bound, yieldPer);
    } catch (err) {
      throw await this.#dbError(err, compiled.sql, bound, false);
    }
    if (log?.debug === true) log.columns(cursor.columns);
    const buffer = new StreamBuffer(
      cursor,
      yieldPer,
      this,
      compiled.resultProcessors,
      log?.debug === true ? log.rowLogger() : undefined,
    );
    this.#stream = buffer;
    this.#streamExclusive = cursor.exclusive;
    return new AsyncResult(buffer);
  }

  /**
   * Runs SQL in the driver's own parameter style (`?` or `$1`), without compiling; logged as
   * `[raw sql]`. `params` is a list of values, or a list of lists for executemany.
   *
   * @example
   * ```ts
   * await conn.execDriverSql('UPDATE t SET x = ? WHERE id = ?', [1, 2]);
   * ```
   */
  async execDriverSql(sql: string, params?: readonly unknown[] | null): Promise<Result> {
    const driver = this.#driver ?? (await this.#revive());
    if (typeof sql !== 'string') throw new ArgumentError('execDriverSql() takes a string of SQL');
    if (this.#stream !== null && this.#streamExclusive) throw new InvalidRequestError(STREAM_BUSY);
    const distilled = distillDriverParams(params);
    const bound = distilled.many ? distilled.sets : distilled.params;
    if (this.#txc.tx === null) await this.#txc.begin(driver, true);
    const log = this.#log;
    if (log !== null) log.statement(sql, 'raw sql', bound, distilled.many);
    const run = this.#run(driver, sql, bound, distilled.many);
    const result = run instanceof Promise ? await run : run;
    if (log?.debug === true && result.returnsRows) log.columns(result.columns);
    return new Result(
      result,
      undefined,
      undefined,
      log?.debug === true ? log.rowLogger() : undefined,
    );
  }

  /**
   * Begins the root transaction. With a callback: commits when it resolves, rolls back and
   * rethrows when it rejects, and returns its value.
   *
   * @example
   * ```ts
   * await conn.begin(async () => {
   *   await conn.execute(text('INSERT INTO t (x) VALUES (1)'));
   * });
   * ```
   */
  begin(): Promise<Transaction>;
  begin<R>(fn: (tx: Transaction) => Promise<R>): Promise<R>;
  begin<R>(fn?: (tx: Transaction) => Promise<R>): Promise<Transaction | R> {
    // The common call (a live connection, no transaction, no callback) goes straight to BEGIN.
    const driver = this.#driver;
    if (fn === undefined && driver !== null && this.#txc.tx === null) {
      return this.#txc.begin(driver, false);
    }
    return this.#beginChecked(fn);
  }

  async #beginChecked<R>(fn?: (tx: Transaction) => Promise<R>): Promise<Transaction | R> {
    const driver = this.#driver ?? (await this.#revive());
    if (this.#txc.tx !== null) {
      throw new InvalidRequestError(
        'This connection has already initialized a Transaction() object via begin() or ' +
          "autobegin; can't call begin() here unless rollback() or commit() is called first.",
      );
    }
    const tx = await this.#txc.begin(driver, false);
    if (fn === undefined) return tx;
    return this.#scope(tx, fn);
  }

  /**
   * Opens a savepoint (beginning the root transaction first if needed). With a callback:
   * releases the savepoint when it resolves, rolls back to it and rethrows when it rejects.
   *
   * @example
   * ```ts
   * await conn.beginNested(async () => {
   *   await conn.execute(text('INSERT INTO t (x) VALUES (2)'));
   * });
   * ```
   */
  beginNested(): Promise<NestedTransaction>;
  beginNested<R>(fn: (sp: NestedTransaction) => Promise<R>): Promise<R>;
  async beginNested<R>(fn?: (sp: NestedTransaction) => Promise<R>): Promise<NestedTransaction | R> {
    const driver = this.#driver ?? (await this.#revive());
    if (this.#txc.tx === null) await this.#txc.begin(driver, true);
    const sp = await this.#txc.savepoint(driver);
    if (fn === undefined) return sp;
    return this.#scope(sp, fn);
  }

  /** Commits the root transaction, if any (savepoints are released with it). */
  commit(): Promise<void> {
    if (this.#closed) return Promise.reject(new ResourceClosedError('This Connection is closed'));
    const tx = this.#txc.tx;
    return tx === null ? DONE : this.#txc._commitRoot(tx);
  }

  /** Rolls back the root transaction, if any. */
  async rollback(): Promise<void> {
    if (this.#closed) throw new ResourceClosedError('This Connection is closed');
    const tx = this.#txc.tx;
    if (tx !== null) await this.#txc._rollbackRoot(tx);
  }

  /**
   * Discards the driver connection (it is closed, never returned to the pool). A transaction
   * that was open must be rolled back before the connection is used again; then it checks
   * out a fresh driver connection.
   */
  async invalidate(error?: unknown): Promise<void> {
    if (this.#closed) throw new ResourceClosedError('This Connection is closed');
    if (this.#driver === null) return;
    await this.#discard(error);
  }

  /** Rolls back an open transaction and returns the driver connection to the pool. Idempotent. */
  close(): Promise<void> {
    if (this.#closed) return DONE;
    if (this.#stream !== null || this.#txc.tx !== null || this.#isolation !== undefined) {
      return this.#closeWithCleanup();
    }
    // Nothing to end or restore (the usual close after a commit): return the handle at once.
    this.#closed = true;
    const handle = this.#handle;
    this.#handle = null;
    this.#driver = null;
    return handle === null ? DONE : handle.release();
  }

  async #closeWithCleanup(): Promise<void> {
    try {
      if (this.#stream !== null) await this.#stream.close().catch(() => undefined);
      const tx = this.#txc.tx;
      if (tx !== null) {
        await this.#txc._rollbackRoot(tx).catch(() => undefined);
        this.#txc.end();
      }
      if (this.#isolation !== undefined) await this.#restoreCharacteristics();
    } finally {
      this.#closed = true;
      const handle = this.#handle;
      this.#handle = null;
      this.#driver = null;
      if (handle !== null) await handle.release();
    }
  }

  /** Closes the connection; for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ---- stream owner ----

  /** @internal */
  wrapError(error: unknown): Promise<unknown> {
    return this.#dbError(error, undefined, undefined, false);
  }

  /** @internal */
  streamClosed(stream: StreamBuffer): void {
    if (this.#stream === stream) {
      this.#stream = null;
      this.#streamExclusive = false;
    }
  }

  // ---- internals ----

  #makeLog(): EchoLog | null {
    const echo = this.engine.echo;
    if (echo === false) return null;
    return new EchoLog(
      this.engine.logger,
      echo === 'debug',
      this.#options.loggingToken,
      this.engine.hideParameters,
    );
  }

  #setIsolation(value: string): void {
    const level = this.engine.dialect.normalizeIsolationLevel(value);
    this.#autocommit = level === 'AUTOCOMMIT';
    this.#isolation = level === 'AUTOCOMMIT' ? undefined : level;
    this.#isolationApplied = false;
  }

  /** Gets a driver connection back after invalidation, or refuses when closed / mid-transaction. */
  async #revive(): Promise<DriverConnection> {
    if (this.#closed) throw new ResourceClosedError('This Connection is closed');
    if (this.#txc.tx !== null) throw cantReconnect();
    await this._checkout();
    this.#isolationApplied = this.#isolation === undefined;
    return this.#driver as DriverConnection;
  }

  async #applyIsolation(driver: DriverConnection): Promise<void> {
    if (!this.#isolationApplied && this.#isolation !== undefined) {
      await driver.setIsolationLevel(this.#isolation);
      this.#isolationApplied = true;
    }
  }

  /**
   * Runs on the driver with the execute events around it. Returns the driver's result as it
   * comes: synchronously when the driver answered synchronously.
   */
  #run(
    driver: DriverConnection,
    sql: string,
    bound: unknown[] | unknown[][],
    many: boolean,
    atMostOne = false,
  ): DriverResult | Promise<DriverResult> {
    const hooks = this.engine.executeHooks;
    if (hooks.before.length !== 0) {
      for (const fn of hooks.before)
        fn({ connection: this, statement: sql, parameters: bound, isMany: many });
    }
    let result: DriverResult | Promise<DriverResult>;
    try {
      if (many) result = driver.executeMany(sql, bound as unknown[][]);
      else if (atMostOne && driver.executeFirst !== undefined) {
        result = driver.executeFirst(sql, bound as unknown[]);
      } else result = driver.execute(sql, bound as unknown[]);
    } catch (err) {
      return this.#fail(err, sql, bound, many);
    }
    if (result instanceof Promise) return this.#settle(result, sql, bound, many);
    return this.#after(result, sql, bound, many);
  }

  // Not in #run itself: closures there would make every call allocate a context.
  #settle(
    result: Promise<DriverResult>,
    sql: string,
    bound: unknown[] | unknown[][],
    many: boolean,
  ): Promise<DriverResult> {
    return result.then(
      (r) => this.#after(r, sql, bound, many),
      (err: unknown) => this.#fail(err, sql, bound, many),
    );
  }

  #after(result: DriverResult, sql: string, bound: unknown, many: boolean): DriverResult {
    const after = this.engine.executeHooks.after;
    if (after.length !== 0) {
      for (const fn of after) {
        fn({ connection: this, statement: sql, parameters: bound, isMany: many, result });
      }
    }
    return result;
  }

  async #fail(err: unknown, sql: string, bound: unknown, many: boolean): Promise<never> {
    throw await this.#dbError(err, sql, bound, many);
  }

  /** Wraps a driver error; a disconnect invalidates this connection first. */
  async #dbError(
    err: unknown,
    statement: string | undefined,
    params: unknown,
    isMany: boolean,
  ): Promise<unknown> {
    const dialect = this.engine.dialect;
    const cls = dialect.translateError(err);
    if (cls === undefined) return err;
    const driver = this.#driver;
    const disconnect = dialect.isDisconnect(err) || (driver !== null && !driver.alive);
    if (disconnect && driver !== null) {
      this.engine.pool.invalidateStale();
      await this.#discard(err);
    }
    return new cls({
      statement,
      params,
      orig: err,
      connectionInvalidated: disconnect,
      hideParameters: this.engine.hideParameters,
      isMany,
    });
  }

  async #discard(error: unknown): Promise<void> {
    const handle = this.#handle;
    this.#handle = null;
    this.#driver = null;
    this.#stream = null;
    this.#streamExclusive = false;
    this.#txc.invalidate();
    if (handle !== null) await handle.invalidate(error);
  }

  async #closeStream(): Promise<void> {
    const stream = this.#stream;
    if (stream !== null) await stream.close();
  }

  /** Puts a changed isolation level back before the connection returns to the pool. */
  async #restoreCharacteristics(): Promise<void> {
    const driver = this.#driver;
    if (driver === null || this.#isolation === undefined || !this.#isolationApplied) return;
    const level = this.engine.isolationLevelDefault ?? this.engine.dialect.defaultIsolationLevel;
    if (level === undefined || level === 'AUTOCOMMIT' || level === this.#isolation) return;
    try {
      await driver.setIsolationLevel(level);
    } catch (err) {
      await this.#discard(err);
    }
  }

  async #scope<H extends Transaction | NestedTransaction, R>(
    handle: H,
    fn: (handle: H) => Promise<R>,
  ): Promise<R> {
    let value: R;
    try {
      value = await fn(handle);
    } catch (err) {
      if (handle._active) await handle.rollback().catch(() => undefined);
      throw err;
    }
    if (handle._active) await handle.commit();
    return value;
  }
}

/** What one positional execution for its effect answers (see `_positionalOutcome()`). */
export interface PositionalOutcome {
  /** The rows (RETURNING) as processed arrays; empty when the statement returns none. */
  readonly rows: unknown[][];
  /** Rows matched or inserted, or -1 when unknown. */
  readonly rowCount: number;
  /** The last generated key, when the driver reports one (SQLite, MySQL). */
  readonly lastInsertId: number | bigint | undefined;
}

type Processors = readonly (ValueProcessor | null)[] | undefined;

/**
 * `direct` applied to a driver's promised result. Not inline in `#positionalDirect`: a closure
 * there would make every synchronous call allocate a context too.
 */
function shapeLater<T>(
  result: Promise<DriverResult>,
  direct: (result: DriverResult, processors: Processors) => T,
  processors: Processors,
): Promise<T> {
  return result.then((r) => direct(r, processors));
}

/** The rows of a result as plain arrays (what `_positionalRows()` answers). */
function resultRows(result: Result<any, any>): unknown[][] {
  return result.returnsRows ? result.tuples().all() : [];
}

function resultOutcome(result: Result<any, any>): PositionalOutcome {
  return {
    rows: resultRows(result),
    rowCount: result.rowCount,
    lastInsertId: result.lastInsertId,
  };
}

function driverOutcome(result: DriverResult, processors: Processors): PositionalOutcome {
  return {
    rows: processedRows(result, processors),
    rowCount: result.rowCount,
    lastInsertId: result.lastInsertId,
  };
}

/** A driver result's rows with the statement's result processors applied, as a Result would. */
function processedRows(result: DriverResult, processors: Processors): unknown[][] {
  // A fresh array when there are none: the driver may hand out one shared empty array.
  if (!result.returnsRows) return [];
  const rows = result.rows;
  if (processors !== undefined) {
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      for (let i = 0; i < processors.length; i++) {
        const p = processors[i];
        if (p !== null && p !== undefined) row[i] = p(row[i]);
      }
    }
  }
  return rows;
}

/** The `[generated in …]` / `[cached since …]` part of the statement log line. */
function stats(compiled: CompiledStatement, started: number, compiledIn: number): string {
  const at = compiled.compiledAt;
  if (at !== undefined && at < started) return cachedSince((compiledIn - at) / 1000);
  return generatedIn((compiledIn - started) / 1000);
}

/** Adds the statement to an error raised while binding parameters (SQLAlchemy's StatementError). */
function withStatement(err: unknown, sql: string): unknown {
  if (err instanceof AthanorError) {
    err.message = `${err.message}\n[SQL: ${sql}]`;
    return err;
  }
  const e = err as { name?: unknown; message?: unknown } | null;
  return new InvalidRequestError(
    `(${String(e?.name ?? 'Error')}) ${String(e?.message ?? err)}\n[SQL: ${sql}]`,
    { cause: err },
  );
}
