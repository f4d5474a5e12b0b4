/**
 * createEngine() options: their types, defaults, validation, and the routing of pool options
 * to the chosen pool class (which refuses the ones it does not take, as SQLAlchemy does).
 */
import { ArgumentError } from '../errors.js';
import type { Pool, PoolClass, PoolOps, PoolOptions } from '../pool/index.js';
import type { EchoFlag, Logger } from '../util/logger.js';

/** Per-connection execution options (also accepted engine-wide). */
export interface ExecutionOptions {
  /** Isolation level for this connection's transactions, e.g. `'SERIALIZABLE'` or `'AUTOCOMMIT'`. */
  isolationLevel?: string;
  /** Stream results (server-side cursor / unbuffered) — use `conn.stream()`. */
  streamResults?: boolean;
  /** Rows fetched per round trip when streaming. Default 1000. */
  yieldPer?: number;
  /** Prefixes every log line of this connection with `[token] `. */
  loggingToken?: string;
}

/**
 * Options of {@link createEngine}, SQLAlchemy's `create_engine()` keywords in camelCase.
 * Times are in seconds.
 */
export interface EngineOptions {
  /** Log SQL and parameters (`true`), or also result rows (`'debug'`). Default false. */
  echo?: EchoFlag;
  /** Log pool checkouts, checkins and invalidations (`true`), or more (`'debug'`). Default false. */
  echoPool?: EchoFlag;
  /** Keep parameter values out of logs and error messages. Default false. */
  hideParameters?: boolean;
  /** Where log lines go. Default: the console, under `athanor.engine.Engine`. */
  logger?: Logger;
  /** Pool class to use instead of the dialect's default. */
  poolClass?: PoolClass;
  /**
   * A ready pool (for instance another engine's `engine.pool`), or a function that builds one
   * from the engine's connection verbs: `(ops) => new QueuePool(ops, { poolSize: 2 })`.
   */
  pool?: Pool<any> | ((ops: PoolOps<any>) => Pool<any>);
  /** Connections kept open. Default 5. */
  poolSize?: number;
  /** Connections opened beyond poolSize on demand. Default 10; -1 = no limit. */
  maxOverflow?: number;
  /** Seconds to wait for a connection; also SQLite's wait for the write lock. Default 30. */
  poolTimeout?: number | null;
  /** Replace connections older than this many seconds at checkout. Default -1 (never). */
  poolRecycle?: number;
  /** Test connections at checkout and replace dead ones. Default false. */
  poolPrePing?: boolean;
  /** What happens to a connection returned to the pool. Default `'rollback'`. */
  poolResetOnReturn?: 'rollback' | 'commit' | 'none' | null;
  /** Reuse the most recently returned connection first. Default false. */
  poolUseLifo?: boolean;
  /** Appended to the pool's logger name. */
  poolLoggingName?: string;
  /** Isolation level of every connection, `'AUTOCOMMIT'` included. Default: the database's. */
  isolationLevel?: string;
  /** Options handed to the driver's connect call, over the ones computed from the URL. */
  connectArgs?: Record<string, unknown>;
  /** Size of the compiled-statement cache. Default 500; 0 disables it. */
  queryCacheSize?: number;
  /** Appended to the engine's logger name. */
  loggingName?: string;
  /** Default execution options of every connection. */
  executionOptions?: ExecutionOptions;
}

type Check = (value: unknown) => boolean;

const isBool: Check = (v) => typeof v === 'boolean';
const isEcho: Check = (v) => typeof v === 'boolean' || v === 'debug';
const isInt =
  (min: number): Check =>
  (v) =>
    typeof v === 'number' && Number.isInteger(v) && v >= min;
const isSeconds: Check = (v) => typeof v === 'number' && !Number.isNaN(v);
const isString: Check = (v) => typeof v === 'string';
const isObject: Check = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

const CHECKS: Readonly<Record<keyof EngineOptions, [Check, string]>> = {
  echo: [isEcho, "true, false or 'debug'"],
  echoPool: [isEcho, "true, false or 'debug'"],
  hideParameters: [isBool, 'a boolean'],
  logger: [
    (v) =>
      isObject(v) &&
      ['debug', 'info', 'warn', 'error'].every(
        (m) => typeof (v as Record<string, unknown>)[m] === 'function',
      ),
    'an object with debug, info, warn and error methods',
  ],
  poolClass: [
    (v) =>
      typeof v === 'function' &&
      Array.isArray((v as { acceptedOptions?: unknown }).acceptedOptions),
    'a pool class such as QueuePool or NullPool',
  ],
  pool: [
    (v) =>
      (isObject(v) && typeof (v as { checkout?: unknown }).checkout === 'function') ||
      (typeof v === 'function' && !('acceptedOptions' in v)),
    'a Pool instance or a function (ops) => Pool',
  ],
  poolSize: [isInt(0), 'a whole number >= 0'],
  maxOverflow: [isInt(-1), 'a whole number >= -1'],
  poolTimeout: [
    (v) => v === null || (isSeconds(v) && (v as number) >= 0),
    'a number of seconds >= 0, or null',
  ],
  poolRecycle: [isSeconds, 'a number of seconds (-1 = never)'],
  poolPrePing: [isBool, 'a boolean'],
  poolResetOnReturn: [
    (v) => v === null || v === 'rollback' || v === 'commit' || v === 'none',
    "'rollback', 'commit', 'none' or null",
  ],
  poolUseLifo: [isBool, 'a boolean'],
  poolLoggingName: [isString, 'a string'],
  isolationLevel: [isString, 'a string'],
  connectArgs: [isObject, 'an object'],
  queryCacheSize: [isInt(0), 'a whole number >= 0'],
  loggingName: [isString, 'a string'],
  executionOptions: [isObject, 'an object'],
};

/** Engine option → pool option, for the options the pool class must accept. */
export const POOL_OPTION_NAMES: Readonly<Partial<Record<keyof EngineOptions, keyof PoolOptions>>> =
  {
    poolSize: 'poolSize',
    maxOverflow: 'maxOverflow',
    poolTimeout: 'timeout',
    poolRecycle: 'recycle',
    poolPrePing: 'prePing',
    poolResetOnReturn: 'resetOnReturn',
    poolUseLifo: 'useLifo',
    echoPool: 'echo',
    poolLoggingName: 'loggingName',
  };

/**
 * Refuses unknown options and values of the wrong type with an ArgumentError naming the
 * option.
 */
export function validateEngineOptions(options: unknown): EngineOptions {
  if (options === undefined) return {};
  if (!isObject(options)) {
    throw new ArgumentError('createEngine() options must be an object');
  }
  for (const [name, value] of Object.entries(options as Record<string, unknown>)) {
    if (value === undefined) continue;
    const check = CHECKS[name as keyof EngineOptions];
    if (check === undefined) {
      throw new ArgumentError(
        `Unknown option '${name}' passed to createEngine(). ` +
          `Valid options are: ${Object.keys(CHECKS).join(', ')}`,
      );
    }
    if (!check[0](value)) {
      throw new ArgumentError(
        `Invalid value for createEngine() option '${name}': expected ${check[1]}, got ${describe(value)}`,
      );
    }
  }
  validateExecutionOptions((options as EngineOptions).executionOptions ?? {}, 'executionOptions');
  return options as EngineOptions;
}

const EXECUTION_CHECKS: Readonly<Record<keyof ExecutionOptions, [Check, string]>> = {
  isolationLevel: [isString, 'a string'],
  streamResults: [isBool, 'a boolean'],
  yieldPer: [isInt(1), 'a whole number >= 1'],
  loggingToken: [isString, 'a string'],
};

/** Refuses unknown or mistyped execution options. */
export function validateExecutionOptions(options: unknown, where: string): ExecutionOptions {
  if (!isObject(options)) throw new ArgumentError(`${where} must be an object`);
  for (const [name, value] of Object.entries(options as Record<string, unknown>)) {
    if (value === undefined) continue;
    const check = EXECUTION_CHECKS[name as keyof ExecutionOptions];
    if (check === undefined) {
      throw new ArgumentError(
        `Unknown execution option '${name}' in ${where}. ` +
          `Valid options are: ${Object.keys(EXECUTION_CHECKS).join(', ')}`,
      );
    }
    if (!check[0](value)) {
      throw new ArgumentError(
        `Invalid value for execution option '${name}': expected ${check[1]}, got ${describe(value)}`,
      );
    }
  }
  return options as ExecutionOptions;
}

/**
 * The pool options to pass to `poolClass`, refusing the ones it does not accept with
 * SQLAlchemy's message adapted.
 */
export function poolOptionsFor(
  options: EngineOptions,
  poolClass: { readonly name: string; readonly acceptedOptions: readonly (keyof PoolOptions)[] },
  dialectName: string,
  logger: Logger | undefined,
): PoolOptions {
  const out: Record<string, unknown> = {};
  const refused: string[] = [];
  for (const [engineName, poolName] of Object.entries(POOL_OPTION_NAMES) as [
    keyof EngineOptions,
    keyof PoolOptions,
  ][]) {
    const value = options[engineName];
    if (value === undefined) continue;
    if (poolClass.acceptedOptions.includes(poolName)) out[poolName] = value;
    else refused.push(engineName);
  }
  if (refused.length > 0) throw invalidArguments(refused, dialectName, poolClass.name);
  if (logger !== undefined) out.logger = logger;
  return out as PoolOptions;
}

/** SQLAlchemy's "Invalid argument(s)" error, in createEngine()'s words. */
export function invalidArguments(
  names: string[],
  dialectName: string,
  poolName: string,
): ArgumentError {
  return new ArgumentError(
    `Invalid argument(s) ${names.map((n) => `'${n}'`).join(',')} sent to createEngine(), ` +
      `using configuration ${dialectName}/${poolName}/Engine. Please check that the options ` +
      'are appropriate for this combination of components.',
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  if (typeof value === 'object') return `an object (${value.constructor?.name ?? 'Object'})`;
  return `${typeof value} ${String(value)}`;
}
