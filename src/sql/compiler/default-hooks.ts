/**
 * The compiler's defaults: standard SQL with every feature on. Dialect flavours spread this
 * and override what differs; a `SqlDialect` without hooks compiles with these as they are.
 */
import type { ValueProcessor } from '../executable.js';
import {
  bytesToBuffer,
  dateToIso,
  jsonParseIfString,
  jsonStringify,
  toBigint,
  toBuffer,
  toNumber,
  toUtcDate,
} from '../types/processors.js';
import type { AnySqlType } from '../types/sql-type.js';
import type { DialectCompilerHooks } from './hooks.js';

/** Standard spelling of a type in DDL. */
export function standardTypeName(type: AnySqlType): string {
  switch (type.kind) {
    case 'integer':
      return 'INTEGER';
    case 'smallint':
      return 'SMALLINT';
    case 'bigint':
      return 'BIGINT';
    case 'real':
      return 'REAL';
    case 'double':
      return 'DOUBLE PRECISION';
    case 'numeric':
      return type.precision === undefined
        ? 'NUMERIC'
        : `NUMERIC(${type.precision}${type.scale === undefined ? '' : `, ${type.scale}`})`;
    case 'text':
      return 'TEXT';
    case 'varchar':
      return type.length === undefined ? 'VARCHAR' : `VARCHAR(${type.length})`;
    case 'boolean':
      return 'BOOLEAN';
    case 'date':
      return 'DATE';
    case 'timestamp':
      return type.withTimezone ? 'TIMESTAMP WITH TIME ZONE' : 'TIMESTAMP';
    case 'json':
      return 'JSON';
    case 'jsonb':
      return 'JSONB';
    case 'bytes':
      return 'BLOB';
    case 'uuid':
      return 'UUID';
    case 'enum':
      return `VARCHAR(${Math.max(1, ...(type.values ?? []).map((v) => v.length))})`;
    case 'null':
      return 'TEXT';
  }
}

function standardBind(type: AnySqlType): ValueProcessor | null {
  switch (type.kind) {
    case 'timestamp':
      return dateToIso;
    case 'json':
    case 'jsonb':
      return jsonStringify;
    case 'bytes':
      return toBuffer;
    default:
      return null;
  }
}

function standardResult(type: AnySqlType, computed: boolean): ValueProcessor | null {
  switch (type.kind) {
    case 'integer':
    case 'smallint':
    case 'real':
    case 'double':
      return computed ? toNumber : null;
    case 'bigint':
      return type.mode === 'bigint' ? toBigint : null;
    case 'timestamp':
      return toUtcDate;
    case 'json':
    case 'jsonb':
      return jsonParseIfString;
    case 'bytes':
      return bytesToBuffer;
    default:
      return null;
  }
}

/**
 * Standard SQL hooks.
 *
 * @example
 * ```ts
 * const myFlavour: SqlDialect = { ...sqliteFlavour, compiler: { ...defaultHooks, nativeIlike: false } };
 * ```
 */
export const defaultHooks: DialectCompilerHooks = {
  displayName: 'Standard SQL',
  returning: { insert: true, update: true, delete: true },
  nativeIlike: true,
  nullsOrdering: true,
  forUpdate: { supported: true, of: true, nowait: true, skipLocked: true, share: 'FOR SHARE' },
  upsert: 'on-conflict',
  offsetWithoutLimit: '',
  booleanLiterals: 'keyword',
  emptyInsert: 'default-values',
  fullOuterJoin: true,
  distinctOn: false,
  concat: 'operator',
  autoincrement: 'identity',
  indexableText: true,
  backslashEscapes: false,
  alterForeignKeys: true,
  dropIndexOnTable: false,
  dropForeignKeyKeyword: 'CONSTRAINT',
  hasTableSql: (param) =>
    `SELECT table_name FROM information_schema.tables WHERE table_name = ${param}`,
  reflectTablesSql:
    "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' ORDER BY table_name",
  reflectColumnsSql: (p) => ({
    sql:
      "SELECT column_name, lower(data_type), CASE WHEN is_nullable = 'YES' THEN 1 ELSE 0 END, 0, 0, column_default " +
      `FROM information_schema.columns WHERE table_name = ${p(0)} ORDER BY ordinal_position`,
    params: 1,
  }),
  typeName: standardTypeName,
  castTypeName: standardTypeName,
  bindProcessor: standardBind,
  resultProcessor: standardResult,
};
