/**
 * The SQLite dialect over better-sqlite3: URL forms, connect arguments, pool choice, and the
 * isolation levels SQLite has (SERIALIZABLE, READ UNCOMMITTED via a pragma, AUTOCOMMIT).
 */
import { resolve } from 'node:path';
import { ArgumentError } from '../../errors.js';
import type { DBAPIErrorClass } from '../../errors.js';
import { BaseDialect, queryValue } from '../base-dialect.js';
import type { DefaultPoolName, DriverAdapter, DriverConnection, UrlLike } from '../dialect.js';
import { sqliteFlavour } from './flavour.js';
import { isSqliteDisconnect, translateSqliteError } from './errors.js';
import type { SqliteConnectArgs } from './better-sqlite3.js';

/** Our own connect arguments; the rest go to `new Database()`. */
const OWN_ARGS = ['pragmas', 'statementCacheSize', 'safeIntegers', 'beginImmediate'] as const;

/**
 * SQLite through better-sqlite3.
 *
 * @example
 * ```ts
 * const dialect = new SqliteDialect();
 * dialect.createConnectArgs(makeUrl('sqlite:///app.db'), {}).filename; // '/abs/path/app.db'
 * ```
 */
export class SqliteDialect extends BaseDialect {
  readonly name = 'sqlite';
  readonly driver = 'better-sqlite3';
  readonly isolationLevels = ['AUTOCOMMIT', 'READ UNCOMMITTED', 'SERIALIZABLE'] as const;
  readonly supportsTransactionalDdl = true;
  protected readonly driverPackage = 'better-sqlite3';

  constructor() {
    super(sqliteFlavour, true);
  }

  createConnectArgs(
    url: UrlLike,
    connectArgs: Readonly<Record<string, unknown>>,
  ): Record<string, unknown> {
    if (url.username !== null || url.password !== null || url.host !== null || url.port !== null) {
      throw new ArgumentError(
        `Invalid SQLite URL: ${url.toString()}\n` +
          'Valid SQLite URL forms are:\n' +
          ' sqlite:///:memory: (or, sqlite://)\n' +
          ' sqlite:///relative/path/to/file.db\n' +
          ' sqlite:////absolute/path/to/file.db',
      );
    }
    const database = url.database ?? '';
    const memory =
      database === '' || database === ':memory:' || queryValue(url, 'mode') === 'memory';
    const driverOptions: Record<string, unknown> = {};
    const mode = queryValue(url, 'mode');
    if (mode === 'ro') driverOptions.readonly = true;
    if (mode === 'rw') driverOptions.fileMustExist = true;
    const own: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(connectArgs)) {
      if ((OWN_ARGS as readonly string[]).includes(key)) own[key] = value;
      else driverOptions[key] = value;
    }
    const pragmas = own.pragmas ?? {};
    if (typeof pragmas !== 'object' || pragmas === null) {
      throw new ArgumentError('connectArgs.pragmas must be an object of PRAGMA names to values');
    }
    for (const name of Object.keys(pragmas)) {
      if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name)) {
        throw new ArgumentError(`connectArgs.pragmas: invalid PRAGMA name '${name}'`);
      }
    }
    const args: SqliteConnectArgs = {
      filename: memory ? ':memory:' : resolve(process.cwd(), database),
      memory,
      driverOptions,
      pragmas: pragmas as SqliteConnectArgs['pragmas'],
      statementCacheSize: numberArg(own.statementCacheSize, 'statementCacheSize', 100),
      safeIntegers:
        own.safeIntegers === undefined
          ? undefined
          : booleanArg(own.safeIntegers, 'safeIntegers', false),
      beginImmediate: booleanArg(own.beginImmediate, 'beginImmediate', false),
    };
    return args as unknown as Record<string, unknown>;
  }

  defaultPoolClass(connectArgs: Readonly<Record<string, unknown>>): DefaultPoolName {
    return (connectArgs as unknown as SqliteConnectArgs).memory
      ? 'SingletonThreadPool'
      : 'QueuePool';
  }

  async initialize(connection: DriverConnection): Promise<void> {
    const r = await connection.execute('SELECT sqlite_version()', []);
    this.settle(String(r.rows[0]?.[0] ?? ''));
    this.defaultIsolationLevel = 'SERIALIZABLE';
  }

  async getIsolationLevel(connection: DriverConnection): Promise<string> {
    const r = await connection.execute('PRAGMA read_uncommitted', []);
    return Number(r.rows[0]?.[0]) === 1 ? 'READ UNCOMMITTED' : 'SERIALIZABLE';
  }

  isDisconnect(error: unknown): boolean {
    return isSqliteDisconnect(error);
  }

  translateError(error: unknown): DBAPIErrorClass | undefined {
    return translateSqliteError(error);
  }

  protected async loadAdapter(): Promise<DriverAdapter> {
    return (await import('./better-sqlite3.js')).betterSqlite3Adapter;
  }
}

function numberArg(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ArgumentError(`connectArgs.${name} must be a non-negative integer`);
  }
  return value;
}

function booleanArg(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ArgumentError(`connectArgs.${name} must be a boolean`);
  return value;
}
