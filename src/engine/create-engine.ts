/**
 * createEngine(): parses the URL, picks the dialect and the pool class (SQLAlchemy's
 * defaults), validates every option, and wires the pool to the dialect's driver adapter.
 */
import { AthanorError, DisconnectionError, OperationalError } from '../errors.js';
import type { DriverConnection } from '../dialects/dialect.js';
import { createDialect } from '../dialects/registry.js';
import { QueuePool, SingletonThreadPool, StaticPool } from '../pool/index.js';
import type { Pool, PoolClass, PoolOps } from '../pool/index.js';
import { AsyncLock } from '../util/async-lock.js';
import { consoleLogger } from '../util/logger.js';
import { Engine } from './engine.js';
import type { EngineCore } from './engine.js';
import type { EngineOptions } from './options.js';
import {
  POOL_OPTION_NAMES,
  invalidArguments,
  poolOptionsFor,
  validateEngineOptions,
} from './options.js';
import { URL } from './url.js';

const POOLS_BY_NAME: Readonly<Record<string, PoolClass>> = {
  QueuePool: QueuePool as unknown as PoolClass,
  SingletonThreadPool: SingletonThreadPool as unknown as PoolClass,
  StaticPool: StaticPool as unknown as PoolClass,
};

/**
 * Creates an Engine for a database URL. Nothing connects until the first checkout.
 *
 * URLs: `sqlite:///relative.db`, `sqlite:////absolute.db`, `sqlite://` (memory),
 * `postgresql://user:password@host:5432/db`, `mysql://…`, `mariadb://…`.
 *
 * @example
 * ```ts
 * const engine = createEngine('postgresql://app:secret@localhost:5432/app', {
 *   poolSize: 5,
 *   maxOverflow: 10,
 *   poolPrePing: true,
 *   echo: true,
 * });
 * ```
 */
export function createEngine(url: string | URL, options?: EngineOptions): Engine {
  const opts = validateEngineOptions(options);
  const parsed = URL.parse(url);
  const dialect = createDialect(parsed);
  if (opts.queryCacheSize !== undefined) dialect.setCompiledCacheSize(opts.queryCacheSize);
  const connectArgs = dialect.createConnectArgs(parsed, opts.connectArgs ?? {});
  const isolationLevel =
    opts.isolationLevel === undefined
      ? undefined
      : dialect.normalizeIsolationLevel(opts.isolationLevel);
  if (opts.executionOptions?.isolationLevel !== undefined) {
    dialect.normalizeIsolationLevel(opts.executionOptions.isolationLevel);
  }
  const lockTimeout = opts.poolTimeout === undefined ? 30 : opts.poolTimeout;

  const sharedLocks = new WeakMap<DriverConnection, AsyncLock>();
  let sharesConnections = false;
  let initializing: Promise<void> | null = null;
  let initialized = false;
  const hideParameters = opts.hideParameters ?? false;
  const core: EngineCore = {
    pool: undefined as unknown as Pool<DriverConnection>, // set below, before any connect
    executeHooks: { before: [], after: [] },
    sharesConnections: false,
    sharedLocks,
    wrapConnectError(error: unknown): unknown {
      if (error instanceof AthanorError) return error;
      const cls =
        dialect.translateError(error) ?? (error instanceof Error ? OperationalError : undefined);
      if (cls === undefined) return error;
      return new cls({ orig: error, connectionInvalidated: false, hideParameters });
    },
  };

  const hooks = {
    lockTimeout,
    onDead(connection: DriverConnection, error: unknown) {
      core.pool.invalidateIdle(connection, error);
    },
  };

  const initialize = async (conn: DriverConnection): Promise<void> => {
    if (initialized) return;
    // One initialize per engine; a failed one is retried by the next connect.
    initializing ??= dialect.initialize(conn).then(
      () => {
        initialized = true;
      },
      (err: unknown) => {
        initializing = null;
        throw err;
      },
    );
    await initializing;
  };

  const ops: PoolOps<DriverConnection> = {
    async connect() {
      const conn = await dialect.connect(connectArgs, hooks);
      try {
        await initialize(conn);
        if (isolationLevel !== undefined && isolationLevel !== 'AUTOCOMMIT') {
          await conn.setIsolationLevel(isolationLevel);
        }
      } catch (err) {
        await conn.close();
        throw err;
      }
      if (sharesConnections) sharedLocks.set(conn, new AsyncLock());
      return conn;
    },
    async reset(conn, mode) {
      if (!conn.alive) throw new DisconnectionError('The connection was closed by the server');
      // Another Connection sharing this driver connection is inside its transaction.
      if (sharesConnections && sharedLocks.get(conn)?.locked === true) return;
      // The Connection already ended its transaction: nothing to reset.
      if (conn.transactionStatus() === false) return;
      if (mode === 'commit') await conn.commit();
      else await conn.rollback();
    },
    needsReset(conn) {
      // The cases where reset() above returns without a call to the driver.
      if (!conn.alive) return true;
      if (sharesConnections && sharedLocks.get(conn)?.locked === true) return false;
      return conn.transactionStatus() !== false;
    },
    ping(conn) {
      return conn.alive ? conn.ping() : Promise.resolve(false);
    },
    close(conn) {
      return conn.close();
    },
  };

  let pool: Pool<DriverConnection>;
  if (opts.pool !== undefined) {
    const given = Object.keys(POOL_OPTION_NAMES).filter(
      (k) => opts[k as keyof EngineOptions] !== undefined,
    );
    if (opts.poolClass !== undefined) given.push('poolClass');
    pool =
      typeof opts.pool === 'function'
        ? (opts.pool(ops) as Pool<DriverConnection>)
        : (opts.pool as Pool<DriverConnection>);
    if (given.length > 0) throw invalidArguments(given, dialect.name, pool.constructor.name);
  } else {
    const poolClass =
      opts.poolClass ?? (POOLS_BY_NAME[dialect.defaultPoolClass(connectArgs)] as PoolClass);
    const poolOptions = poolOptionsFor(opts, poolClass, dialect.name, opts.logger);
    pool = new poolClass<DriverConnection>(ops, poolOptions);
  }
  sharesConnections = pool instanceof StaticPool || pool instanceof SingletonThreadPool;
  core.pool = pool;
  core.sharesConnections = sharesConnections;

  return new Engine({
    url: parsed,
    dialect,
    core,
    echo: opts.echo ?? false,
    hideParameters,
    logger:
      opts.logger ??
      consoleLogger(`athanor.engine.Engine${opts.loggingName ? `.${opts.loggingName}` : ''}`),
    loggingName: opts.loggingName,
    queryCacheSize: opts.queryCacheSize ?? 500,
    executionOptions: opts.executionOptions ?? {},
    isolationLevel,
    lockTimeout,
  });
}
