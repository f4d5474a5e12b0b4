/**
 * Type parsing for pg: int8 (and int8[]) to `number` when the value fits a double exactly,
 * else `bigint`, so no value is ever rounded; every other type keeps pg's own parser.
 */
import type pg from 'pg';

type PgModule = typeof pg;
type TypeParser = (value: string) => unknown;

const INT8 = 20;
const INT8_ARRAY = 1016;

/** int8 text → number when exact, else bigint. */
export function parseInt8(value: string): number | bigint {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : BigInt(value);
}

function mapDeep(value: unknown, fn: TypeParser): unknown {
  if (Array.isArray(value)) return value.map((v) => mapDeep(v, fn));
  return value === null ? null : fn(value as string);
}

let typeOverrides: { getTypeParser: (oid: number, format?: string) => unknown } | undefined;

export function typesFor(module: PgModule): NonNullable<typeof typeOverrides> {
  if (typeOverrides !== undefined) return typeOverrides;
  const base = module.types;
  const int8Array = base.getTypeParser(INT8_ARRAY as 20, 'text') as TypeParser;
  typeOverrides = {
    getTypeParser(oid: number, format?: string) {
      if (format !== 'binary') {
        if (oid === INT8) return parseInt8;
        if (oid === INT8_ARRAY) return (v: string) => mapDeep(int8Array(v), parseInt8);
      }
      return base.getTypeParser(oid, (format ?? 'text') as 'text');
    },
  };
  return typeOverrides;
}
