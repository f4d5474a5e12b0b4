/**
 * Column builders: what `t.integer()`, `t.text()`… return inside `metadata.table`. Each
 * modifier returns a new builder whose type records what TypeScript needs to infer rows:
 * the JS type `T`, whether the column is NOT NULL (`N`), whether an INSERT may leave it out
 * (`D`: a default, server default or autoincrement) and whether it can autoincrement (`A`).
 */
import type { ExprNode } from '../nodes/expression-nodes.js';
import type { AnySqlType, SqlType } from '../types/sql-type.js';
import type { ForeignKeyOptions } from './constraints.js';
import type { AnyColumn } from './column.js';

/** A client-side default: a constant or a function called once per inserted row. */
export type ColumnDefault<T> = { readonly value: T } | { readonly fn: () => T };

/** A server default: SQL text used verbatim, or an expression rendered with literals. */
export type ServerDefault = string | { readonly node: ExprNode };

/** Everything a builder has collected. */
export interface ColumnConfig {
  readonly name: string | undefined;
  readonly type: AnySqlType;
  readonly primaryKey: boolean;
  readonly notNull: boolean;
  /** `'auto'`: an integer single-column primary key autoincrements. */
  readonly autoincrement: boolean | 'auto';
  readonly default: ColumnDefault<unknown> | undefined;
  readonly onUpdate: ColumnDefault<unknown> | undefined;
  readonly serverDefault: ServerDefault | undefined;
  readonly unique: boolean;
  readonly index: boolean;
  readonly references:
    { readonly target: () => AnyColumn; readonly options: ForeignKeyOptions } | undefined;
}

/**
 * Builds one column of a table. `T`: JS type; `N`: NOT NULL; `D`: may be omitted on INSERT;
 * `A`: integer type that can autoincrement.
 *
 * @example
 * ```ts
 * const users = metadata.table('users', (t) => ({
 *   id: t.integer().primaryKey(),
 *   email: t.varchar(255).notNull().unique(),
 *   lastLogin: t.timestamp('last_login'),
 * }));
 * ```
 */
export class ColumnBuilder<
  T,
  N extends boolean = false,
  D extends boolean = false,
  A extends boolean = false,
> {
  declare readonly '~types': { t: T; n: N; d: D; a: A };

  constructor(readonly config: ColumnConfig) {}

  private with<R>(patch: Partial<ColumnConfig>): R {
    return new ColumnBuilder({ ...this.config, ...patch }) as R;
  }

  /**
   * Part of the primary key (several columns marked this way form a composite key). A single
   * integer primary key autoincrements unless `{ autoincrement: false }`.
   */
  primaryKey(): ColumnBuilder<T, true, A extends true ? true : D, A>;
  primaryKey(options: { autoincrement: false }): ColumnBuilder<T, true, D, A>;
  primaryKey(options?: { autoincrement?: boolean }): ColumnBuilder<T, true, boolean, A> {
    const autoincrement = options?.autoincrement === false ? false : this.config.autoincrement;
    return this.with({ primaryKey: true, notNull: true, autoincrement });
  }

  /** NOT NULL: rows always have a value. */
  notNull(): ColumnBuilder<T, true, D, A> {
    return this.with({ notNull: true });
  }

  /** A client-side default, used when an INSERT leaves the column out. */
  default(value: T | (() => T)): ColumnBuilder<T, N, true, A> {
    const def: ColumnDefault<unknown> =
      typeof value === 'function' ? { fn: value as () => T } : { value };
    return this.with({ default: def });
  }

  /** A client-side value set by every `update()` that does not set the column itself. */
  onUpdate(value: T | (() => T)): ColumnBuilder<T, N, D, A> {
    const def: ColumnDefault<unknown> =
      typeof value === 'function' ? { fn: value as () => T } : { value };
    return this.with({ onUpdate: def });
  }

  /**
   * A DEFAULT clause in CREATE TABLE. A string is SQL used verbatim (`'CURRENT_TIMESTAMP'`,
   * `"'draft'"`); an expression (`literal('draft')`, `func.now()`) is rendered with literals.
   */
  serverDefault(sql: string | { readonly node: ExprNode }): ColumnBuilder<T, N, true, A> {
    return this.with({ serverDefault: sql });
  }

  /** Autoincrement (identity) even when not the only primary-key column. */
  autoincrement(this: ColumnBuilder<T, N, D, true>): ColumnBuilder<T, N, true, A> {
    return this.with({ autoincrement: true });
  }

  /** A UNIQUE constraint on this column alone. */
  unique(): ColumnBuilder<T, N, D, A> {
    return this.with({ unique: true });
  }

  /** An index on this column alone, named `ix_<table>_<column>`. */
  index(): ColumnBuilder<T, N, D, A> {
    return this.with({ index: true });
  }

  /**
   * A foreign key to another table's column, given as a function so that tables can refer to
   * each other in any order. For a self-reference annotate the return type:
   * `references((): AnyColumn => nodes.c.id)`.
   */
  references(target: () => AnyColumn, options: ForeignKeyOptions = {}): ColumnBuilder<T, N, D, A> {
    return this.with({ references: { target, options } });
  }

  /** Narrows the JS type (branded ids, JSON shapes, string unions) without changing SQL. */
  $type<U extends T>(): ColumnBuilder<U, N, D, A> {
    return this as unknown as ColumnBuilder<U, N, D, A>;
  }
}

/** Any column builder. */
export type AnyColumnBuilder = ColumnBuilder<any, boolean, boolean, boolean>;

/** Starts a builder for `type`, named `name` in SQL (the property name when undefined). */
export function columnBuilder<T, A extends boolean>(
  name: string | undefined,
  type: SqlType<T>,
  autoincrementable: A,
): ColumnBuilder<T, false, false, A> {
  return new ColumnBuilder<T, false, false, A>({
    name,
    type,
    primaryKey: false,
    notNull: false,
    autoincrement: autoincrementable ? 'auto' : false,
    default: undefined,
    onUpdate: undefined,
    serverDefault: undefined,
    unique: false,
    index: false,
    references: undefined,
  });
}
