/**
 * The mysql2 driver adapter (MySQL and MariaDB). Statements with parameters run as
 * server-side prepared statements (`execute`, cached by mysql2 per connection); statements
 * without parameters use the text protocol. Rows come back as arrays; BIGINT values that do
 * not fit a double exactly come back as `bigint`. Streaming reads the result unbuffered from
 * the query's row events, pausing the socket while a batch waits for the consumer.
 *
 * Transactions run with the session's `autocommit` off, as MySQLdb-based clients do: the
 * server then opens a transaction at the first statement, so a transaction costs no BEGIN
 * round trip (InnoDB takes its snapshot at the first read either way). Statements outside a
 * transaction switch `autocommit` back on first; after a transaction-control statement sent
 * as SQL the adapter puts it back on too, so what such statements do is unchanged.
 */
import type * as Mysql2 from 'mysql2';
import type {
  ConnectHooks,
  DriverAdapter,
  DriverConnection,
  DriverCursor,
  DriverResult,
} from '../dialect.js';

type Mysql2Module = typeof Mysql2;
type RawConnection = Mysql2.Connection;
type Field = { name: string; columnType?: number; type?: number };
type Header = { affectedRows: number; insertId: number | string };

let driver: Promise<Mysql2Module> | undefined;

function loadDriver(): Promise<Mysql2Module> {
  driver ??= import('mysql2').then(
    (m) => ((m as { default?: unknown }).default ?? m) as Mysql2Module,
    (err: unknown) => {
      driver = undefined;
      throw err;
    },
  );
  return driver;
}

const LONGLONG = 8;
const ER_UNSUPPORTED_PS = 1295;
const NO_ROWS: unknown[][] = [];
const NO_COLUMNS: readonly string[] = [];
/** Statements that start or end a transaction behind the adapter's back. */
const TRANSACTION_CONTROL = /^\s*(begin|start|commit|rollback|set\s+autocommit|xa|lock|unlock)\b/i;
/** Transaction-control statements after which a transaction is still open. */
const LEAVES_TRANSACTION_OPEN =
  /^\s*(begin|start)\b|^\s*rollback\s+(work\s+)?to\b|\band\s+chain\b/i;
const SETS_AUTOCOMMIT = /^\s*set\s+autocommit\b/i;

/**
 * The session's `autocommit` as the adapter last set it: `'on'` (the server default),
 * `'off'` (set by `begin()`), or `'unknown'` once SQL sent by the caller set it, after which
 * the adapter sends an explicit BEGIN and leaves the variable alone.
 */
type Autocommit = 'on' | 'off' | 'unknown';

/** Opens mysql2 connections. */
export const mysql2Adapter: DriverAdapter = {
  async connect(args, hooks) {
    const module = await loadDriver();
    const raw = module.createConnection({
      ...(args as Mysql2.ConnectionOptions),
      password: (args as { password?: string }).password,
      // Set on the connection, not per call: mysql2's per-call options object costs ~40% CPU.
      rowsAsArray: true,
    });
    const conn = new MysqlConnection(raw, hooks);
    try {
      await new Promise<void>((resolve, reject) => {
        raw.connect((err) => (err ? reject(err) : resolve()));
      });
    } catch (err) {
      conn.markDead();
      raw.destroy();
      throw err;
    }
    conn.connected();
    return conn;
  },
};

/** One mysql2 connection (callback API, wrapped in promises here). */
class MysqlConnection implements DriverConnection {
  #alive = true;
  #connected = false;
  #inTransaction: boolean | undefined = false;
  #autocommit: Autocommit = 'on';
  info: Readonly<Record<string, unknown>> = {};

  constructor(
    private readonly conn: RawConnection,
    hooks: ConnectHooks,
  ) {
    // mysql2 emits 'error' on the connection when the server closes it while idle (KILL,
    // wait_timeout, restart). Without a listener that would crash the process.
    conn.on('error', (err: Error) => this.#died(hooks, err));
    conn.on('end', () =>
      this.#died(hooks, new Error('Connection lost: The server closed the connection.')),
    );
  }

  /** Reports the first sign of death once; `close()` marks the connection dead first. */
  #died(hooks: ConnectHooks, err: Error): void {
    const wasAlive = this.#alive;
    this.#alive = false;
    if (wasAlive && this.#connected) hooks.onDead(this, err);
  }

  connected(): void {
    this.#connected = true;
    this.info = { threadId: this.conn.threadId };
  }

  markDead(): void {
    this.#alive = false;
  }

  get raw(): unknown {
    return this.conn;
  }

  get alive(): boolean {
    return this.#alive;
  }

  transactionStatus(): boolean | undefined {
    return this.#inTransaction;
  }

  execute(sql: string, params: readonly unknown[]): Promise<DriverResult> {
    if (TRANSACTION_CONTROL.test(sql)) return this.#transactionControl(sql, params);
    if (this.#inTransaction === false && this.#autocommit === 'off') {
      return this.#outsideTransaction(sql, params);
    }
    return this.#run(sql, params);
  }

  #run(sql: string, params: readonly unknown[]): Promise<DriverResult> {
    return params.length === 0 ? this.#query(sql, params) : this.#prepared(sql, params);
  }

  /** A statement outside a transaction commits on its own, as with `autocommit` on. */
  async #outsideTransaction(sql: string, params: readonly unknown[]): Promise<DriverResult> {
    await this.#autocommitOn();
    return this.#run(sql, params);
  }

  /**
   * BEGIN, COMMIT, LOCK TABLES… sent as SQL: run with `autocommit` on, as they were written
   * for. Turning it on commits an open transaction, so inside one it is turned on only once
   * the statement has ended the transaction (a BEGIN leaves one open: that one ends with the
   * adapter's own COMMIT or ROLLBACK).
   */
  async #transactionControl(sql: string, params: readonly unknown[]): Promise<DriverResult> {
    if (this.#inTransaction === false && this.#autocommit === 'off') await this.#autocommitOn();
    this.#inTransaction = undefined;
    let result: DriverResult;
    try {
      result = await this.#run(sql, params);
    } catch (err) {
      // A failed statement changed nothing; a SET autocommit may have, so stop assuming.
      if (SETS_AUTOCOMMIT.test(sql)) this.#autocommit = 'unknown';
      throw err;
    }
    if (SETS_AUTOCOMMIT.test(sql)) this.#autocommit = 'unknown';
    else if (this.#autocommit === 'off' && !LEAVES_TRANSACTION_OPEN.test(sql)) {
      await this.#autocommitOn().catch(() => {
        this.#autocommit = 'unknown';
      });
    }
    return result;
  }

  async #autocommitOn(): Promise<void> {
    await this.#query('SET autocommit = 1', []);
    this.#autocommit = 'on';
  }

  async executeMany(
    sql: string,
    paramSets: readonly (readonly unknown[])[],
  ): Promise<DriverResult> {
    let rowCount = 0;
    let lastInsertId: number | bigint | undefined;
    const rows: unknown[][] = [];
    let columns: readonly string[] = NO_COLUMNS;
    let returnsRows = false;
    for (const set of paramSets) {
      const r = await this.execute(sql, set);
      if (r.rowCount > 0) rowCount += r.rowCount;
      if (r.lastInsertId !== undefined) lastInsertId = r.lastInsertId;
      if (r.returnsRows) {
        returnsRows = true;
        columns = r.columns;
        for (const row of r.rows) rows.push(row);
      }
    }
    return { columns, rows: returnsRows ? rows : NO_ROWS, rowCount, lastInsertId, returnsRows };
  }

  #prepared(sql: string, params: readonly unknown[]): Promise<DriverResult> {
    return new Promise((resolve, reject) => {
      this.conn.execute(
        sql,
        convertParams(params) as Mysql2.ExecuteValues,
        (err: unknown, result: unknown, fields: unknown) => {
          if (err) {
            if ((err as { errno?: unknown }).errno === ER_UNSUPPORTED_PS) {
              // Some statements cannot be prepared: send them as text instead.
              this.#query(sql, params).then(resolve, reject);
            } else reject(err);
            return;
          }
          resolve(toDriverResult(result, fields as Field[] | undefined));
        },
      );
    });
  }

  #query(sql: string, params: readonly unknown[]): Promise<DriverResult> {
    return new Promise((resolve, reject) => {
      this.conn.query(
        sql,
        convertParams(params),
        (err: unknown, result: unknown, fields: unknown) => {
          if (err) reject(err);
          else resolve(toDriverResult(result, fields as Field[] | undefined));
        },
      );
    });
  }

  async openCursor(
    sql: string,
    params: readonly unknown[],
    batchSize: number,
  ): Promise<DriverCursor> {
    if (this.#inTransaction === false && this.#autocommit === 'off') await this.#autocommitOn();
    const query = this.conn.query(sql, convertParams(params));
    const cursor = new MysqlCursor(this.conn, query as unknown as QueryEvents, batchSize);
    await cursor.ready;
    return cursor;
  }

  async begin(): Promise<void> {
    if (this.#inTransaction !== false || this.#autocommit === 'unknown') {
      // After transaction-control SQL, or with `autocommit` set by the caller: an explicit
      // BEGIN, which also ends whatever that SQL may have left open.
      await this.#query('BEGIN', []);
    } else if (this.#autocommit === 'on') {
      await this.#query('SET autocommit = 0', []);
      this.#autocommit = 'off';
    }
    this.#inTransaction = true;
  }

  async commit(): Promise<void> {
    await this.#query('COMMIT', []);
    this.#inTransaction = false;
  }

  async rollback(): Promise<void> {
    await this.#query('ROLLBACK', []);
    this.#inTransaction = false;
  }

  async savepoint(name: string): Promise<void> {
    await this.#query(`SAVEPOINT ${name}`, []);
  }

  async releaseSavepoint(name: string): Promise<void> {
    await this.#query(`RELEASE SAVEPOINT ${name}`, []);
  }

  async rollbackToSavepoint(name: string): Promise<void> {
    await this.#query(`ROLLBACK TO SAVEPOINT ${name}`, []);
  }

  async setIsolationLevel(level: string): Promise<void> {
    await this.#query(`SET SESSION TRANSACTION ISOLATION LEVEL ${level}`, []);
  }

  ping(): Promise<boolean> {
    if (!this.#alive) return Promise.resolve(false);
    return new Promise((resolve, reject) => {
      this.conn.ping((err) => (err ? reject(err) : resolve(true)));
    });
  }

  async close(): Promise<void> {
    const alive = this.#alive;
    this.#alive = false;
    if (!alive) {
      this.conn.destroy();
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.conn.destroy();
        resolve();
      }, 5000);
      timer.unref?.();
      this.conn.end(() => {
        clearTimeout(timer);
        resolve();
      });
    }).catch(() => this.conn.destroy());
  }
}

/** mysql2 refuses `undefined`; SQL has only NULL. */
function convertParams(params: readonly unknown[]): unknown[] {
  for (let i = 0; i < params.length; i++) {
    if (params[i] === undefined) return params.map((v) => (v === undefined ? null : v));
  }
  return params as unknown[];
}

function toDriverResult(result: unknown, fields: Field[] | undefined): DriverResult {
  if (Array.isArray(result)) {
    // A multi-statement text returns one entry per statement: keep the last row set.
    if (fields !== undefined && Array.isArray(fields[0])) {
      const sets = result as unknown[];
      const allFields = fields as unknown as (Field[] | undefined)[];
      for (let i = sets.length - 1; i >= 0; i--) {
        if (Array.isArray(sets[i])) return toDriverResult(sets[i], allFields[i]);
      }
      return toDriverResult(sets[sets.length - 1], undefined);
    }
    const rows = result as unknown[][];
    const f = fields ?? [];
    const columns = new Array<string>(f.length);
    let bigint = false;
    for (let i = 0; i < f.length; i++) {
      const field = f[i] as Field;
      columns[i] = field.name;
      if ((field.columnType ?? field.type) === LONGLONG) bigint = true;
    }
    if (bigint) restoreBigints(rows, f);
    return { columns, rows, rowCount: rows.length, returnsRows: true };
  }
  const header = result as Header;
  const id = header.insertId;
  return {
    columns: NO_COLUMNS,
    rows: NO_ROWS,
    rowCount: header.affectedRows ?? -1,
    // 0 means no AUTO_INCREMENT value was generated.
    lastInsertId: typeof id === 'string' ? BigInt(id) : id === 0 ? undefined : id,
    returnsRows: false,
  };
}

/** With `supportBigNumbers`, BIGINTs beyond 2^53 arrive as strings: make them bigints. */
function restoreBigints(rows: unknown[][], fields: Field[]): void {
  for (let c = 0; c < fields.length; c++) {
    const field = fields[c] as Field;
    if ((field.columnType ?? field.type) !== LONGLONG) continue;
    for (const row of rows) {
      const v = row[c];
      if (typeof v === 'string') row[c] = BigInt(v);
    }
  }
}

/** The events of a mysql2 query this adapter listens to. */
interface QueryEvents {
  on(event: string, fn: (...args: unknown[]) => void): unknown;
}

/**
 * An unbuffered result read from the query's row events. Rows collect in an array; once a
 * batch is waiting the connection is paused (the socket stops being read), and taking rows
 * resumes it, so the next batch arrives while the caller works on this one and memory stays
 * at about two batches. No stream object sits between the rows and the caller: an
 * object-mode Readable costs a buffer node and several calls per row.
 */
class MysqlCursor implements DriverCursor {
  readonly exclusive = true;
  columns: readonly string[] = NO_COLUMNS;
  readonly ready: Promise<void>;
  #fields: Field[] = [];
  #rows: unknown[][] = [];
  /** No more rows will come (the query ended or failed). */
  #done = false;
  #error: unknown = undefined;
  #paused = false;
  /** Closing: rows are dropped as they come. */
  #discard = false;
  #need = 0;
  #waiter: (() => void) | undefined = undefined;
  readonly #detach: () => void;

  constructor(
    private readonly conn: RawConnection,
    query: QueryEvents,
    private readonly batchSize: number,
  ) {
    query.on('fields', (fields: unknown) => {
      this.#fields = fields as Field[];
      this.columns = this.#fields.map((f) => f.name);
    });
    query.on('result', (row: unknown) => {
      if (this.#discard) return;
      const rows = this.#rows;
      rows.push(row as unknown[]);
      if (rows.length >= this.batchSize && !this.#paused) {
        this.#paused = true;
        conn.pause();
      }
      if (this.#waiter !== undefined && rows.length >= this.#need) this.#wake();
    });
    // Kept for the cursor's life: an 'error' without a listener would crash the process.
    query.on('error', (err: unknown) => {
      this.#error ??= err;
      this.#finish();
    });
    query.on('end', () => this.#finish());
    // A connection that dies mid-result tells the connection, not the query: listen there too,
    // or a fetch would wait for rows that never come.
    const lost = (err?: unknown): void => {
      this.#error ??= err ?? new Error('Connection lost: The server closed the connection.');
      this.#finish();
    };
    conn.on('error', lost);
    conn.on('end', lost);
    this.#detach = () => {
      conn.off('error', lost);
      conn.off('end', lost);
    };
    // The first rows (or the end) tell us the columns and surface SQL errors early.
    this.ready = this.#waitFor(1).then(() => {
      if (this.#error !== undefined) throw this.#error;
    });
  }

  #finish(): void {
    if (!this.#done) this.#detach();
    this.#done = true;
    this.#resume();
    if (this.#waiter !== undefined) this.#wake();
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.();
  }

  /** Resolves once `n` rows are buffered or no more will come. */
  #waitFor(n: number): Promise<void> {
    if (this.#done || this.#rows.length >= n) return Promise.resolve();
    this.#need = n;
    return new Promise<void>((resolve) => {
      this.#waiter = resolve;
    });
  }

  #resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    // Handles the packets that arrived while paused, synchronously; may pause again.
    this.conn.resume();
  }

  async fetch(n: number): Promise<unknown[][]> {
    if (this.#rows.length < n && !this.#done) {
      this.#resume();
      await this.#waitFor(n);
    }
    const buffered = this.#rows;
    if (this.#error !== undefined && buffered.length === 0) throw this.#error;
    let rows: unknown[][];
    if (buffered.length <= n) {
      rows = buffered;
      this.#rows = [];
    } else {
      rows = buffered.slice(0, n);
      this.#rows = buffered.slice(n);
    }
    // Let the next batch come while the caller works on this one.
    if (this.#rows.length < this.batchSize) this.#resume();
    if (rows.length > 0 && this.#fields.some((f) => (f.columnType ?? f.type) === LONGLONG)) {
      restoreBigints(rows, this.#fields);
    }
    return rows;
  }

  async close(): Promise<void> {
    // The protocol needs the rest of the result read before the connection is usable again.
    this.#discard = true;
    this.#rows = [];
    this.#resume();
    await this.#waitFor(Number.POSITIVE_INFINITY);
  }
}
