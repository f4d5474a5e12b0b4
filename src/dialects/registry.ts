/**
 * URL scheme → dialect. The dialect objects are small (flags, connect arguments, error
 * tables); each one imports its driver adapter, and the adapter its driver package, only at
 * the first connect, so an application that never uses MySQL never loads mysql2.
 */
import { ArgumentError } from '../errors.js';
import type { Dialect, UrlLike } from './dialect.js';
import { MysqlDialect } from './mysql/dialect.js';
import { PostgresqlDialect } from './postgresql/dialect.js';
import { SqliteDialect } from './sqlite/dialect.js';

interface Entry {
  /** Driver names accepted after `+`; the first is the default. */
  readonly drivers: readonly string[];
  create(): Dialect;
}

const REGISTRY: Readonly<Record<string, Entry>> = {
  sqlite: { drivers: ['better_sqlite3', 'bettersqlite3'], create: () => new SqliteDialect() },
  postgresql: { drivers: ['pg', 'node_postgres'], create: () => new PostgresqlDialect() },
  mysql: { drivers: ['mysql2'], create: () => new MysqlDialect('mysql') },
  mariadb: { drivers: ['mysql2'], create: () => new MysqlDialect('mariadb') },
};

/** Python drivers seen in SQLAlchemy URLs, with the Athanor spelling to use instead. */
const PYTHON_DRIVERS: Readonly<Record<string, string>> = {
  pysqlite: 'sqlite://',
  aiosqlite: 'sqlite://',
  psycopg2: 'postgresql://',
  psycopg: 'postgresql://',
  asyncpg: 'postgresql://',
  pg8000: 'postgresql://',
  pymysql: 'mysql://',
  mysqldb: 'mysql://',
  aiomysql: 'mysql://',
  asyncmy: 'mysql://',
  mariadbconnector: 'mariadb://',
};

/** The URL schemes Athanor understands, as `backend+driver` strings. */
export const supportedSchemes: readonly string[] = [
  'sqlite',
  'sqlite+better_sqlite3',
  'postgresql',
  'postgres',
  'postgresql+pg',
  'mysql',
  'mysql+mysql2',
  'mariadb',
  'mariadb+mysql2',
];

/**
 * A fresh dialect for `url` (one per engine: a `mysql://` dialect learns its server).
 *
 * @example
 * ```ts
 * createDialect(makeUrl('postgresql://localhost/app')).driver; // 'pg'
 * ```
 */
export function createDialect(url: UrlLike): Dialect {
  const name = url.drivername;
  const plus = name.indexOf('+');
  const backend = plus < 0 ? name : name.slice(0, plus);
  const driver = plus < 0 ? null : name.slice(plus + 1);
  const entry = REGISTRY[backend];
  if (entry === undefined) {
    throw new ArgumentError(
      `Can't load plugin: unknown database '${backend}' in URL scheme '${name}://'. ` +
        `Supported schemes are ${supportedSchemes.map((s) => `${s}://`).join(', ')}`,
    );
  }
  if (driver !== null && !entry.drivers.includes(driver.toLowerCase())) {
    const hint = PYTHON_DRIVERS[driver.toLowerCase()];
    throw new ArgumentError(
      `Unknown driver '${driver}' for ${backend}: ` +
        (hint !== undefined
          ? `${driver} is a Python driver; write the URL as ${hint}… (Athanor uses ${entry.drivers[0]})`
          : `supported drivers are ${entry.drivers.join(', ')}`),
    );
  }
  return entry.create();
}
