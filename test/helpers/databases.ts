/**
 * The databases a test file runs against. SQLite always runs (a fresh file per call);
 * PostgreSQL and MariaDB run when their URL is set in the environment:
 *
 *   ATHANOR_TEST_POSTGRESQL_URL=postgresql://postgres@127.0.0.1:5432/test
 *   ATHANOR_TEST_MARIADB_URL=mysql://root@127.0.0.1:3306/test
 *
 * When one is unset the tests for it are skipped with a printed reason; under CI=true an
 * unset URL fails the run instead, so that CI never passes by skipping.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type DatabaseName = 'sqlite' | 'postgresql' | 'mariadb';

export interface TestDatabase {
  readonly name: DatabaseName;
  /** The URL to connect with, or undefined when the database is not configured. */
  readonly url: string | undefined;
  /** Why the database is skipped, when it is. */
  readonly skipReason: string | undefined;
}

const ENV: Record<Exclude<DatabaseName, 'sqlite'>, string> = {
  postgresql: 'ATHANOR_TEST_POSTGRESQL_URL',
  mariadb: 'ATHANOR_TEST_MARIADB_URL',
};

const reported = new Set<string>();

/** A fresh SQLite file URL in a new temporary folder. */
export function sqliteFileUrl(name = 'test.db'): string {
  return `sqlite:///${join(mkdtempSync(join(tmpdir(), 'athanor-')), name)}`;
}

/** Describes one server database from the environment, failing under CI when it is unset. */
export function serverDatabase(name: Exclude<DatabaseName, 'sqlite'>): TestDatabase {
  const variable = ENV[name];
  const url = process.env[variable];
  if (url) return { name, url, skipReason: undefined };
  if (process.env.CI === 'true') {
    throw new Error(
      `${variable} is not set: under CI the ${name} tests must run. .ci/run exports it.`,
    );
  }
  const skipReason = `${name} tests skipped: set ${variable} to run them`;
  if (!reported.has(name)) {
    reported.add(name);
    console.warn(skipReason);
  }
  return { name, url: undefined, skipReason };
}

/** SQLite (a fresh file) plus the configured servers, in that order. */
export function allDatabases(): TestDatabase[] {
  return [
    { name: 'sqlite', url: sqliteFileUrl(), skipReason: undefined },
    serverDatabase('postgresql'),
    serverDatabase('mariadb'),
  ];
}
