/**
 * Interfaces between the engine and the dialect folders. A dialect is a SQL flavour
 * (compiler hooks and capability flags, see `sql/executable.ts`) plus one driver adapter that
 * talks to the real driver package, loaded lazily.
 */
import type { SqlDialect } from '../sql/executable.js';
import type { DBAPIErrorClass } from '../errors.js';

/** Rows come back from drivers as arrays (positional), which is the cheapest form to load. */
export interface DriverResult {
  /** Column names, in order; empty when the statement returns no rows. */
  readonly columns: readonly string[];
  /** Rows as positional arrays. */
  readonly rows: unknown[][];
  /** Rows affected (UPDATE/DELETE matched rows, INSERT inserted rows), or -1 when unknown. */
  readonly rowCount: number;
  /** The last generated key, when the driver reports one (SQLite, MySQL). */
  readonly lastInsertId?: number | bigint | undefined;
  /** True when the statement produced a row set (even an empty one). */
  readonly returnsRows: boolean;
}

/** A server-side cursor (PostgreSQL), a streamed query (MySQL) or a statement iterator (SQLite). */
export interface DriverCursor {
  /** Column names, in order. */
  readonly columns: readonly string[];
  /** True when the connection can run nothing else while the cursor is open (MySQL, SQLite). */
  readonly exclusive: boolean;
  /** Up to `n` more rows; an empty array means the cursor is exhausted. */
  fetch(n: number): Promise<unknown[][]>;
  /** Releases the cursor (reads or discards what is left). Safe to call twice. */
  close(): Promise<void>;
}

/**
 * One open driver connection, wrapped. All driver calls of the engine go through these
 * verbs; `raw` is the driver's own object (pg `Client`, mysql2 `Connection`, better-sqlite3
 * `Database`) for the rare case that needs it.
 */
export interface DriverConnection {
  /** The driver's connection object. */
  readonly raw: unknown;
  /** False once the driver reported the connection dead (an `'error'` event, a fatal error). */
  readonly alive: boolean;
  /** Details gathered at connect: server version, backend process id / thread id. */
  readonly info: Readonly<Record<string, unknown>>;
  /**
   * Runs one statement with positional parameters. A synchronous driver (better-sqlite3)
   * answers with the result itself when nothing has to wait (no lock, no retry), saving the
   * caller a promise per statement; errors are then thrown, not rejected.
   */
  execute(sql: string, params: readonly unknown[]): DriverResult | Promise<DriverResult>;
  /**
   * Optional: `execute()` for a statement the caller knows returns at most one row (a lookup
   * by primary key), for drivers that save work by not looking past the first row.
   */
  executeFirst?(sql: string, params: readonly unknown[]): DriverResult | Promise<DriverResult>;
  /** Runs one statement once per parameter set; `rowCount` is the sum. */
  executeMany(
    sql: string,
    paramSets: readonly (readonly unknown[])[],
  ): DriverResult | Promise<DriverResult>;
  /** Opens a streaming cursor over a row-returning statement. */
  openCursor(sql: string, params: readonly unknown[], batchSize: number): Promise<DriverCursor>;
  /** Starts a transaction. */
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  savepoint(name: string): Promise<void>;
  releaseSavepoint(name: string): Promise<void>;
  rollbackToSavepoint(name: string): Promise<void>;
  /** Sets the session isolation level (a normalised name other than `AUTOCOMMIT`). */
  setIsolationLevel(level: string): Promise<void>;
  /** Resolves true when the connection answers. */
  ping(): Promise<boolean>;
  /** Closes the connection; never throws, also when it is already dead. */
  close(): Promise<void>;
  /**
   * Whether the driver reports an open transaction: true/false when it knows, undefined when
   * it cannot tell (the engine then always rolls back on return).
   */
  transactionStatus(): boolean | undefined;
}

/** Callbacks the engine gives an adapter when it opens a connection. */
export interface ConnectHooks {
  /**
   * Called when the driver reports the connection dead while nothing was running on it (an
   * idle backend killed by the server). The engine drops it from the pool.
   */
  onDead(connection: DriverConnection, error: unknown): void;
  /** Seconds to wait for SQLite's in-process write lock (the engine's `poolTimeout`). */
  readonly lockTimeout: number | null;
}

/** The parts of a database URL a dialect reads (the engine's `URL` has them all). */
export interface UrlLike {
  readonly drivername: string;
  readonly username: string | null;
  readonly password: string | null;
  readonly host: string | null;
  readonly port: number | null;
  readonly database: string | null;
  readonly query: Readonly<Record<string, string | readonly string[]>>;
  /** The URL with its password masked. */
  toString(): string;
}

/** Pool classes a dialect may ask for by default (the engine maps names to classes). */
export type DefaultPoolName = 'QueuePool' | 'SingletonThreadPool' | 'StaticPool';

/** A driver adapter module: opens connections for one dialect. */
export interface DriverAdapter {
  /** Opens a connection with the driver options computed by the dialect. */
  connect(args: Readonly<Record<string, unknown>>, hooks: ConnectHooks): Promise<DriverConnection>;
}

/**
 * A database dialect as the engine sees it: SQL flavour, capability flags, connect-argument
 * building, error translation and disconnect detection. The driver adapter is imported
 * lazily at the first connect.
 */
export interface Dialect {
  /** `'sqlite'`, `'postgresql'` or `'mysql'`. */
  readonly name: string;
  /** `'better-sqlite3'`, `'pg'` or `'mysql2'`. */
  readonly driver: string;
  /**
   * The SQL flavour; for `mysql://` it becomes MariaDB's once the first connection has
   * reported the server version.
   */
  readonly sql: SqlDialect;
  /** True once `sql` no longer changes (at once, or after the first connect). */
  readonly sqlSettled: boolean;
  /** Server version as reported at the first connect (empty before). */
  readonly serverVersion: string;
  /** The server's default isolation level, read at the first connect (undefined before). */
  readonly defaultIsolationLevel: string | undefined;
  readonly supportsSavepoints: boolean;
  /** Streaming results: a server-side cursor or an unbuffered stream. */
  readonly supportsStreaming: boolean;
  /** DDL runs inside transactions and rolls back with them. */
  readonly supportsTransactionalDdl: boolean;
  /** Several connections may be open to one database at once (false for SQLite in memory). */
  readonly supportsMultipleConnections: boolean;
  /** Isolation levels accepted by `isolationLevel`, `'AUTOCOMMIT'` included. */
  readonly isolationLevels: readonly string[];
  /**
   * The driver's connect options for `url`, with `connectArgs` merged over them. Throws an
   * ArgumentError for a URL the dialect cannot use.
   */
  createConnectArgs(
    url: UrlLike,
    connectArgs: Readonly<Record<string, unknown>>,
  ): Record<string, unknown>;
  /** Turns a user value into one of `isolationLevels`, or throws an ArgumentError. */
  normalizeIsolationLevel(value: string): string;
  /** The pool class SQLAlchemy would choose for these connect arguments. */
  defaultPoolClass(connectArgs: Readonly<Record<string, unknown>>): DefaultPoolName;
  /** Opens one connection with the arguments from `createConnectArgs`. */
  connect(args: Readonly<Record<string, unknown>>, hooks: ConnectHooks): Promise<DriverConnection>;
  /** Runs once, on the first connection of an engine (server version, SQL flavour). */
  initialize(connection: DriverConnection): Promise<void>;
  /** Gives this dialect its own compiled-statement cache of `size` entries (`queryCacheSize`). */
  setCompiledCacheSize(size: number): void;
  /** The isolation level currently in effect on `connection`. */
  getIsolationLevel(connection: DriverConnection): Promise<string>;
  /** True when `error` means the connection is gone. */
  isDisconnect(error: unknown): boolean;
  /**
   * The {@link DBAPIErrorClass} to wrap a driver error in, or undefined when `error` is not a
   * driver error (a programming error in the caller, which propagates unwrapped).
   */
  translateError(error: unknown): DBAPIErrorClass | undefined;
}
