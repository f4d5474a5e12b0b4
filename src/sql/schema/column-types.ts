/**
 * The column builders handed to `metadata.table(name, (t) => …)` as `t`. Each takes an
 * optional SQL column name first (the property name is used otherwise), then the type's
 * options. Keeping them on `t` means no builder shadows a JS global or `text()`.
 */
import { types, type BigintMode, type BigintValue } from '../types/sql-type.js';
import { columnBuilder, type ColumnBuilder } from './column-builder.js';

type Builder<T, A extends boolean = false> = ColumnBuilder<T, false, false, A>;

function bigint<M extends BigintMode = 'bigint'>(options?: {
  mode?: M;
}): Builder<BigintValue<M>, true>;
function bigint<M extends BigintMode = 'bigint'>(
  name: string,
  options?: { mode?: M },
): Builder<BigintValue<M>, true>;
function bigint(
  a?: string | { mode?: BigintMode },
  b?: { mode?: BigintMode },
): Builder<unknown, true> {
  const [name, options] = typeof a === 'string' ? [a, b] : [undefined, a];
  return columnBuilder(name, types.bigint(options), true);
}

function numeric(precision?: number, scale?: number): Builder<string>;
function numeric(name: string, precision?: number, scale?: number): Builder<string>;
function numeric(a?: string | number, b?: number, c?: number): Builder<string> {
  return typeof a === 'string'
    ? columnBuilder(a, types.numeric(b, c), false)
    : columnBuilder(undefined, types.numeric(a, b), false);
}

function varchar(length?: number): Builder<string>;
function varchar(name: string, length?: number): Builder<string>;
function varchar(a?: string | number, b?: number): Builder<string> {
  return typeof a === 'string'
    ? columnBuilder(a, types.varchar(b), false)
    : columnBuilder(undefined, types.varchar(a), false);
}

function timestamp(options?: { withTimezone?: boolean }): Builder<Date>;
function timestamp(name: string, options?: { withTimezone?: boolean }): Builder<Date>;
function timestamp(
  a?: string | { withTimezone?: boolean },
  b?: { withTimezone?: boolean },
): Builder<Date> {
  const [name, options] = typeof a === 'string' ? [a, b] : [undefined, a];
  return columnBuilder(name, types.timestamp(options), false);
}

// Non-generic first overloads: a bare `t.json()` must not take its type from the context
// (which would make it `any`); `t.json<Shape>()` picks the generic one.
function json(name?: string): Builder<unknown>;
function json<T>(name?: string): Builder<T>;
function json(name?: string): Builder<unknown> {
  return columnBuilder(name, types.json(), false);
}

function jsonb(name?: string): Builder<unknown>;
function jsonb<T>(name?: string): Builder<T>;
function jsonb(name?: string): Builder<unknown> {
  return columnBuilder(name, types.jsonb(), false);
}

function enumeration<const V extends readonly [string, ...string[]]>(values: V): Builder<V[number]>;
function enumeration<const V extends readonly [string, ...string[]]>(
  name: string,
  values: V,
): Builder<V[number]>;
function enumeration(
  a: string | readonly [string, ...string[]],
  b?: readonly [string, ...string[]],
): Builder<string> {
  return typeof a === 'string'
    ? columnBuilder(a, types.enum(b ?? ([] as unknown as [string])), false)
    : columnBuilder(undefined, types.enum(a), false);
}

/**
 * The column builders (`t` in `metadata.table`).
 *
 * @example
 * ```ts
 * const accounts = metadata.table('accounts', (t) => ({
 *   id: t.bigint().primaryKey(),
 *   balance: t.numeric(30, 9).notNull(),
 *   status: t.enum(['open', 'closed']).notNull().default('open'),
 *   openedAt: t.timestamp('opened_at', { withTimezone: true }),
 * }));
 * ```
 */
export const columnTypes = {
  /** 32-bit integer, JS `number`. */
  integer: (name?: string): Builder<number, true> => columnBuilder(name, types.integer(), true),
  /** 16-bit integer, JS `number`. */
  smallint: (name?: string): Builder<number, true> => columnBuilder(name, types.smallint(), true),
  /** 64-bit integer, JS `bigint` (or `{ mode: 'number' | 'string' }`). */
  bigint,
  /** Single-precision float, JS `number`. */
  real: (name?: string): Builder<number> => columnBuilder(name, types.real(), false),
  /** Double-precision float, JS `number`. */
  double: (name?: string): Builder<number> => columnBuilder(name, types.double(), false),
  /** Exact decimal `numeric(precision, scale)`, JS `string`. */
  numeric,
  /** Unbounded text, JS `string`. */
  text: (name?: string): Builder<string> => columnBuilder(name, types.text(), false),
  /** `varchar(length)`, JS `string`. */
  varchar,
  /** JS `boolean`. */
  boolean: (name?: string): Builder<boolean> => columnBuilder(name, types.boolean(), false),
  /** A calendar date, JS `'YYYY-MM-DD'` string. */
  date: (name?: string): Builder<string> => columnBuilder(name, types.date(), false),
  /** An instant, JS `Date` (stored in UTC). */
  timestamp,
  /** A JSON document of shape `T`. */
  json,
  /** Binary JSON on PostgreSQL (JSON elsewhere) of shape `T`. */
  jsonb,
  /** Binary data, JS `Buffer`/`Uint8Array`. */
  bytes: (name?: string): Builder<Uint8Array> => columnBuilder(name, types.bytes(), false),
  /** A UUID, JS `string`. */
  uuid: (name?: string): Builder<string> => columnBuilder(name, types.uuid(), false),
  /** One of fixed strings, JS string-literal union. */
  enum: enumeration,
} as const;

/** The type of `t`. */
export type ColumnTypes = typeof columnTypes;
