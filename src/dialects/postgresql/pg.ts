/**
 * The node-postgres (pg) driver adapter. Rows come back as arrays (`rowMode: 'array'`);
 * int8 values are parsed to `number` when they fit in a double exactly and to `bigint`
 * otherwise, so no value is ever rounded; `timestamp` (no time zone) is read as UTC wall time
 * and Dates are sent as UTC text, so nothing depends on the process's time zone; `date` comes
 * back as `'YYYY-MM-DD'` text (see types.ts). Streaming uses a server-side cursor
 * (`DECLARE … NO SCROLL CURSOR` / `FETCH FORWARD n`) inside the current transaction.
 */
import type pg from 'pg';
import type {
  ConnectHooks,
  DriverAdapter,
  DriverConnection,
  DriverCursor,
  DriverResult,
} from '../dialect.js';
import { LruCache } from '../../util/lru-cache.js';
import { BufferedCursor, PgCursor } from './cursor.js';
import { typesFor, withUtcDates } from './types.js';

type PgModule = typeof pg;
type Client = pg.Client;
type QueryResult = pg.QueryArrayResult<unknown[]>;

let driver: Promise<PgModule> | undefined;

function loadDriver(): Promise<PgModule> {
  driver ??= import('pg').then(
    (m) => ((m as { default?: unknown }).default ?? m) as PgModule,
    (err: unknown) => {
      driver = undefined;
      throw err;
    },
  );
  return driver;
}

/** Opens pg connections. */
export const pgAdapter: DriverAdapter = {
  async connect(args, hooks) {
    const module = await loadDriver();
    const { statementCacheSize, ...config } = args as pg.ClientConfig & {
      statementCacheSize?: number;
    };
    const client = new module.Client({
      ...config,
      // Not enumerable on `args` (kept out of logs), so the spread above skipped it.
      password: (args as { password?: string }).password,
      types: typesFor(module) as pg.CustomTypesConfig,
    });
    const conn = new PgConnection(client, hooks, statementCacheSize ?? 100);
    try {
      await client.connect();
    } catch (err) {
      conn.markDead();
      await client.end().catch(() => undefined);
      throw err;
    }
    conn.connected();
    return conn;
  },
};

const NO_ROWS: unknown[][] = [];

/** Bumped by DDL on any connection: prepared statements made before it are deallocated. */
let schemaGeneration = 0;

const DDL = /^\s*(create|alter|drop|truncate|comment|reindex|cluster)\b/i;

function isCachedPlanError(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  return (
    e?.code === '0A000' &&
    typeof e.message === 'string' &&
    e.message.includes('cached plan must not change result type')
  );
}

function parsedStatements(client: Client): Record<string, unknown> {
  const connection = (client as unknown as { connection?: { parsedStatements?: object } })
    .connection;
  return (connection?.parsedStatements ?? {}) as Record<string, unknown>;
}
const NO_COLUMNS: readonly string[] = [];

/** One pg Client. */
class PgConnection implements DriverConnection {
  #alive = true;
  #connected = false;
  #cursorSeq = 0;
  #statementSeq = 0;
  #generation = schemaGeneration;
  readonly #names: LruCache<string, string> | null;
  readonly #evicted: string[] = [];
  info: Readonly<Record<string, unknown>> = {};

  constructor(
    private readonly client: Client,
    hooks: ConnectHooks,
    statementCacheSize: number,
  ) {
    this.#names =
      statementCacheSize > 0
        ? new LruCache(statementCacheSize, (name) => this.#evicted.push(name))
        : null;
    // A permanent listener: an idle connection whose backend dies must never crash the
    // process with an unhandled 'error' event.
    client.on('error', (err: Error) => this.#died(hooks, err));
    client.on('end', () => this.#died(hooks, new Error('Connection terminated unexpectedly')));
  }

  /** Reports the first sign of death once; `close()` marks the connection dead first. */
  #died(hooks: ConnectHooks, err: Error): void {
    const wasAlive = this.#alive;
    this.#alive = false;
    if (wasAlive && this.#connected) hooks.onDead(this, err);
  }

  connected(): void {
    this.#connected = true;
    this.info = { processId: (this.client as unknown as { processID?: number }).processID };
  }

  markDead(): void {
    this.#alive = false;
  }

  get raw(): unknown {
    return this.client;
  }

  get alive(): boolean {
    return this.#alive;
  }

  transactionStatus(): boolean | undefined {
    const status = (
      this.client as unknown as { getTransactionStatus?: () => string | null }
    ).getTransactionStatus?.();
    if (status === 'I') return false;
    if (status === 'T' || status === 'E') return true;
    return undefined;
  }

  async execute(sql: string, values: readonly unknown[]): Promise<DriverResult> {
    const params = withUtcDates(values);
    if (params.length === 0 || this.#names === null) {
      const r = (await this.client.query({
        text: sql,
        values: params as unknown[],
        rowMode: 'array',
      })) as QueryResult | QueryResult[];
      if (params.length === 0 && DDL.test(sql)) schemaGeneration++;
      return Array.isArray(r) ? combine(r) : toDriverResult(r);
    }
    // Known statement, nothing to deallocate: no await before sending.
    const known =
      this.#generation === schemaGeneration && this.#evicted.length === 0
        ? this.#names.get(sql)
        : undefined;
    const name = known ?? (await this.#prepareName(sql));
    try {
      return toDriverResult(await this.#named(name, sql, params));
    } catch (err) {
      if (!isCachedPlanError(err)) throw err;
      // The table changed shape under a prepared statement: prepare it again. Inside a
      // transaction the error has aborted it, so only an autocommit statement is retried.
      this.#forget(sql);
      if (this.transactionStatus() !== false) throw err;
      return toDriverResult(await this.#named(await this.#prepareName(sql), sql, params));
    }
  }

  async executeMany(
    sql: string,
    paramSets: readonly (readonly unknown[])[],
  ): Promise<DriverResult> {
    let rowCount = 0;
    const rows: unknown[][] = [];
    let columns: readonly string[] = NO_COLUMNS;
    let returnsRows = false;
    for (const set of paramSets) {
      const r = await this.execute(sql, set);
      if (r.rowCount > 0) rowCount += r.rowCount;
      if (r.returnsRows) {
        returnsRows = true;
        columns = r.columns;
        for (const row of r.rows) rows.push(row);
      }
    }
    return { columns, rows: returnsRows ? rows : NO_ROWS, rowCount, returnsRows };
  }

  #named(name: string, sql: string, params: readonly unknown[]): Promise<QueryResult> {
    return this.client.query({
      name,
      text: sql,
      values: params as unknown[],
      rowMode: 'array',
    }) as Promise<QueryResult>;
  }

  /**
   * The prepared-statement name for `sql`. Statements are prepared once per connection and
   * kept in an LRU; evicted ones, and all of them after DDL anywhere in the process, are
   * deallocated before the next statement.
   */
  async #prepareName(sql: string): Promise<string> {
    const names = this.#names as LruCache<string, string>;
    if (this.#generation !== schemaGeneration || this.#evicted.length > 0) {
      await this.#housekeeping();
    }
    let name = names.get(sql);
    if (name === undefined) {
      name = `athanor_${++this.#statementSeq}`;
      names.set(sql, name);
      if (this.#evicted.length > 0) await this.#housekeeping();
    }
    return name;
  }

  #forget(sql: string): void {
    const names = this.#names;
    const name = names?.get(sql);
    if (names === null || name === undefined) return;
    names.delete(sql);
    this.#evicted.push(name);
  }

  async #housekeeping(): Promise<void> {
    // DEALLOCATE fails in an aborted transaction; it waits for the rollback.
    if (this.#failedTransaction()) return;
    const parsed = parsedStatements(this.client);
    if (this.#generation !== schemaGeneration) {
      this.#generation = schemaGeneration;
      this.#names?.clear();
      this.#evicted.length = 0;
      await this.client.query('DEALLOCATE ALL');
      for (const key of Object.keys(parsed)) if (key.startsWith('athanor_')) delete parsed[key];
      return;
    }
    while (this.#evicted.length > 0) {
      const name = this.#evicted.pop() as string;
      if (parsed[name] === undefined) continue;
      delete parsed[name];
      await this.client.query(`DEALLOCATE ${name}`);
    }
  }

  #failedTransaction(): boolean {
    const status = (
      this.client as unknown as { getTransactionStatus?: () => string | null }
    ).getTransactionStatus?.();
    return status === 'E';
  }

  async openCursor(
    sql: string,
    values: readonly unknown[],
    batchSize: number,
  ): Promise<DriverCursor> {
    if (!/^\s*(\(\s*)*(select|with|values|table)\b/i.test(sql)) {
      // DML with RETURNING cannot be declared as a cursor: run it and serve the rows.
      const r = await this.execute(sql, values);
      return new BufferedCursor(r.columns, r.rows);
    }
    const params = withUtcDates(values);
    const name = `athanor_cursor_${++this.#cursorSeq}`;
    const ownTransaction = this.transactionStatus() !== true;
    if (ownTransaction) await this.client.query('BEGIN');
    try {
      await this.client.query({
        text: `DECLARE ${name} NO SCROLL CURSOR FOR ${sql}`,
        values: params as unknown[],
      });
      const first = (await this.client.query({
        text: `FETCH FORWARD ${batchSize} FROM ${name}`,
        rowMode: 'array',
      })) as QueryResult;
      return new PgCursor(this.client, name, first, ownTransaction);
    } catch (err) {
      if (ownTransaction && this.#alive) await this.client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  async begin(): Promise<void> {
    await this.client.query('BEGIN');
  }

  async commit(): Promise<void> {
    await this.client.query('COMMIT');
  }

  async rollback(): Promise<void> {
    await this.client.query('ROLLBACK');
  }

  async savepoint(name: string): Promise<void> {
    await this.client.query(`SAVEPOINT ${name}`);
  }

  async releaseSavepoint(name: string): Promise<void> {
    await this.client.query(`RELEASE SAVEPOINT ${name}`);
  }

  async rollbackToSavepoint(name: string): Promise<void> {
    await this.client.query(`ROLLBACK TO SAVEPOINT ${name}`);
  }

  async setIsolationLevel(level: string): Promise<void> {
    await this.client.query(`SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL ${level}`);
  }

  async ping(): Promise<boolean> {
    if (!this.#alive) return false;
    await this.client.query('SELECT 1');
    return true;
  }

  async close(): Promise<void> {
    const alive = this.#alive;
    this.#alive = false;
    if (!alive) {
      destroySocket(this.client);
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        this.client.end(),
        new Promise<void>((resolve) => {
          timer = setTimeout(() => {
            destroySocket(this.client);
            resolve();
          }, 5000);
          timer.unref?.();
        }),
      ]);
    } catch {
      destroySocket(this.client);
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }
}

function destroySocket(client: Client): void {
  const stream = (client as unknown as { connection?: { stream?: { destroy?: () => void } } })
    .connection?.stream;
  stream?.destroy?.();
}

function toDriverResult(r: QueryResult): DriverResult {
  const returnsRows = r.fields.length > 0 || r.command === 'SELECT';
  if (!returnsRows) {
    return { columns: NO_COLUMNS, rows: NO_ROWS, rowCount: r.rowCount ?? -1, returnsRows };
  }
  const fields = r.fields;
  const columns = new Array<string>(fields.length);
  for (let i = 0; i < fields.length; i++) columns[i] = (fields[i] as pg.FieldDef).name;
  return { columns, rows: r.rows, rowCount: r.rowCount ?? r.rows.length, returnsRows };
}

/** Several statements in one text (simple protocol): the last row set wins, counts add up. */
function combine(results: QueryResult[]): DriverResult {
  let rowCount = 0;
  let last: DriverResult | undefined;
  for (const r of results) {
    const d = toDriverResult(r);
    if (d.rowCount > 0) rowCount += d.rowCount;
    if (d.returnsRows || last === undefined) last = d;
  }
  if (last === undefined) {
    return { columns: NO_COLUMNS, rows: NO_ROWS, rowCount: -1, returnsRows: false };
  }
  return { ...last, rowCount: last.returnsRows ? last.rowCount : rowCount };
}
