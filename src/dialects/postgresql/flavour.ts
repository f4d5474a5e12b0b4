/** PostgreSQL's flavour of SQL: `$n` placeholders, double-quoted identifiers. */
import type { SqlDialect } from '../../sql/executable.js';
import { quoteIfNeeded } from '../quoting.js';
import { postgresqlCompiler } from './compiler.js';

/** The SQL flavour of PostgreSQL. */
export const postgresqlFlavour: SqlDialect = {
  name: 'postgresql',
  placeholder: (index) => `$${index + 1}`,
  quoteIdentifier: (name) => quoteIfNeeded(name, '"'),
  supportsReturning: true,
  supportsMultiValuesInsert: true,
  batchedUpdate: 'values',
  insertKeyRange: true,
  compiler: postgresqlCompiler,
  maxBindParameters: 65535,
};
