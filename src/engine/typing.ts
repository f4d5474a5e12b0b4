/**
 * Type-level helpers that carry a statement's row type into its results. Statements of the
 * SQL layer declare their rows as a phantom (`RowOf<S>`); `text()` and `sql``…`` declare
 * none and give `Record<string, unknown>`.
 */
import type { RowOf } from '../sql/statements/statement.js';

export type { RowOf };

/** The only key of `R`, or never when it has none or several. */
type SoleKey<R> = {
  [K in keyof R]-?: [Exclude<keyof R, K>] extends [never] ? K : never;
}[keyof R];

/**
 * What a first column can be known to hold from a select's tuple type. A table, alias or
 * mapped class contributes a whole object to the tuple while Core reads only its first
 * column, so a plain object there says nothing about the first column.
 */
type ColumnValue =
  string | number | bigint | boolean | null | undefined | Date | Uint8Array | readonly unknown[];

type FirstOfTuple<S> = S extends { readonly '~tuple'?: infer T }
  ? T extends readonly [infer F, ...unknown[]]
    ? [F] extends [ColumnValue]
      ? F
      : unknown
    : unknown
  : unknown;

/**
 * The type of a statement's first result column, as `scalar()`/`scalars()` return it: the
 * column's value type when the statement says which column comes first, else `unknown`.
 *
 * @example
 * ```ts
 * type Id = ScalarOf<typeof stmt>; // number, for select(users.c.id, users.c.name)
 * ```
 */
export type ScalarOf<S> = [SoleKey<RowOf<S>>] extends [never]
  ? FirstOfTuple<S>
  : RowOf<S>[SoleKey<RowOf<S>>];
