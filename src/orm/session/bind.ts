/**
 * What the session needs from the engine layer, as small structural types: an Engine hands
 * out Connections; a Connection executes statements and runs (nested) transactions. The
 * session never sees a pool or a driver.
 */
import type { Result } from '../../engine/result.js';
import type { Executable, SqlDialect } from '../../sql/executable.js';

/** The result of one execution, as the ORM reads it. */
export interface ResultLike {
  /** Rows as positional arrays, after the engine's result processing. */
  readonly rows: unknown[][];
  /** Rows matched by an UPDATE/DELETE (summed over an executemany), or -1. */
  readonly rowCount: number;
  readonly lastInsertId?: number | bigint | undefined;
}

/** An engine-level transaction or savepoint. */
export interface TransactionLike {
  commit(): Promise<void>;
  rollback(): Promise<void>;
  readonly isActive: boolean;
}

/** A database connection. */
export interface ConnectionLike {
  readonly dialect: SqlDialect;
  /**
   * One object per engine (the same for every connection of it): a key for facts about the
   * database server that the unit of work looks up once per engine.
   */
  readonly engineKey: object;
  /** Executes a Core statement and returns the engine's own Result. */
  execute(
    stmt: Executable,
    params?: Record<string, unknown> | readonly Record<string, unknown>[],
  ): Promise<Result<any>>;
  /** One execution, or an executemany when `params` is a list. */
  run(
    stmt: Executable,
    params?: Record<string, unknown> | readonly Record<string, unknown>[],
  ): Promise<ResultLike>;
  /**
   * One execution with the values laid out by placeholder, in the order of
   * {@link ConnectionLike.bindNames} (no named-parameter object to build and map back).
   */
  runPositional(stmt: Executable, values: readonly unknown[]): Promise<ResultLike>;
  /**
   * The rows of one positional execution as plain arrays: synchronously when the connection
   * could answer at once (an open transaction on a synchronous driver), else a promise.
   * `atMostOne`: the statement returns no more than one row (a lookup by primary key).
   */
  queryPositional(
    stmt: Executable,
    values: readonly unknown[],
    atMostOne?: boolean,
  ): unknown[][] | Promise<unknown[][]>;
  /** An executemany of positional value lists. */
  runPositionalMany(
    stmt: Executable,
    valueSets: readonly (readonly unknown[])[],
  ): Promise<ResultLike>;
  /** The bind name of each placeholder of `stmt` as compiled for this connection. */
  bindNames(stmt: Executable): readonly (string | undefined)[];
  /** Streams positional rows in chunks of at most `chunkSize`. */
  stream(
    stmt: Executable,
    params: Record<string, unknown> | undefined,
    chunkSize: number,
  ): AsyncIterable<unknown[][]>;
  begin(): Promise<TransactionLike>;
  beginNested(): Promise<TransactionLike>;
  inTransaction(): boolean;
  inNestedTransaction(): boolean;
  /** The connection's root transaction, when one is open. */
  getTransaction(): TransactionLike | undefined;
  /** The innermost savepoint, when one is open. */
  getNestedTransaction(): TransactionLike | undefined;
  close(): Promise<void>;
  /** The object handed to `afterBegin` listeners and returned by `session.connection()`. */
  readonly publicConnection: unknown;
}

/** An engine: a source of connections. */
export interface EngineLike {
  connect(): Promise<ConnectionLike>;
  readonly description: string;
}
