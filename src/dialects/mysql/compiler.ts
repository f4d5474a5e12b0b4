/**
 * MySQL's and MariaDB's compiler hooks: no RETURNING (MariaDB: INSERT and DELETE only),
 * ON DUPLICATE KEY UPDATE, NULLS FIRST/LAST and ILIKE emulated, DATETIME(6) in UTC,
 * `concat()`, backslash-escaping literals, and keys over TEXT refused.
 */
import { CompileError } from '../../errors.js';
import { baseVisitors } from '../../sql/compiler/compiler.js';
import { defaultHooks } from '../../sql/compiler/default-hooks.js';
import type { DialectCompilerHooks } from '../../sql/compiler/hooks.js';
import type { ValueProcessor } from '../../sql/executable.js';
import {
  bigintToString,
  booleanToInt,
  bytesToBuffer,
  dateToUtcDatetime,
  intToBoolean,
  toBigint,
  toDecimalString,
  toIntegerString,
  toNumber,
  toUtcDate,
  utcDateToString,
} from '../../sql/types/processors.js';
import type { AnySqlType } from '../../sql/types/sql-type.js';

function typeName(type: AnySqlType): string {
  switch (type.kind) {
    case 'real':
      return 'FLOAT';
    case 'double':
      return 'DOUBLE';
    case 'numeric':
      if (type.precision === undefined) {
        throw new CompileError(
          'MySQL needs a precision for numeric columns (DECIMAL defaults to no fraction): use t.numeric(30, 9).',
        );
      }
      return `DECIMAL(${type.precision}, ${type.scale ?? 0})`;
    case 'varchar':
      if (type.length === undefined)
        throw new CompileError('MySQL needs a length for VARCHAR columns: use t.varchar(255).');
      return `VARCHAR(${type.length})`;
    case 'boolean':
      return 'BOOL';
    case 'timestamp':
      return 'DATETIME(6)';
    case 'jsonb':
      return 'JSON';
    case 'bytes':
      return 'LONGBLOB';
    case 'uuid':
      return 'CHAR(36)';
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
      return 'SIGNED';
    case 'real':
    case 'double':
      return 'DOUBLE';
    case 'numeric':
      return type.precision === undefined
        ? 'DECIMAL(65, 30)'
        : `DECIMAL(${type.precision}, ${type.scale ?? 0})`;
    case 'date':
      return 'DATE';
    case 'timestamp':
      return 'DATETIME(6)';
    case 'bytes':
      return 'BINARY';
    default:
      return 'CHAR';
  }
}

function bindProcessor(type: AnySqlType): ValueProcessor | null {
  switch (type.kind) {
    case 'boolean':
      return booleanToInt;
    case 'timestamp':
      return dateToUtcDatetime;
    case 'bigint':
      return bigintToString;
    default:
      return defaultHooks.bindProcessor(type);
  }
}

// mysql2 parses JSON values itself (MySQL's JSON type, and MariaDB's JSON columns, which it
// marks as JSON in the result metadata).
function resultProcessor(type: AnySqlType, computed: boolean): ValueProcessor | null {
  switch (type.kind) {
    case 'boolean':
      return intToBoolean;
    // mysql2 runs with timezone 'Z': DATETIME values arrive as correct UTC Dates.
    case 'timestamp':
      return toUtcDate;
    case 'date':
      return utcDateToString;
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
    case 'real':
    case 'double':
      return computed ? toNumber : null;
    case 'bytes':
      return bytesToBuffer;
    default:
      return null;
  }
}

/** MySQL's hooks. */
export const mysqlCompiler: DialectCompilerHooks = {
  ...defaultHooks,
  displayName: 'MySQL',
  returning: { insert: false, update: false, delete: false },
  nativeIlike: false,
  nullsOrdering: false,
  forUpdate: {
    supported: true,
    of: true,
    nowait: true,
    skipLocked: true,
    share: 'LOCK IN SHARE MODE',
  },
  upsert: 'on-duplicate-key',
  offsetWithoutLimit: 'LIMIT 18446744073709551615',
  emptyInsert: 'empty-values',
  fullOuterJoin: false,
  concat: 'function',
  autoincrement: 'auto-increment',
  indexableText: false,
  backslashEscapes: true,
  dropIndexOnTable: true,
  dropForeignKeyKeyword: 'FOREIGN KEY',
  hasTableSql: (p) =>
    `SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ${p}`,
  reflectTablesSql:
    "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY table_name",
  reflectColumnsSql: (p) => ({
    sql:
      "SELECT column_name, lower(column_type), CASE WHEN is_nullable = 'YES' THEN 1 ELSE 0 END, " +
      "CASE WHEN column_key = 'PRI' THEN 1 ELSE 0 END, CASE WHEN extra LIKE '%auto_increment%' THEN 1 ELSE 0 END, " +
      `column_default FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ${p(0)} ` +
      'ORDER BY ordinal_position',
    params: 1,
  }),
  typeName,
  castTypeName,
  bindProcessor,
  resultProcessor,
  visitors: {
    function: (c, n) => {
      const name = n.name.toLowerCase();
      // The UTC clock, as timestamps are stored in UTC; length in characters, not bytes.
      if (name === 'now' && n.args.length === 0) return 'UTC_TIMESTAMP(6)';
      if (name === 'length') return baseVisitors.function(c, { ...n, name: 'char_length' });
      return baseVisitors.function(c, n);
    },
  },
};

/** MariaDB's hooks: MySQL's, with RETURNING on INSERT/DELETE and no FOR UPDATE OF. */
export const mariadbCompiler: DialectCompilerHooks = {
  ...mysqlCompiler,
  displayName: 'MariaDB',
  returning: { insert: true, update: false, delete: true },
  forUpdate: {
    supported: true,
    of: false,
    nowait: true,
    skipLocked: true,
    share: 'LOCK IN SHARE MODE',
  },
};
