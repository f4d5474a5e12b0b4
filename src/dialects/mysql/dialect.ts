/**
 * The MySQL / MariaDB dialect over mysql2. `mysql://` URLs learn at the first connect whether
 * the server is MariaDB (and then use MariaDB's SQL flavour, which has RETURNING);
 * `mariadb://` URLs use it from the start.
 */
import { ArgumentError } from '../../errors.js';
import type { DBAPIErrorClass } from '../../errors.js';
import { BaseDialect, queryValue } from '../base-dialect.js';
import type { DefaultPoolName, DriverAdapter, DriverConnection, UrlLike } from '../dialect.js';
import { mariadbFlavour, mysqlFlavour } from './flavour.js';
import { isMysqlDisconnect, translateMysqlError } from './errors.js';

/** Defaults that make mysql2 lose no data and keep Dates in UTC (see docs/engine.md). */
const DEFAULTS: Readonly<Record<string, unknown>> = {
  supportBigNumbers: true,
  bigNumberStrings: false,
  decimalNumbers: false,
  dateStrings: false,
  timezone: 'Z',
  multipleStatements: false,
  enableKeepAlive: true,
};

/** URL query keys mysql2 takes under the same name. */
const PASSTHROUGH = ['charset', 'socketPath'] as const;

/**
 * MySQL and MariaDB through mysql2.
 *
 * @example
 * ```ts
 * const dialect = new MysqlDialect('mariadb');
 * dialect.sql.supportsReturning; // true
 * ```
 */
export class MysqlDialect extends BaseDialect {
  readonly name: string;
  readonly driver = 'mysql2';
  readonly isolationLevels = [
    'AUTOCOMMIT',
    'READ COMMITTED',
    'READ UNCOMMITTED',
    'REPEATABLE READ',
    'SERIALIZABLE',
  ] as const;
  /** MySQL commits implicitly before and after DDL. */
  readonly supportsTransactionalDdl = false;
  protected readonly driverPackage = 'mysql2';

  /** @param backend `'mysql'` (flavour decided at first connect) or `'mariadb'`. */
  constructor(backend: 'mysql' | 'mariadb' = 'mysql') {
    super(backend === 'mariadb' ? mariadbFlavour : mysqlFlavour, backend === 'mariadb');
    this.name = backend;
  }

  /** True when the server is MariaDB (known after the first connect for `mysql://`). */
  get isMariaDB(): boolean {
    return this.flavour === mariadbFlavour;
  }

  createConnectArgs(
    url: UrlLike,
    connectArgs: Readonly<Record<string, unknown>>,
  ): Record<string, unknown> {
    const args: Record<string, unknown> = { ...DEFAULTS };
    if (url.host !== null) args.host = url.host;
    if (url.port !== null) args.port = url.port;
    if (url.username !== null) args.user = url.username;
    if (url.database !== null && url.database !== '') args.database = url.database;
    for (const key of PASSTHROUGH) {
      const v = queryValue(url, key);
      if (v !== undefined) args[key] = v;
    }
    const connectTimeout = queryValue(url, 'connect_timeout');
    if (connectTimeout !== undefined) {
      const seconds = Number(connectTimeout);
      if (!Number.isFinite(seconds) || seconds < 0) {
        throw new ArgumentError(`Invalid connect_timeout '${connectTimeout}' in the URL`);
      }
      args.connectTimeout = seconds * 1000;
    }
    Object.assign(args, connectArgs);
    const password = 'password' in connectArgs ? connectArgs.password : url.password;
    if (password !== null && password !== undefined) {
      Object.defineProperty(args, 'password', { value: password, enumerable: false });
    }
    return args;
  }

  defaultPoolClass(): DefaultPoolName {
    return 'QueuePool';
  }

  async initialize(connection: DriverConnection): Promise<void> {
    const r = await connection.execute('SELECT VERSION()', []);
    const version = String(r.rows[0]?.[0] ?? '');
    this.settle(version, /mariadb/i.test(version) ? mariadbFlavour : this.flavour);
    this.defaultIsolationLevel = await this.getIsolationLevel(connection);
  }

  async getIsolationLevel(connection: DriverConnection): Promise<string> {
    let r;
    try {
      r = await connection.execute('SELECT @@transaction_isolation', []);
    } catch {
      r = await connection.execute('SELECT @@tx_isolation', []);
    }
    return String(r.rows[0]?.[0] ?? '')
      .replace(/-/g, ' ')
      .toUpperCase();
  }

  isDisconnect(error: unknown): boolean {
    return isMysqlDisconnect(error);
  }

  translateError(error: unknown): DBAPIErrorClass | undefined {
    return translateMysqlError(error);
  }

  protected async loadAdapter(): Promise<DriverAdapter> {
    return (await import('./mysql2.js')).mysql2Adapter;
  }
}
