/** The JS-value checks of the SQL types: one predicate per type kind, built once per type. */
import type { TypeKind } from './sql-type.js';

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DECIMAL_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER_RE = /^[+-]?\d+$/;

const isNumber = (v: unknown): boolean => typeof v === 'number';
const isInteger = (v: unknown): boolean => Number.isInteger(v);
const isString = (v: unknown): boolean => typeof v === 'string';

function isJsonValue(v: unknown): boolean {
  const t = typeof v;
  return t !== 'undefined' && t !== 'function' && t !== 'symbol' && t !== 'bigint';
}

/** The predicate for a type kind with its options (enum values, bigint mode). */
export function checkerFor(
  kind: TypeKind,
  options: { values?: readonly string[] | undefined; mode?: string | undefined },
): (value: unknown) => boolean {
  switch (kind) {
    case 'integer':
    case 'smallint':
      return isInteger;
    case 'bigint':
      return options.mode === 'string'
        ? (v) => typeof v === 'string' && INTEGER_RE.test(v)
        : (v) => typeof v === 'bigint' || Number.isSafeInteger(v);
    case 'real':
    case 'double':
      return isNumber;
    case 'numeric':
      return (v) => typeof v === 'string' && DECIMAL_RE.test(v);
    case 'text':
    case 'varchar':
      return isString;
    case 'boolean':
      return (v) => typeof v === 'boolean';
    case 'date':
      return (v) => typeof v === 'string' && DATE_RE.test(v);
    case 'timestamp':
      return (v) => v instanceof Date && !Number.isNaN(v.getTime());
    case 'json':
    case 'jsonb':
      return isJsonValue;
    case 'bytes':
      return (v) => v instanceof Uint8Array;
    case 'uuid':
      return (v) => typeof v === 'string' && UUID_RE.test(v);
    case 'enum': {
      const allowed = new Set(options.values ?? []);
      return (v) => typeof v === 'string' && allowed.has(v);
    }
    case 'null':
      return () => true;
  }
}
