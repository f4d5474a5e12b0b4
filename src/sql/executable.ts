/**
 * The contract between the SQL layer and the engine: a statement compiles itself for a
 * dialect's SQL flavour into SQL text plus a function that turns the caller's parameters
 * into the positional list the driver takes. Compiling is cached per statement shape;
 * binding runs once per execution (or per parameter set for executemany).
 */
import type { DialectCompilerHooks } from './compiler/hooks.js';

/** Converts a value on its way to the driver, or on its way back from it. */
export type ValueProcessor = (value: unknown) => unknown;

/**
 * What the SQL layer needs to know about a dialect: its flavour of SQL and its capabilities.
 * Dialect folders supply one each; code branches on these flags, never on `name`.
 */
export interface SqlDialect {
  /** `'sqlite'`, `'postgresql'` or `'mysql'` (MariaDB is `'mysql'` with `isMariaDB`). */
  readonly name: string;
  /** The placeholder for the bind at zero-based position `index`: `?` or `$1`. */
  placeholder(index: number): string;
  /** Quotes an identifier when it needs it (reserved word, upper case, odd characters). */
  quoteIdentifier(name: string): string;
  /** INSERT/UPDATE/DELETE … RETURNING is available. */
  readonly supportsReturning: boolean;
  /** `INSERT … VALUES (…), (…)` is available. */
  readonly supportsMultiValuesInsert: boolean;
  /** The largest number of bound parameters one statement may carry. */
  readonly maxBindParameters: number;
  /**
   * Which generated key the driver's `lastInsertId` names after a multi-row INSERT into an
   * autoincrement key, when the keys of one statement are known to be consecutive: SQLite
   * reports the last (`last_insert_rowid()`), MySQL and MariaDB the first (`LAST_INSERT_ID()`).
   * Absent where the driver reports none (PostgreSQL: use RETURNING).
   */
  readonly insertIdOfMultiRow?: 'first' | 'last' | undefined;
  /**
   * A multi-row INSERT can run inside `WITH … AS (INSERT … RETURNING key)`, so the unit of
   * work reads back the range of the generated keys (one row) instead of every key.
   */
  readonly insertKeyRange?: boolean | undefined;
  /**
   * How rows that change the same columns are best updated together (the unit of work
   * asks): `'per-row'`, one prepared single-row UPDATE executed for every row (in-process
   * SQLite, where a round trip costs nothing and a batched statement only adds work);
   * `'case'`, `SET c = CASE WHEN pk = ? THEN ? … END WHERE pk IN (…)` batches; `'values'`,
   * one `UPDATE … FROM (VALUES …)` join for the whole batch (PostgreSQL). Absent means `'case'`.
   */
  readonly batchedUpdate?: 'per-row' | 'case' | 'values' | undefined;
  /**
   * Compiler hooks and finer capability flags of this flavour (RETURNING per statement kind,
   * type spellings and converters, upsert syntax…). The SQL layer's defaults apply when absent.
   */
  readonly compiler?: DialectCompilerHooks | undefined;
  /**
   * How many compiled statements the SQL layer keeps for this dialect object (default 500;
   * 0 disables the cache). An engine that wants its own cache uses its own dialect object.
   */
  readonly compiledCacheSize?: number | undefined;
}

/** A statement compiled for one dialect: SQL text and how to bind parameters to it. */
export interface CompiledStatement {
  /** SQL text with the dialect's positional placeholders. */
  readonly sql: string;
  /**
   * Builds the positional parameter list for one execution from the caller's named
   * parameters (merged over values embedded in the statement). Throws an
   * `ArgumentError`/`InvalidRequestError` naming a bind that has no value.
   */
  bind(params?: Readonly<Record<string, unknown>>): unknown[];
  /**
   * Per positional parameter, in SQL order (index `i` is placeholder `i`): the bind name a
   * caller may supply (`bindParam('r0_1')` gives `'r0_1'`, `text(':a')` gives `'a'`), or
   * undefined for an embedded value without a name. One frozen array per compiled shape.
   * Present on compiled SELECT/INSERT/UPDATE/DELETE and `text()`.
   */
  readonly bindNames?: readonly (string | undefined)[] | undefined;
  /**
   * Builds the driver's parameter list from values laid out by position (`values[i]` for
   * placeholder `i`; `values.length` must equal `bindNames.length`). Each value gets the same
   * type check and conversion `bind()` gives a named value. `undefined` at a position means
   * "not supplied": the statement's embedded value, else a generated default, else an
   * `InvalidRequestError`; `null` is SQL NULL. Skips the named-parameter object entirely.
   */
  bindPositional?(values: readonly unknown[]): unknown[];
  /** True when the statement produces rows (SELECT, or DML with RETURNING). */
  readonly returnsRows: boolean;
  /** `'select' | 'insert' | 'update' | 'delete' | 'ddl' | 'text'`: lets the engine log and count. */
  readonly statementKind: 'select' | 'insert' | 'update' | 'delete' | 'ddl' | 'text';
  /**
   * Per result column, a converter from the driver's value to the JS value (null means pass
   * through). Absent when no column needs converting, so row loading can skip the step.
   */
  readonly resultProcessors?: readonly (ValueProcessor | null)[] | undefined;
  /** Result column keys in order, when the statement knows them before execution. */
  readonly resultKeys?: readonly string[] | undefined;
  /**
   * `performance.now()` when this SQL text was compiled. The engine's echo log shows
   * `[cached since 12.3s ago]` when it is older than the execute() call, else
   * `[generated in 0.00013s]`.
   */
  readonly compiledAt?: number | undefined;
  /**
   * True when a result column holds 64-bit integers that may exceed 2^53 (a `bigint` column
   * in bigint or string mode): drivers that read integers as doubles unless asked (SQLite's
   * `safeIntegers`) must read this statement's integers exactly.
   */
  readonly safeIntegers?: boolean | undefined;
}

/** Anything `Connection.execute` accepts: `text()`, `sql\`…\``, `select()`, `insert()`, DDL… */
export interface Executable {
  /** Brand that tells statements apart from plain strings and objects. */
  readonly isExecutable: true;
  /** Compiles (or fetches from the statement cache) for a dialect. */
  compile(dialect: SqlDialect): CompiledStatement;
}

/** True when `value` is an {@link Executable}. */
export function isExecutable(value: unknown): value is Executable {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { isExecutable?: unknown }).isExecutable === true
  );
}
