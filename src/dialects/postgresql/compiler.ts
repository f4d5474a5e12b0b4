/**
 * PostgreSQL's compiler hooks: standard SQL plus DISTINCT ON, identity columns, BYTEA/JSONB,
 * and converters for what the pg adapter returns (int8 as number/bigint, `timestamp` as a UTC
 * Date, `date` as text).
 */
import { defaultHooks } from '../../sql/compiler/default-hooks.js';
import type { DialectCompilerHooks } from '../../sql/compiler/hooks.js';
import type { ValueProcessor } from '../../sql/executable.js';
import {
  bigintToString,
  intToBoolean,
  jsonParseIfString,
  toBigint,
  toDateString,
  toIntegerString,
  toNumber,
  toUtcDate,
  bytesToBuffer,
} from '../../sql/types/processors.js';
import type { AnySqlType } from '../../sql/types/sql-type.js';

function typeName(type: AnySqlType): string {
  switch (type.kind) {
    case 'bytes':
      return 'BYTEA';
    default:
      return defaultHooks.typeName(type);
  }
}

// Only what differs from the default hooks; timestamps, JSON and bytes bind as they do there.
function bindProcessor(type: AnySqlType): ValueProcessor | null {
  return type.kind === 'bigint' ? bigintToString : defaultHooks.bindProcessor(type);
}

function resultProcessor(type: AnySqlType, computed: boolean): ValueProcessor | null {
  switch (type.kind) {
    case 'timestamp':
      // The adapter reads `timestamp` (no time zone) as UTC wall time: a Date either way.
      return toUtcDate;
    case 'date':
      return toDateString;
    // A bare parameter selected (`SELECT $1`) comes back as text.
    case 'boolean':
      return computed ? intToBoolean : null;
    case 'json':
    case 'jsonb':
      return computed ? jsonParseIfString : null;
    case 'bigint':
      return type.mode === 'number'
        ? toNumber
        : type.mode === 'string'
          ? toIntegerString
          : toBigint;
    case 'integer':
    case 'smallint':
    case 'real':
    case 'double':
      return computed ? toNumber : null;
    case 'bytes':
      return bytesToBuffer;
    default:
      return null;
  }
}

/** PostgreSQL's hooks. */
export const postgresqlCompiler: DialectCompilerHooks = {
  ...defaultHooks,
  displayName: 'PostgreSQL',
  distinctOn: true,
  hasTableSql: (p) =>
    'SELECT c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace ' +
    `WHERE c.relname = ${p} AND c.relkind IN ('r', 'p') AND n.nspname = current_schema()`,
  reflectTablesSql:
    "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
  reflectColumnsSql: (p) => ({
    sql:
      'SELECT c.column_name, lower(c.data_type) || CASE ' +
      "WHEN c.character_maximum_length IS NOT NULL THEN '(' || c.character_maximum_length || ')' " +
      "WHEN c.data_type = 'numeric' AND c.numeric_precision IS NOT NULL THEN '(' || c.numeric_precision || ',' || c.numeric_scale || ')' " +
      "ELSE '' END, CASE WHEN c.is_nullable = 'YES' THEN 1 ELSE 0 END, " +
      'COALESCE((SELECT k.ordinal_position FROM information_schema.table_constraints tc ' +
      'JOIN information_schema.key_column_usage k ON k.constraint_name = tc.constraint_name ' +
      'AND k.table_schema = tc.table_schema AND k.table_name = tc.table_name ' +
      "WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = c.table_schema " +
      'AND tc.table_name = c.table_name AND k.column_name = c.column_name), 0), ' +
      "CASE WHEN c.is_identity = 'YES' OR c.column_default LIKE 'nextval(%' THEN 1 ELSE 0 END, c.column_default " +
      `FROM information_schema.columns c WHERE c.table_schema = current_schema() AND c.table_name = ${p(0)} ` +
      'ORDER BY c.ordinal_position',
    params: 1,
  }),
  typeName,
  castTypeName: typeName,
  bindProcessor,
  resultProcessor,
};
