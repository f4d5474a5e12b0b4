/**
 * What a dialect's SQL flavour tells the one compiler: capability flags it branches on, how
 * types are spelled and converted, and optional visitor overrides for the rare construct a
 * flag cannot describe. Dialect folders build one of these (`src/dialects/<db>/compiler.ts`)
 * and hang it on their `SqlDialect` as `compiler`.
 */
import type { ValueProcessor } from '../executable.js';
import type { AnySqlType } from '../types/sql-type.js';
import type { Visitors } from './visitors.js';

/** How a dialect generates keys for an autoincrement column. */
export type AutoincrementStyle = 'integer-primary-key' | 'identity' | 'auto-increment';

/** Compiler hooks and capability flags of one SQL flavour. */
export interface DialectCompilerHooks {
  /** Name used in error messages: `'SQLite'`, `'PostgreSQL'`, `'MySQL'`, `'MariaDB'`. */
  readonly displayName: string;
  /** RETURNING per statement kind. */
  readonly returning: {
    readonly insert: boolean;
    readonly update: boolean;
    readonly delete: boolean;
  };
  /** `ILIKE` exists; otherwise `lower(x) LIKE lower(p)`. */
  readonly nativeIlike: boolean;
  /** `NULLS FIRST/LAST` exists; otherwise emulated with an `x IS NULL` sort key. */
  readonly nullsOrdering: boolean;
  /** Row locking clauses. */
  readonly forUpdate: {
    readonly supported: boolean;
    readonly of: boolean;
    readonly nowait: boolean;
    readonly skipLocked: boolean;
    /** Spelling of a shared lock. */
    readonly share: string;
  };
  /** Upsert syntax. */
  readonly upsert: 'on-conflict' | 'on-duplicate-key';
  /** What stands for "no limit" when only OFFSET is given (`''` when OFFSET may stand alone). */
  readonly offsetWithoutLimit: string;
  /** `TRUE`/`FALSE` keywords, or `1`/`0`. */
  readonly booleanLiterals: 'keyword' | 'integer';
  /** `INSERT … DEFAULT VALUES` or `INSERT … () VALUES ()`. */
  readonly emptyInsert: 'default-values' | 'empty-values';
  /** `FULL OUTER JOIN`. */
  readonly fullOuterJoin: boolean;
  /** `SELECT DISTINCT ON (…)`. */
  readonly distinctOn: boolean;
  /** `a || b` or `concat(a, b)`. */
  readonly concat: 'operator' | 'function';
  /** Autoincrement DDL. */
  readonly autoincrement: AutoincrementStyle;
  /** TEXT/BLOB columns can be indexed (or be unique/primary keys) without a length. */
  readonly indexableText: boolean;
  /** Backslashes in string literals are escapes (MySQL), so literals double them. */
  readonly backslashEscapes: boolean;
  /** Foreign keys can be added by ALTER TABLE (otherwise cycles are created inline). */
  readonly alterForeignKeys: boolean;
  /** `DROP INDEX name ON table` instead of `DROP INDEX name`. */
  readonly dropIndexOnTable: boolean;
  /** `ALTER TABLE t DROP FOREIGN KEY n` instead of `DROP CONSTRAINT n`. */
  readonly dropForeignKeyKeyword: string;
  /** SQL returning a row when the table named by the one parameter (`param`) exists. */
  hasTableSql(param: string): string;
  /** Catalog query listing the user's tables (one column: the name). */
  readonly reflectTablesSql: string;
  /**
   * Catalog query describing the columns of the table named by every parameter (`param(i)`):
   * rows of name, type text, nullable (1/0), primary-key position (0 = none),
   * autoincrement (1/0), default text.
   */
  reflectColumnsSql(param: (index: number) => string): {
    readonly sql: string;
    readonly params: number;
  };
  /** DDL spelling of a type. */
  typeName(type: AnySqlType): string;
  /** Spelling of a type in `CAST(x AS …)`. */
  castTypeName(type: AnySqlType): string;
  /** Converts JS values of `type` to what the driver takes, or null when none is needed. */
  bindProcessor(type: AnySqlType): ValueProcessor | null;
  /**
   * Converts what the driver returns for `type` to the JS value, or null when none is
   * needed. `computed` is true for expressions other than plain columns (aggregates can
   * come back as strings where the column would be a number).
   */
  resultProcessor(type: AnySqlType, computed: boolean): ValueProcessor | null;
  /** Replaces base visitors for constructs a flag cannot describe. */
  readonly visitors?: Partial<Visitors> | undefined;
}
