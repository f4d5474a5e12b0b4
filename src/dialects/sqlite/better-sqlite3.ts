/**
 * The better-sqlite3 driver adapter. better-sqlite3 is synchronous and fast; this adapter
 * keeps it from ever blocking the event loop on a lock: `busy_timeout` is 0, writers of this
 * process queue on an async lock per database file (see `write-lock.ts`), and SQLITE_BUSY
 * caused by another process is retried asynchronously with backoff until the lock timeout.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type {
  ConnectHooks,
  DriverAdapter,
  DriverConnection,
  DriverCursor,
  DriverResult,
} from '../dialect.js';
import { InvalidRequestError } from '../../errors.js';
import type { AsyncLock } from '../../util/async-lock.js';
import { LockTimeoutError } from '../../util/async-lock.js';
import { LruCache } from '../../util/lru-cache.js';
import {
  SqliteCursor,
  callAll,
  callGet,
  callRun,
  convertParams,
  explainSnapshot,
  hasUnsafeNumber,
  normalizeIntegers,
} from './statements.js';
import { databaseLockedError, isRetryableBusy, sleep, writeLockFor } from './write-lock.js';

type Database = BetterSqlite3.Database;
type Statement = BetterSqlite3.Statement<unknown[], unknown>;

/** Connect arguments as the SQLite dialect computes them. */
export interface SqliteConnectArgs {
  /** Absolute path, or `':memory:'`. */
  filename: string;
  memory: boolean;
  /** Options handed to `new Database()`; `timeout` defaults to 0 (see the module comment). */
  driverOptions: BetterSqlite3.Options;
  /** PRAGMAs run at connect, after `journal_mode=WAL` for files. */
  pragmas: Readonly<Record<string, string | number | boolean>>;
  /** Prepared statements kept per connection. */
  statementCacheSize: number;
  /**
   * Integers beyond ±2^53: `undefined` (default) returns them exactly as `bigint` and the rest
   * as `number`, re-reading a row set with SQLite's 64-bit integers only when it holds one;
   * `true` always reads 64-bit integers (same result, slower); `false` reads doubles (lossy).
   */
  safeIntegers: boolean | undefined;
  /** Take the write lock at BEGIN (`BEGIN IMMEDIATE`) instead of at the first write. */
  beginImmediate: boolean;
}

let driver: Promise<typeof BetterSqlite3> | undefined;

function loadDriver(): Promise<typeof BetterSqlite3> {
  driver ??= import('better-sqlite3').then(
    (m) => ((m as { default?: unknown }).default ?? m) as typeof BetterSqlite3,
    (err: unknown) => {
      driver = undefined;
      throw err;
    },
  );
  return driver;
}

/** Opens better-sqlite3 connections. */
export const betterSqlite3Adapter: DriverAdapter = {
  async connect(args, hooks) {
    const Database = await loadDriver();
    const a = args as unknown as SqliteConnectArgs;
    const db = new Database(a.filename, { timeout: 0, ...a.driverOptions });
    try {
      const conn = new SqliteConnection(db, a, hooks);
      await conn.applyPragmas();
      return conn;
    } catch (err) {
      db.close();
      throw err;
    }
  },
};

/** The settled promise of calls that completed synchronously. */
const DONE: Promise<void> = Promise.resolve();

const NO_ROWS: unknown[][] = [];
const NO_COLUMNS: readonly string[] = [];

/** Bumped by DDL on any connection of the process: cached statements and columns are dropped. */
let schemaGeneration = 0;
const DDL = /^\s*(create|alter|drop)\b/i;

/** A cached prepared statement and what was read from it once. */
interface Prepared {
  readonly stmt: Statement;
  readonly reader: boolean;
  readonly readonly: boolean;
  readonly ddl: boolean;
  /** `stmt` reads 64-bit integers (bigints narrowed to numbers where exact). */
  readonly safe: boolean;
  /** Rows are checked for rounded integers and re-read with `exact` when one shows up. */
  readonly check: boolean;
  exact: Statement | undefined;
  columns: readonly string[] | undefined;
}

/** One better-sqlite3 database handle. */
class SqliteConnection implements DriverConnection {
  readonly info: Readonly<Record<string, unknown>>;
  readonly #db: Database;
  readonly #args: SqliteConnectArgs;
  readonly #cache: LruCache<string, Prepared>;
  readonly #lock: AsyncLock | null;
  readonly #lockTimeout: number | null;
  #release: (() => void) | null = null;
  #control = new Map<string, Statement>();
  #generation = schemaGeneration;
  /**
   * The statements run last and the one before: a loop running one statement, or a
   * transaction alternating two (a read and a write), skips the cache lookup.
   */
  #lastSql: string | undefined = undefined;
  #last: Prepared | undefined = undefined;
  #previousSql: string | undefined = undefined;
  #previous: Prepared | undefined = undefined;

  constructor(db: Database, args: SqliteConnectArgs, hooks: ConnectHooks) {
    this.#db = db;
    this.#args = args;
    this.#cache = new LruCache(args.statementCacheSize);
    this.#lock = args.memory || args.driverOptions.readonly ? null : writeLockFor(args.filename);
    this.#lockTimeout = hooks.lockTimeout;
    this.info = { filename: args.filename };
  }

  get raw(): unknown {
    return this.#db;
  }

  get alive(): boolean {
    return this.#db.open;
  }

  async applyPragmas(): Promise<void> {
    if (!this.#args.memory && !this.#args.driverOptions.readonly) {
      await this.#retryBusy(() => this.#db.pragma('journal_mode = WAL'));
    }
    for (const [name, value] of Object.entries(this.#args.pragmas)) {
      const v = typeof value === 'boolean' ? (value ? 'ON' : 'OFF') : String(value);
      await this.#retryBusy(() => this.#db.pragma(`${name} = ${v}`));
    }
  }

  transactionStatus(): boolean {
    return this.#db.inTransaction;
  }

  execute(sql: string, params: readonly unknown[]): DriverResult | Promise<DriverResult> {
    const p = this.#statement(sql);
    const args = convertParams(params);
    if (!p.readonly && this.#lock !== null && this.#release === null) {
      return this.#runWriteLocked(p, args);
    }
    let result: DriverResult;
    try {
      result = this.#run(p, args);
    } catch (err) {
      if (!isRetryableBusy(err)) throw err;
      return this.#runRetried(p, args);
    }
    return this.#afterText(result);
  }

  // The closures of the slow paths live in their own methods: a closure in execute() itself
  // would make every call allocate a context for the variables it captures.
  #runWriteLocked(p: Prepared, args: unknown[]): Promise<DriverResult> {
    return this.#writeLocked(() => this.#run(p, args));
  }

  #runRetried(p: Prepared, args: unknown[]): Promise<DriverResult> {
    return this.#retryBusy(() => this.#run(p, args)).then((r) => this.#afterText(r));
  }

  #runFirstRetried(p: Prepared, args: unknown[]): Promise<DriverResult> {
    return this.#retryBusy(() => this.#runFirst(p, args));
  }

  executeFirst(sql: string, params: readonly unknown[]): DriverResult | Promise<DriverResult> {
    const p = this.#statement(sql);
    // Writes (RETURNING) keep execute()'s locking; only plain reads stop at the first row.
    if (!p.reader || !p.readonly) return this.execute(sql, params);
    const args = convertParams(params);
    try {
      return this.#runFirst(p, args);
    } catch (err) {
      if (!isRetryableBusy(err)) throw err;
      return this.#runFirstRetried(p, args);
    }
  }

  /** A COMMIT or ROLLBACK sent as text ends the transaction: give the lock back. */
  #afterText(result: DriverResult): DriverResult {
    if (this.#release !== null && !this.#db.inTransaction) this.#releaseWriteLock();
    return result;
  }

  async executeMany(
    sql: string,
    paramSets: readonly (readonly unknown[])[],
  ): Promise<DriverResult> {
    const p = this.#statement(sql);
    const runAll = (): DriverResult => {
      let rowCount = 0;
      let lastInsertId: number | bigint | undefined;
      for (const set of paramSets) {
        const info = callRun(p.stmt, convertParams(set));
        rowCount += info.changes;
        lastInsertId = info.lastInsertRowid;
      }
      return { columns: NO_COLUMNS, rows: NO_ROWS, rowCount, lastInsertId, returnsRows: false };
    };
    if (p.reader) {
      // DML with RETURNING: collect the rows of every set.
      const rows: unknown[][] = [];
      let columns: readonly string[] = NO_COLUMNS;
      const runReturning = (): DriverResult => {
        for (const set of paramSets) {
          const r = this.#run(p, convertParams(set));
          columns = r.columns;
          for (const row of r.rows) rows.push(row);
        }
        return { columns, rows, rowCount: rows.length, returnsRows: true };
      };
      return this.#lock !== null && this.#release === null && !p.readonly
        ? this.#writeLocked(runReturning)
        : this.#retryOnBusy(runReturning);
    }
    if (!p.readonly && this.#lock !== null && this.#release === null) {
      return this.#writeLocked(runAll);
    }
    return this.#retryOnBusy(runAll);
  }

  async openCursor(sql: string, params: readonly unknown[]): Promise<DriverCursor> {
    // A fresh statement: an iterating statement is busy, and the cached one may be needed.
    const stmt = this.#db.prepare(sql) as Statement;
    if (!stmt.reader) {
      throw new InvalidRequestError(
        'stream() needs a statement that returns rows; run this one with execute()',
      );
    }
    stmt.raw(true);
    // A stream cannot be re-read: exact integers unless the connection opted out.
    const exact = this.#args.safeIntegers !== false;
    if (exact) stmt.safeIntegers(true);
    if (!stmt.readonly && this.#lock !== null && this.#release === null) {
      await this.#acquireWriteLock();
    }
    const iterator = stmt.iterate(convertParams(params)) as IterableIterator<unknown[]>;
    return new SqliteCursor(
      stmt.columns().map((c) => c.name),
      iterator,
      exact,
      () => {
        // A streamed write outside a transaction is done once the stream is.
        if (this.#release !== null && !this.#db.inTransaction) this.#releaseWriteLock();
      },
    );
  }

  // begin/commit/rollback run synchronously when they can and then hand back a settled
  // promise: a transaction of a few statements would otherwise spend a noticeable share of
  // its time in the promise machinery of these three calls.

  begin(): Promise<void> {
    try {
      if (this.#args.beginImmediate && this.#lock !== null) {
        if (this.#release === null) {
          // A free lock is taken at once: no promise to wait on before BEGIN.
          this.#release = this.#lock.tryAcquire() ?? null;
          if (this.#release === null) return this.#beginAfterLock();
        }
        return this.#beginImmediateLocked();
      }
      this.#controlStatement('BEGIN').run();
      return DONE;
    } catch (err) {
      return Promise.reject(err);
    }
  }

  async #beginAfterLock(): Promise<void> {
    await this.#acquireWriteLock();
    await this.#beginImmediateLocked();
  }

  /** BEGIN IMMEDIATE holding the write lock; the lock is given back when it fails. */
  #beginImmediateLocked(): Promise<void> {
    try {
      if (this.#runUnlessBusy('BEGIN IMMEDIATE')) return DONE;
    } catch (err) {
      this.#releaseWriteLock();
      return Promise.reject(err);
    }
    return this.#retryBeginImmediate();
  }

  // Apart from #beginImmediateLocked: its closures would make every BEGIN allocate a context.
  #retryBeginImmediate(): Promise<void> {
    return this.#retryBusy(() => this.#controlStatement('BEGIN IMMEDIATE').run()).then(
      () => undefined,
      (err: unknown) => {
        this.#releaseWriteLock();
        throw err;
      },
    );
  }

  commit(): Promise<void> {
    try {
      if (this.#db.inTransaction && !this.#runUnlessBusy('COMMIT')) return this.#retryCommit();
    } catch (err) {
      this.#releaseUnlessInTransaction();
      return Promise.reject(err);
    }
    this.#releaseUnlessInTransaction();
    return DONE;
  }

  async #retryCommit(): Promise<void> {
    try {
      await this.#retryBusy(() => this.#controlStatement('COMMIT').run());
    } finally {
      this.#releaseUnlessInTransaction();
    }
  }

  #releaseUnlessInTransaction(): void {
    if (!this.#db.inTransaction) this.#releaseWriteLock();
  }

  /**
   * Runs a control statement once, synchronously; false when SQLite answered with a busy
   * error that waiting can cure (the caller then retries with backoff). Others are thrown.
   */
  #runUnlessBusy(sql: string): boolean {
    try {
      this.#controlStatement(sql).run();
      return true;
    } catch (err) {
      if (!isRetryableBusy(err)) throw err;
      return false;
    }
  }

  rollback(): Promise<void> {
    try {
      if (this.#db.inTransaction) this.#controlStatement('ROLLBACK').run();
    } catch (err) {
      this.#releaseUnlessInTransaction();
      return Promise.reject(err);
    }
    this.#releaseUnlessInTransaction();
    return DONE;
  }

  async savepoint(name: string): Promise<void> {
    this.#db.exec(`SAVEPOINT ${name}`);
  }

  async releaseSavepoint(name: string): Promise<void> {
    this.#db.exec(`RELEASE SAVEPOINT ${name}`);
  }

  async rollbackToSavepoint(name: string): Promise<void> {
    this.#db.exec(`ROLLBACK TO SAVEPOINT ${name}`);
  }

  async setIsolationLevel(level: string): Promise<void> {
    this.#db.pragma(`read_uncommitted = ${level === 'READ UNCOMMITTED' ? 1 : 0}`);
  }

  async ping(): Promise<boolean> {
    if (!this.#db.open) return false;
    this.#controlStatement('SELECT 1').get();
    return true;
  }

  async close(): Promise<void> {
    this.#releaseWriteLock();
    this.#resetCaches();
    this.#control.clear();
    try {
      if (this.#db.open) this.#db.close();
    } catch {
      // Closing a handle that is already broken is not an error worth reporting.
    }
  }

  #resetCaches(): void {
    this.#generation = schemaGeneration;
    this.#cache.clear();
    this.#lastSql = undefined;
    this.#last = undefined;
    this.#previousSql = undefined;
    this.#previous = undefined;
  }

  /** The prepared statement for `sql`, with what it is read once (native getters cost). */
  #statement(sql: string): Prepared {
    if (this.#generation !== schemaGeneration) this.#resetCaches();
    else if (sql === this.#lastSql) return this.#last as Prepared;
    else if (sql === this.#previousSql) return this.#remember(sql, this.#previous as Prepared);
    let p = this.#cache.get(sql);
    if (p === undefined) {
      const stmt = this.#db.prepare(sql) as Statement;
      const reader = stmt.reader;
      const readonly = stmt.readonly;
      const mode = this.#args.safeIntegers;
      // A write with RETURNING cannot be run twice: it reads 64-bit integers at once.
      const safe = reader && (mode === true || (mode === undefined && !readonly));
      if (reader) {
        stmt.raw(true);
        if (safe) stmt.safeIntegers(true);
      }
      p = {
        stmt,
        reader,
        readonly,
        ddl: DDL.test(sql),
        safe,
        check: reader && mode === undefined && !safe,
        exact: undefined,
        columns: undefined,
      };
      this.#cache.set(sql, p);
    }
    return this.#remember(sql, p);
  }

  #remember(sql: string, p: Prepared): Prepared {
    this.#previousSql = this.#lastSql;
    this.#previous = this.#last;
    this.#lastSql = sql;
    this.#last = p;
    return p;
  }

  #controlStatement(sql: string): Statement {
    let stmt = this.#control.get(sql);
    if (stmt === undefined) {
      stmt = this.#db.prepare(sql) as Statement;
      this.#control.set(sql, stmt);
    }
    return stmt;
  }

  #run(p: Prepared, args: unknown[]): DriverResult {
    if (p.reader) {
      let rows = callAll(p.stmt, args);
      if (p.safe) normalizeIntegers(rows);
      else if (p.check && hasUnsafeNumber(rows)) {
        // A value beyond ±2^53 came back as a rounded double: read again, exactly.
        rows = callAll(this.#exact(p), args);
        normalizeIntegers(rows);
      }
      const columns = this.#columns(p, rows[0]);
      return { columns, rows, rowCount: rows.length, returnsRows: true };
    }
    const info = callRun(p.stmt, args);
    if (p.ddl) {
      schemaGeneration++;
      this.#resetCaches();
    }
    return {
      columns: NO_COLUMNS,
      rows: NO_ROWS,
      rowCount: info.changes,
      lastInsertId: info.lastInsertRowid,
      returnsRows: false,
    };
  }

  /** `#run` of a read that returns at most one row: one step, no array of rows from the driver. */
  #runFirst(p: Prepared, args: unknown[]): DriverResult {
    let row = callGet(p.stmt, args);
    let rows = row === undefined ? [] : [row];
    if (p.safe) normalizeIntegers(rows);
    else if (p.check && hasUnsafeNumber(rows)) {
      row = callGet(this.#exact(p), args);
      rows = row === undefined ? [] : [row];
      normalizeIntegers(rows);
    }
    const columns = this.#columns(p, row);
    return { columns, rows, rowCount: rows.length, returnsRows: true };
  }

  /** The statement again, reading integers exactly (for values beyond ±2^53). */
  #exact(p: Prepared): Statement {
    return (p.exact ??= (this.#db.prepare(p.stmt.source) as Statement)
      .raw(true)
      .safeIntegers(true));
  }

  /**
   * The column names of a read. columns() is as costly as a small query: cached, and read again
   * when SQLite has re-prepared the statement with another shape (SELECT * after ALTER TABLE).
   */
  #columns(p: Prepared, firstRow: unknown[] | undefined): readonly string[] {
    let columns = p.columns;
    if (columns === undefined || (firstRow !== undefined && firstRow.length !== columns.length)) {
      columns = Object.freeze(p.stmt.columns().map((c) => c.name));
      p.columns = columns;
    }
    return columns;
  }

  /** Runs `fn` holding the write lock: to the end of the transaction, or just for `fn`. */
  async #writeLocked<T>(fn: () => T): Promise<T> {
    await this.#acquireWriteLock();
    try {
      return await this.#retryOnBusy(fn);
    } catch (err) {
      throw explainSnapshot(err);
    } finally {
      // Outside a transaction (autocommit, or the statement ended it) the write is done.
      if (!this.#db.inTransaction) this.#releaseWriteLock();
    }
  }

  async #acquireWriteLock(): Promise<void> {
    if (this.#lock === null || this.#release !== null) return;
    try {
      this.#release = await this.#lock.acquire(this.#lockTimeout);
    } catch (err) {
      if (err instanceof LockTimeoutError) throw databaseLockedError();
      throw err;
    }
  }

  #releaseWriteLock(): void {
    const release = this.#release;
    this.#release = null;
    release?.();
  }

  async #retryOnBusy<T>(fn: () => T): Promise<T> {
    try {
      return fn();
    } catch (err) {
      if (!isRetryableBusy(err)) throw err;
      return this.#retryBusy(fn);
    }
  }

  /** Another process holds the lock: retry with backoff until the lock timeout. */
  async #retryBusy<T>(fn: () => T): Promise<T> {
    const timeout = this.#lockTimeout;
    const deadline = timeout === null ? Infinity : Date.now() + timeout * 1000;
    let delay = 1;
    for (;;) {
      try {
        return fn();
      } catch (err) {
        if (!isRetryableBusy(err)) throw err;
        if (Date.now() + delay > deadline) throw databaseLockedError();
        await sleep(delay);
        delay = Math.min(delay * 2, 50);
      }
    }
  }
}
