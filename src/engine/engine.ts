/**
 * Engine: the URL, the dialect and the pool, and the factory of Connections. Creating an
 * engine does not connect; the first checkout does (and, once per engine, asks the server
 * for its version, which settles the SQL flavour of `mysql://` engines).
 */
import { inspect } from 'node:util';
import { ArgumentError } from '../errors.js';
import type { Dialect, DriverConnection, DriverResult } from '../dialects/dialect.js';
import type { Pool, PoolEventName, PoolListener } from '../pool/index.js';
import type { AsyncLock } from '../util/async-lock.js';
import type { EchoFlag, Logger } from '../util/logger.js';
import { Connection } from './connection.js';
import type { ExecutionOptions } from './options.js';
import { validateExecutionOptions } from './options.js';
import type { URL } from './url.js';

/** What `beforeExecute` / `afterExecute` listeners receive. */
export interface ExecuteEvent {
  readonly connection: Connection;
  /** The SQL sent to the driver. */
  readonly statement: string;
  /** The positional parameters (a list of lists for executemany). */
  readonly parameters: unknown;
  readonly isMany: boolean;
  /** The driver's result (`afterExecute` only). */
  readonly result?: DriverResult;
}

/** Engine events: statement hooks plus the pool's events (forwarded to the pool). */
export type EngineEventName = 'beforeExecute' | 'afterExecute' | PoolEventName;

/** @internal What the engine shares between itself and its `executionOptions()` copies. */
export interface EngineCore {
  pool: Pool<DriverConnection>;
  readonly executeHooks: {
    before: readonly ((event: ExecuteEvent) => void)[];
    after: readonly ((event: ExecuteEvent) => void)[];
  };
  sharesConnections: boolean;
  readonly sharedLocks: WeakMap<DriverConnection, AsyncLock>;
  readonly wrapConnectError: (error: unknown) => unknown;
}

/** @internal Everything an Engine is built from (see `createEngine`). */
export interface EngineConfig {
  readonly url: URL;
  readonly dialect: Dialect;
  readonly core: EngineCore;
  readonly echo: EchoFlag;
  readonly hideParameters: boolean;
  readonly logger: Logger;
  readonly loggingName: string | undefined;
  readonly queryCacheSize: number;
  readonly executionOptions: ExecutionOptions;
  readonly isolationLevel: string | undefined;
  readonly lockTimeout: number | null;
}

/**
 * A source of connections to one database, made by {@link createEngine}.
 *
 * @example
 * ```ts
 * const engine = createEngine('sqlite:///app.db');
 * await engine.begin(async (conn) => {
 *   await conn.execute(text('CREATE TABLE IF NOT EXISTS t (x INTEGER)'));
 * });
 * await engine.dispose();
 * ```
 */
export class Engine {
  /** The database URL (its password prints as `***`). */
  readonly url: URL;
  /** The dialect: SQL flavour (`dialect.sql`), capability flags, driver name. */
  readonly dialect: Dialect;
  /** Log SQL (`true`) or SQL and rows (`'debug'`); sampled by each new Connection. */
  echo: EchoFlag;
  /** True when parameter values stay out of logs and errors. */
  readonly hideParameters: boolean;
  /** Where this engine's log lines go. */
  readonly logger: Logger;
  /** The name appended to this engine's logger name, if any. */
  readonly loggingName: string | undefined;
  /** Size of the compiled-statement cache. */
  readonly queryCacheSize: number;
  readonly #core: EngineCore;
  readonly #executionOptions: ExecutionOptions;
  readonly #isolationLevel: string | undefined;
  readonly #lockTimeout: number | null;

  /** @internal Use `createEngine()`. */
  constructor(config: EngineConfig) {
    this.url = config.url;
    this.dialect = config.dialect;
    this.echo = config.echo;
    this.hideParameters = config.hideParameters;
    this.logger = config.logger;
    this.loggingName = config.loggingName;
    this.queryCacheSize = config.queryCacheSize;
    this.#core = config.core;
    this.#executionOptions = Object.freeze({ ...config.executionOptions });
    this.#isolationLevel = config.isolationLevel;
    this.#lockTimeout = config.lockTimeout;
  }

  /** The connection pool (replaced by `dispose()`). */
  get pool(): Pool<DriverConnection> {
    return this.#core.pool;
  }

  /** The dialect's name: `'sqlite'`, `'postgresql'`, `'mysql'` or `'mariadb'`. */
  get name(): string {
    return this.dialect.name;
  }

  /** The driver package: `'better-sqlite3'`, `'pg'` or `'mysql2'`. */
  get driver(): string {
    return this.dialect.driver;
  }

  /** Default execution options of this engine's connections. */
  get executionOptionsDefaults(): Readonly<ExecutionOptions> {
    return this.#executionOptions;
  }

  /** @internal True when connections begin in AUTOCOMMIT mode. */
  get autocommitDefault(): boolean {
    return this.#isolationLevel === 'AUTOCOMMIT';
  }

  /** @internal The engine's isolation level other than AUTOCOMMIT, if one was set. */
  get isolationLevelDefault(): string | undefined {
    return this.#isolationLevel === 'AUTOCOMMIT' ? undefined : this.#isolationLevel;
  }

  /** @internal Seconds to wait for SQLite's write lock or a shared connection. */
  get lockTimeout(): number | null {
    return this.#lockTimeout;
  }

  /** @internal */
  get executeHooks(): EngineCore['executeHooks'] {
    return this.#core.executeHooks;
  }

  /**
   * Checks out a connection from the pool.
   *
   * @example
   * ```ts
   * const conn = await engine.connect();
   * try {
   *   console.log((await conn.execute(text('SELECT 1'))).scalar());
   * } finally {
   *   await conn.close();
   * }
   * ```
   */
  async connect(): Promise<Connection> {
    const conn = new Connection(this);
    if (!conn._checkoutNow()) await conn._checkout();
    return conn;
  }

  /**
   * Runs `fn` in a transaction on a new connection: commits when it resolves, rolls back and
   * rethrows when it rejects, and always closes the connection.
   *
   * @example
   * ```ts
   * await engine.begin(async (conn) => {
   *   await conn.execute(text('UPDATE accounts SET balance = balance - 10 WHERE id = 1'));
   * });
   * ```
   */
  async begin<R>(fn: (conn: Connection) => Promise<R>): Promise<R> {
    if (typeof fn !== 'function') {
      throw new ArgumentError('engine.begin() takes an async function (conn) => …');
    }
    const conn = await this.connect();
    try {
      return await conn.begin(() => fn(conn));
    } finally {
      await conn.close();
    }
  }

  /**
   * Closes the pool's idle connections and replaces the pool with a new, empty one.
   * Connections checked out now are closed when they are returned. With `close: false` the
   * old pool is only dropped (the recipe for a forked child process).
   */
  async dispose(close = true): Promise<void> {
    const old = this.#core.pool;
    if (close) await old.dispose();
    this.#core.pool = old.recreate();
  }

  /**
   * An engine sharing this one's pool and dialect with different default execution options.
   *
   * @example
   * ```ts
   * const autocommit = engine.executionOptions({ isolationLevel: 'AUTOCOMMIT' });
   * ```
   */
  executionOptions(options: ExecutionOptions): Engine {
    validateExecutionOptions(options, 'executionOptions()');
    const merged = { ...this.#executionOptions, ...options };
    let isolation = this.#isolationLevel;
    if (options.isolationLevel !== undefined) {
      isolation = this.dialect.normalizeIsolationLevel(options.isolationLevel);
    }
    return new Engine({
      url: this.url,
      dialect: this.dialect,
      core: this.#core,
      echo: this.echo,
      hideParameters: this.hideParameters,
      logger: this.logger,
      loggingName: this.loggingName,
      queryCacheSize: this.queryCacheSize,
      executionOptions: merged,
      isolationLevel: isolation,
      lockTimeout: this.#lockTimeout,
    });
  }

  /**
   * Adds a listener; returns a function that removes it. `beforeExecute`/`afterExecute` see
   * every statement sent to the driver; pool events (`connect`, `checkout`, `checkin`,
   * `reset`, `invalidate`, `close`) are forwarded to the pool.
   *
   * @example
   * ```ts
   * const seen: string[] = [];
   * const off = engine.on('beforeExecute', (e) => seen.push(e.statement));
   * ```
   */
  on(event: 'beforeExecute' | 'afterExecute', listener: (event: ExecuteEvent) => void): () => void;
  on(event: PoolEventName, listener: PoolListener): () => void;
  on(event: EngineEventName, listener: (...args: any[]) => void): () => void {
    if (typeof listener !== 'function') throw new ArgumentError('A listener must be a function');
    if (event === 'beforeExecute' || event === 'afterExecute') {
      const hooks = this.#core.executeHooks;
      const key = event === 'beforeExecute' ? 'before' : 'after';
      hooks[key] = [...hooks[key], listener];
      return () => {
        hooks[key] = hooks[key].filter((l) => l !== listener);
      };
    }
    // Pool listeners survive dispose(): recreate() carries them over.
    return this.#core.pool.on(event, listener);
  }

  /** @internal The async lock serialising transactions on a shared driver connection. */
  sharedLockFor(driver: DriverConnection): AsyncLock | null {
    if (!this.#core.sharesConnections) return null;
    return this.#core.sharedLocks.get(driver) ?? null;
  }

  /** @internal */
  wrapConnectError(error: unknown): unknown {
    return this.#core.wrapConnectError(error);
  }

  toString(): string {
    return `Engine(${this.url.toString()})`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}
