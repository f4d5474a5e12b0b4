/** MySQL's and MariaDB's flavour of SQL: `?` placeholders, backquoted identifiers. */
import type { SqlDialect } from '../../sql/executable.js';
import { quoteIfNeeded } from '../quoting.js';
import { mariadbCompiler, mysqlCompiler } from './compiler.js';

/** The SQL flavour of MySQL (no RETURNING). */
export const mysqlFlavour: SqlDialect = {
  name: 'mysql',
  placeholder: () => '?',
  quoteIdentifier: (name) => quoteIfNeeded(name, '`'),
  supportsReturning: false,
  supportsMultiValuesInsert: true,
  batchedUpdate: 'case',
  insertIdOfMultiRow: 'first',
  maxBindParameters: 65535,
  compiler: mysqlCompiler,
};

/** The SQL flavour of MariaDB: MySQL's, plus RETURNING on INSERT and DELETE (10.5+). */
export const mariadbFlavour: SqlDialect = {
  ...mysqlFlavour,
  supportsReturning: true,
  compiler: mariadbCompiler,
};
