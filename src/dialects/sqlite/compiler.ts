/**
 * SQLite's compiler hooks: no row locks, ILIKE emulated, booleans as 1/0, timestamps as
 * ISO-8601 UTC text, exact decimals as text, `INTEGER PRIMARY KEY` for autoincrement.
 */
import { baseVisitors } from '../../sql/compiler/compiler.js';
import { defaultHooks } from '../../sql/compiler/default-hooks.js';
import type { DialectCompilerHooks } from '../../sql/compiler/hooks.js';
import type { ValueProcessor } from '../../sql/executable.js';
import {
  booleanToInt,
  bytesToBuffer,
  intToBoolean,
  jsonParseIfString,
  padScale,
  stringToBigint,
  toBigint,
  toDecimalString,
  toIntegerString,
  toNumber,
  toUtcDate,
} from '../../sql/types/processors.js';
import type { AnySqlType } from '../../sql/types/sql-type.js';

function typeName(type: AnySqlType): string {
  switch (type.kind) {
    case 'numeric':
      // TEXT affinity (the name contains TEXT): NUMERIC affinity would round to 15 digits.
      return type.precision === undefined
        ? 'NUMERIC_TEXT'
        : `NUMERIC_TEXT(${type.precision}, ${type.scale ?? 0})`;
    case 'uuid':
      return 'CHAR(36)';
    case 'jsonb':
      return 'JSON';
    default:
      return defaultHooks.typeName(type);
  }
}

function castTypeName(type: AnySqlType): string {
  switch (type.kind) {
    case 'integer':
    case 'smallint':
    case 'bigint':
    case 'boolean':
      return 'INTEGER';
    case 'real':
    case 'double':
      return 'REAL';
    case 'numeric':
      return 'NUMERIC';
    case 'bytes':
      return 'BLOB';
    default:
      return 'TEXT';
  }
}

const scaled = new Map<number, ValueProcessor>();

function bindProcessor(type: AnySqlType): ValueProcessor | null {
  switch (type.kind) {
    case 'boolean':
      return booleanToInt;
    case 'bigint':
      return type.mode === 'string' ? stringToBigint : null;
    case 'numeric': {
      if (!type.scale) return null;
      let p = scaled.get(type.scale);
      if (!p) scaled.set(type.scale, (p = padScale(type.scale)));
      return p;
    }
    default:
      return defaultHooks.bindProcessor(type);
  }
}

function resultProcessor(type: AnySqlType, computed: boolean): ValueProcessor | null {
  switch (type.kind) {
    case 'boolean':
      return intToBoolean;
    case 'timestamp':
      return toUtcDate;
    case 'json':
    case 'jsonb':
      return jsonParseIfString;
    case 'bigint':
      return type.mode === 'number'
        ? toNumber
        : type.mode === 'string'
          ? toIntegerString
          : toBigint;
    case 'numeric':
      return toDecimalString;
    case 'integer':
    case 'smallint':
      return computed ? toNumber : null;
    case 'bytes':
      return bytesToBuffer;
    default:
      return null;
  }
}

/** SQLite's hooks. */
export const sqliteCompiler: DialectCompilerHooks = {
  ...defaultHooks,
  displayName: 'SQLite',
  nativeIlike: false,
  forUpdate: { supported: false, of: false, nowait: false, skipLocked: false, share: '' },
  offsetWithoutLimit: 'LIMIT -1',
  booleanLiterals: 'integer',
  autoincrement: 'integer-primary-key',
  alterForeignKeys: false,
  hasTableSql: (p) => `SELECT name FROM sqlite_master WHERE type = 'table' AND name = ${p}`,
  reflectTablesSql:
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite/_%' ESCAPE '/' ORDER BY name",
  reflectColumnsSql: (p) => ({
    sql:
      `SELECT name, lower(type), CASE WHEN "notnull" THEN 0 ELSE 1 END, pk, ` +
      `CASE WHEN pk = 1 AND lower(type) = 'integer' THEN 1 ELSE 0 END, dflt_value ` +
      `FROM pragma_table_info(${p(0)}) ORDER BY cid`,
    params: 1,
  }),
  typeName,
  castTypeName,
  bindProcessor,
  resultProcessor,
  visitors: {
    // now() with milliseconds, as the ISO text timestamps are stored in.
    function: (c, n) =>
      n.name.toLowerCase() === 'now' && n.args.length === 0
        ? "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
        : baseVisitors.function(c, n),
  },
};
