/**
 * Type-level inference of rows: what a table's rows look like (`InferRow`), what an INSERT
 * takes (`InferInsert`), and what a `select(...)` returns, from its arguments.
 */
import type { ColumnExpression } from '../expressions/expression.js';
import type { Column } from '../schema/column.js';
import type { ColumnMap, Table } from '../schema/table.js';
import type { Alias, Subquery } from './from-items.js';

/** Flattens an intersection for readable hover types. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The row of a column map: property key → JS value (with `null` for nullable columns). */
export type RowOfColumns<C> = {
  -readonly [K in keyof C]: C[K] extends ColumnExpression<infer T, any> ? T : never;
};

/** Something that stands for a table: a table, or a mapped class with `__clauseElement__`. */
export type TableLike = Table<string, any> | { __clauseElement__(): Table<string, any> };

/** The table behind a `TableLike`. */
export type TableOfLike<T> =
  T extends Table<string, any> ? T : T extends { __clauseElement__(): infer X } ? X : never;

/** The columns of a `TableLike`. */
export type ColumnsOfLike<T> = TableOfLike<T> extends Table<string, infer C> ? C : never;

/**
 * The row type of a table (or mapped class): every column by property key.
 *
 * @example
 * ```ts
 * type User = InferRow<typeof users>; // { id: number; name: string; age: number | null }
 * ```
 */
export type InferRow<T extends TableLike> = Simplify<RowOfColumns<ColumnsOfLike<T>>>;

/** Same as {@link InferRow} (SQLAlchemy-flavoured name). */
export type InferSelect<T extends TableLike> = InferRow<T>;

/**
 * TypeScript gives every object literal Object.prototype's members (`constructor`,
 * `toString`…); an optional column with such a name must accept them, or leaving the key out
 * of an object literal would not type-check. The runtime reads own properties only.
 */
type Inherited<K> = K extends keyof typeof Object.prototype ? (typeof Object.prototype)[K] : never;

type RequiredInsertKeys<C> = {
  [K in keyof C]: C[K] extends Column<any, any, true, false> ? K : never;
}[keyof C];

type ValueOfColumn<C> = C extends ColumnExpression<infer T, any> ? T : never;

/**
 * The values an INSERT takes: NOT NULL columns without a default are required, the rest
 * optional (nullable ones accept null).
 *
 * @example
 * ```ts
 * const row: InferInsert<typeof users> = { name: 'Ann' }; // id autoincrements, age is nullable
 * ```
 */
export type InferInsert<T extends TableLike> = Simplify<
  { [K in RequiredInsertKeys<ColumnsOfLike<T>>]: ValueOfColumn<ColumnsOfLike<T>[K]> } & {
    [K in Exclude<keyof ColumnsOfLike<T>, RequiredInsertKeys<ColumnsOfLike<T>>>]?:
      ValueOfColumn<ColumnsOfLike<T>[K]> | Inherited<K>;
  }
>;

/** A value or an expression of that value's type (what `values()` and `set` take). */
export type ValueOrExpression<T> =
  T | ColumnExpression<T, any> | ColumnExpression<NonNullable<T>, any>;

/** What `insert(t).values(...)` takes for one row. */
export type InsertRow<C extends ColumnMap> = {
  [K in RequiredInsertKeys<C>]: ValueOrExpression<ValueOfColumn<C[K]>>;
} & {
  [K in Exclude<keyof C, RequiredInsertKeys<C>>]?:
    ValueOrExpression<ValueOfColumn<C[K]>> | Inherited<K>;
};

/** What `update(t).values(...)` takes. */
export type UpdateRow<C extends ColumnMap> = {
  [K in keyof C]?: ValueOrExpression<ValueOfColumn<C[K]>> | Inherited<K>;
};

/** An entity the ORM maps: a class with `__clauseElement__()` and a phantom `__entityType`. */
export interface EntityLike<E = unknown> {
  __clauseElement__(): Table<string, any>;
  readonly __entityType?: E;
}

/** Anything `select()` takes as a column-clause item. */
export type SelectItem =
  | ColumnExpression<any, any>
  | Table<string, any>
  | Alias<string, any>
  | Subquery<any>
  | { __clauseElement__(): Table<string, any> };

/** The row contribution of one select item. */
export type ItemRow<I> =
  I extends ColumnExpression<infer T, infer K>
    ? { [P in K]: T }
    : I extends Table<string, infer C>
      ? RowOfColumns<C>
      : I extends Alias<string, infer C>
        ? RowOfColumns<C>
        : I extends Subquery<infer R>
          ? R
          : I extends { __clauseElement__(): Table<string, infer C> }
            ? RowOfColumns<C>
            : never;

/**
 * The value one select item contributes to a result tuple: a column its value, a table its
 * row, a mapped class (a constructor with `__clauseElement__`) its instance type.
 */
export type ItemValue<I> =
  I extends ColumnExpression<infer T, any>
    ? T
    : I extends { __clauseElement__(): any } & (abstract new (...args: any) => infer E)
      ? E
      : I extends { readonly __entityType?: infer E }
        ? unknown extends E
          ? ItemRow<I>
          : E
        : Simplify<ItemRow<I>>;

/** The row type of a select over `Items`. */
export type RowOfItems<Items extends readonly unknown[]> = Items extends readonly [
  infer H,
  ...infer R,
]
  ? ItemRow<H> & RowOfItems<R>
  : unknown;

/** The tuple type of a select over `Items` (one value per item). */
export type TupleOfItems<Items extends readonly unknown[]> = {
  -readonly [I in keyof Items]: ItemValue<Items[I]>;
};
