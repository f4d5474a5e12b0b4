/**
 * The PostgreSQL dialect over node-postgres (pg): connect arguments from the URL, isolation
 * levels, SQLSTATE error translation and disconnect detection.
 */
import { ArgumentError } from '../../errors.js';
import type { DBAPIErrorClass } from '../../errors.js';
import { BaseDialect, queryValue } from '../base-dialect.js';
import type { DefaultPoolName, DriverAdapter, DriverConnection, UrlLike } from '../dialect.js';
import { postgresqlFlavour } from './flavour.js';
import { isPgDisconnect, translatePgError } from './errors.js';

/** URL query keys that pg takes under the same name. */
const PASSTHROUGH = [
  'application_name',
  'options',
  'statement_timeout',
  'lock_timeout',
  'idle_in_transaction_session_timeout',
  'query_timeout',
  'client_encoding',
  'fallback_application_name',
] as const;

/**
 * PostgreSQL through pg.
 *
 * @example
 * ```ts
 * const dialect = new PostgresqlDialect();
 * dialect.createConnectArgs(makeUrl('postgresql://me@db/app'), {}).host; // 'db'
 * ```
 */
export class PostgresqlDialect extends BaseDialect {
  readonly name = 'postgresql';
  readonly driver = 'pg';
  readonly isolationLevels = [
    'AUTOCOMMIT',
    'READ COMMITTED',
    'READ UNCOMMITTED',
    'REPEATABLE READ',
    'SERIALIZABLE',
  ] as const;
  readonly supportsTransactionalDdl = true;
  protected readonly driverPackage = 'pg';

  constructor() {
    super(postgresqlFlavour, true);
  }

  createConnectArgs(
    url: UrlLike,
    connectArgs: Readonly<Record<string, unknown>>,
  ): Record<string, unknown> {
    // TCP keepalive and a connect time limit: pg has neither by default, and a half-open
    // socket or an unreachable host would otherwise hang a checkout for minutes.
    const args: Record<string, unknown> = { keepAlive: true, connectionTimeoutMillis: 10_000 };
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
      args.connectionTimeoutMillis = seconds * 1000;
    }
    const sslmode = queryValue(url, 'sslmode');
    if (sslmode !== undefined) args.ssl = sslFor(sslmode);
    Object.assign(args, connectArgs);
    // The password is kept off the enumerable keys so that printing the options never shows it.
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
    const r = await connection.execute('SHOW server_version', []);
    this.settle(String(r.rows[0]?.[0] ?? ''));
    const d = await connection.execute('SHOW default_transaction_isolation', []);
    this.defaultIsolationLevel = String(d.rows[0]?.[0] ?? '').toUpperCase();
  }

  async getIsolationLevel(connection: DriverConnection): Promise<string> {
    const r = await connection.execute('SHOW transaction_isolation', []);
    return String(r.rows[0]?.[0] ?? '').toUpperCase();
  }

  isDisconnect(error: unknown): boolean {
    return isPgDisconnect(error);
  }

  translateError(error: unknown): DBAPIErrorClass | undefined {
    return translatePgError(error);
  }

  protected async loadAdapter(): Promise<DriverAdapter> {
    return (await import('./pg.js')).pgAdapter;
  }
}

function sslFor(mode: string): boolean | { rejectUnauthorized: boolean } {
  switch (mode) {
    case 'disable':
      return false;
    case 'allow':
    case 'prefer':
    case 'require':
    case 'no-verify':
      return { rejectUnauthorized: false };
    case 'verify-ca':
    case 'verify-full':
      return { rejectUnauthorized: true };
    default:
      throw new ArgumentError(
        `Invalid sslmode '${mode}' in the URL: use disable, allow, prefer, require, verify-ca or verify-full`,
      );
  }
}
