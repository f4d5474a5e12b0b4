/**
 * Compile-test helpers: `expectSql(stmt, { sqlite, postgresql, mysql })` asserts the SQL and
 * the parameters a statement compiles to on every dialect. The map is typed so a missing
 * dialect fails to compile; MariaDB defaults to the MySQL expectation unless given.
 */
import { expect } from 'vitest';
import type { Executable, SqlDialect } from '../../src/sql/executable.js';
import { sqliteFlavour } from '../../src/dialects/sqlite/flavour.js';
import { postgresqlFlavour } from '../../src/dialects/postgresql/flavour.js';
import { mariadbFlavour, mysqlFlavour } from '../../src/dialects/mysql/flavour.js';

/** The dialects compile tests cover. */
export const DIALECTS = {
  sqlite: sqliteFlavour,
  postgresql: postgresqlFlavour,
  mysql: mysqlFlavour,
  mariadb: mariadbFlavour,
} as const satisfies Record<string, SqlDialect>;

export type DialectName = keyof typeof DIALECTS;

/** What one dialect should produce: SQL alone, SQL and params, or an error matching a pattern. */
export type Expected =
  string | readonly [sql: string, params: readonly unknown[]] | { readonly error: RegExp };

/** Expectations per dialect (MariaDB optional: MySQL's applies). */
export interface ExpectedByDialect {
  readonly sqlite: Expected;
  readonly postgresql: Expected;
  readonly mysql: Expected;
  readonly mariadb?: Expected;
}

/** MySQL's expectation for MariaDB: the same, with errors naming MariaDB. */
function forMariadb(mysql: Expected): Expected {
  if (typeof mysql === 'object' && 'error' in mysql) {
    return {
      error: new RegExp(
        mysql.error.source.replace('MySQL does', 'MariaDB does'),
        mysql.error.flags,
      ),
    };
  }
  return mysql;
}

/** Compiles `stmt` for a dialect and returns SQL and bound params. */
export function compileFor(
  stmt: Executable,
  dialect: DialectName,
  params?: Record<string, unknown>,
): { sql: string; params: unknown[] } {
  const compiled = stmt.compile(DIALECTS[dialect]);
  return { sql: compiled.sql, params: compiled.bind(params) };
}

/** Asserts what `stmt` compiles to on every dialect. */
export function expectSql(
  stmt: Executable,
  expected: ExpectedByDialect,
  params?: Record<string, unknown>,
): void {
  for (const name of Object.keys(DIALECTS) as DialectName[]) {
    const want =
      name === 'mariadb' ? (expected.mariadb ?? forMariadb(expected.mysql)) : expected[name];
    if (typeof want === 'object' && 'error' in want) {
      expect(() => compileFor(stmt, name, params), name).toThrow(want.error);
      continue;
    }
    const got = compileFor(stmt, name, params);
    if (typeof want === 'string') {
      expect(got.sql, name).toBe(want);
    } else {
      const [sql, values] = want as readonly [string, readonly unknown[]];
      expect(got.sql, name).toBe(sql);
      expect(got.params, `${name} params`).toEqual(values);
    }
  }
}

/** The same SQL on every dialect but PostgreSQL's `$n` placeholders. */
export function qmarks(pgSql: string): string {
  return pgSql.replace(/\$\d+/g, '?');
}
