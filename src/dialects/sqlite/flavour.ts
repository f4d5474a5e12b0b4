/** SQLite's flavour of SQL: `?` placeholders, double-quoted identifiers. */
import type { SqlDialect } from '../../sql/executable.js';
import { quoteIfNeeded } from '../quoting.js';
import { sqliteCompiler } from './compiler.js';

/** The SQL flavour of SQLite (RETURNING since 3.35, which better-sqlite3 bundles). */
export const sqliteFlavour: SqlDialect = {
  name: 'sqlite',
  placeholder: () => '?',
  quoteIdentifier: (name) => quoteIfNeeded(name, '"'),
  supportsReturning: true,
  supportsMultiValuesInsert: true,
  batchedUpdate: 'per-row',
  insertIdOfMultiRow: 'last',
  compiler: sqliteCompiler,
  maxBindParameters: 32766,
};
