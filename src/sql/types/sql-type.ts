/**
 * SQL types: what a column or expression holds, as a small frozen object. A type knows which
 * JS values it accepts (checked where values enter a statement) and carries a `key` that is
 * part of every statement's cache key. How a type is spelled in DDL and how its values are
 * converted on the way to and from the driver is each dialect's business (compiler hooks).
 */
import { checkerFor } from './checks.js';

/** Every type the SQL layer knows. */
export type TypeKind =
  | 'integer'
  | 'smallint'
  | 'bigint'
  | 'real'
  | 'double'
  | 'numeric'
  | 'text'
  | 'varchar'
  | 'boolean'
  | 'date'
  | 'timestamp'
  | 'json'
  | 'jsonb'
  | 'bytes'
  | 'uuid'
  | 'enum'
  | 'null';

/** How a `bigint` column appears in JS. */
export type BigintMode = 'bigint' | 'number' | 'string';

/** The JS type of a `bigint` column in `mode`. */
export type BigintValue<M extends BigintMode> = M extends 'number'
  ? number
  : M extends 'string'
    ? string
    : bigint;

/** A SQL type whose values are `T` in JS. */
export interface SqlType<T = unknown> {
  readonly kind: TypeKind;
  /** Identifies the type and its options; part of statement cache keys. */
  readonly key: string;
  /** What a value must look like, for error messages ("a number with no fraction"). */
  readonly expects: string;
  /** `varchar(n)`. */
  readonly length?: number | undefined;
  /** `numeric(p, s)`. */
  readonly precision?: number | undefined;
  readonly scale?: number | undefined;
  /** `bigint({ mode })`. */
  readonly mode?: BigintMode | undefined;
  /** `timestamp({ withTimezone })`. */
  readonly withTimezone?: boolean | undefined;
  /** `enum([...])`. */
  readonly values?: readonly string[] | undefined;
  /** True when `value` (not null) is an acceptable JS value of this type. */
  check(value: unknown): boolean;
  /** Phantom: the JS type, for inference only. */
  readonly '~js'?: T;
}

/** Any SQL type. */
export type AnySqlType = SqlType<any>;

/** The JS type of values of `S`. */
export type JsTypeOf<S> = S extends SqlType<infer T> ? T : never;

function make<T>(
  kind: TypeKind,
  key: string,
  expects: string,
  options: Partial<
    Pick<SqlType, 'length' | 'precision' | 'scale' | 'mode' | 'withTimezone' | 'values'>
  > = {},
): SqlType<T> {
  return Object.freeze({ kind, key, expects, ...options, check: checkerFor(kind, options) });
}

function positiveInt(value: number | undefined, what: string): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
    throw new TypeError(`${what} must be a non-negative integer, got ${String(value)}`);
  }
}

const INTEGER = make<number>('integer', 'int', 'a number with no fraction');
const SMALLINT = make<number>('smallint', 'smallint', 'a number with no fraction');
const REAL = make<number>('real', 'real', 'a number');
const DOUBLE = make<number>('double', 'double', 'a number');
const TEXT = make<string>('text', 'text', 'a string');
const BOOLEAN = make<boolean>('boolean', 'bool', 'a boolean');
const DATE = make<string>('date', 'date', "a 'YYYY-MM-DD' string");
const BYTES = make<Uint8Array>('bytes', 'bytes', 'a Buffer or Uint8Array');
const UUID = make<string>('uuid', 'uuid', 'a UUID string');
const NULLTYPE = make<unknown>('null', 'null', 'any value');
const JSON_TYPE = make<unknown>('json', 'json', 'a JSON-serialisable value');
const JSONB_TYPE = make<unknown>('jsonb', 'jsonb', 'a JSON-serialisable value');

/**
 * The SQL types, for `cast()`, `literal()` and `bindParam()` (columns get theirs from the
 * builders of `metadata.table`).
 *
 * @example
 * ```ts
 * select(cast(users.c.age, types.text()).label('age_text'));
 * ```
 */
export const types = {
  /** 32-bit integer; JS `number`. */
  integer: (): SqlType<number> => INTEGER,
  /** 16-bit integer; JS `number`. */
  smallint: (): SqlType<number> => SMALLINT,
  /** 64-bit integer; JS `bigint` by default, or `number`/`string` with `mode`. */
  bigint: <M extends BigintMode = 'bigint'>(options?: { mode?: M }): SqlType<BigintValue<M>> => {
    const mode = options?.mode ?? 'bigint';
    const expects = mode === 'string' ? 'an integer string' : 'a bigint (or a safe integer number)';
    return make(`bigint`, `bigint:${mode}`, expects, { mode });
  },
  /** Single-precision float; JS `number`. */
  real: (): SqlType<number> => REAL,
  /** Double-precision float; JS `number`. */
  double: (): SqlType<number> => DOUBLE,
  /** Exact decimal; JS `string`, so no precision is lost. */
  numeric: (precision?: number, scale?: number): SqlType<string> => {
    positiveInt(precision, 'numeric precision');
    positiveInt(scale, 'numeric scale');
    return make('numeric', `numeric(${precision ?? ''},${scale ?? ''})`, 'a decimal string', {
      precision,
      scale,
    });
  },
  /** Unbounded text; JS `string`. */
  text: (): SqlType<string> => TEXT,
  /** Text of at most `length` characters; JS `string`. */
  varchar: (length?: number): SqlType<string> => {
    positiveInt(length, 'varchar length');
    return make('varchar', `varchar(${length ?? ''})`, 'a string', { length });
  },
  /** JS `boolean` (1/0 on databases without a boolean type). */
  boolean: (): SqlType<boolean> => BOOLEAN,
  /** A calendar date as a `'YYYY-MM-DD'` string: no time zone can shift it. */
  date: (): SqlType<string> => DATE,
  /** An instant as a JS `Date`, stored in UTC, millisecond precision. */
  timestamp: (options?: { withTimezone?: boolean }): SqlType<Date> => {
    const withTimezone = options?.withTimezone ?? false;
    return make('timestamp', withTimezone ? 'timestamptz' : 'timestamp', 'a valid Date', {
      withTimezone,
    });
  },
  /** A JSON document; `T` is the shape you promise it has. */
  json: <T = unknown>(): SqlType<T> => JSON_TYPE as SqlType<T>,
  /** Binary JSON on PostgreSQL, JSON elsewhere. */
  jsonb: <T = unknown>(): SqlType<T> => JSONB_TYPE as SqlType<T>,
  /** Binary data; a `Buffer` when read. */
  bytes: (): SqlType<Uint8Array> => BYTES,
  /** A UUID as a string. */
  uuid: (): SqlType<string> => UUID,
  /** One of a fixed list of strings (a CHECK constraint in DDL). */
  enum: <const V extends readonly [string, ...string[]]>(values: V): SqlType<V[number]> => {
    if (values.length === 0) throw new TypeError('enum() needs at least one value');
    return make(
      'enum',
      `enum(${JSON.stringify(values)})`,
      `one of ${values.map((v) => `'${v}'`).join(', ')}`,
      {
        values: Object.freeze([...values]),
      },
    );
  },
  /** The type of a value whose type is not known (an untyped bindParam, `sqlNull()`). */
  null: (): SqlType<unknown> => NULLTYPE,
} as const;

/** True for the integer-valued types (autoincrement candidates). */
export function isIntegerType(type: AnySqlType): boolean {
  return type.kind === 'integer' || type.kind === 'smallint' || type.kind === 'bigint';
}

/** Describes a JS value for an error message: its type and a short preview. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : 'a Date';
  if (value instanceof Uint8Array) return `a ${value.constructor.name} of ${value.length} bytes`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  switch (typeof value) {
    case 'string': {
      const preview = value.length > 40 ? `${value.slice(0, 40)}…` : value;
      return `the string ${JSON.stringify(preview)}`;
    }
    case 'number':
    case 'boolean':
      return `the ${typeof value} ${String(value)}`;
    case 'bigint':
      return `the bigint ${value}n`;
    case 'undefined':
      return 'undefined';
    case 'function':
      return 'a function';
    default:
      return 'an object';
  }
}
