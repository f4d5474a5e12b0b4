/**
 * Pool options: the public shape, the accepted set per pool class, and validation into the
 * resolved form the pools read on their hot paths.
 */
import { ArgumentError } from '../errors.js';
import type { EchoFlag, Logger } from '../util/logger.js';
import { consoleLogger } from '../util/logger.js';

/** What is done to a connection when it goes back to the pool. `'none'` is the same as `null`. */
export type ResetOnReturn = 'rollback' | 'commit' | 'none' | null;

/**
 * Options for every pool class; each class accepts a subset (see `acceptedOptions`).
 * Times are in seconds, as in SQLAlchemy.
 *
 * @example
 * ```ts
 * const options: PoolOptions = { poolSize: 5, maxOverflow: 10, timeout: 30, prePing: true };
 * ```
 */
export interface PoolOptions {
  /** QueuePool/SingletonThreadPool: connections kept open when idle. Default 5; 0 = no limit (then `maxOverflow` is -1). */
  poolSize?: number;
  /** QueuePool: connections opened beyond `poolSize` on demand, closed when returned to a full pool. Default 10; -1 = no limit. */
  maxOverflow?: number;
  /** QueuePool: seconds a checkout waits for a connection. Default 30; 0 = fail at once; `null` = wait forever. */
  timeout?: number | null;
  /** Seconds after which a connection is closed and replaced at its next checkout. Default -1 (off). */
  recycle?: number;
  /** Checks each reused connection with `ops.ping` at checkout and replaces a dead one. Default false. */
  prePing?: boolean;
  /** How a returned connection is reset. Default `'rollback'`. */
  resetOnReturn?: ResetOnReturn;
  /** QueuePool: reuse the most recently returned connection first. Default false (FIFO). */
  useLifo?: boolean;
  /** Pool logging: `true` = INFO (checkouts, checkins, invalidations, recycles, dispose), `'debug'` = more. Default false. */
  echo?: EchoFlag;
  /** Where log lines go. Default: the console, under `athanor.pool.<ClassName>[.<loggingName>]`. */
  logger?: Logger;
  /** Appended to the default logger's name, to tell pools apart in the log. */
  loggingName?: string;
  /**
   * Records the call stack of every checkout so that a leak warning (and AssertionPool's error)
   * can say where the connection was checked out. Costs a few microseconds per checkout.
   * Default false (AssertionPool: true); a pool turns it on by itself after its first leak.
   */
  storeTraceback?: boolean;
}

/** Names of the options every pool class accepts. */
export const COMMON_OPTIONS: readonly (keyof PoolOptions)[] = Object.freeze([
  'recycle',
  'prePing',
  'resetOnReturn',
  'echo',
  'logger',
  'loggingName',
  'storeTraceback',
]);

/** Names of every option (QueuePool accepts all of them). */
export const ALL_OPTIONS: readonly (keyof PoolOptions)[] = Object.freeze([
  'poolSize',
  'maxOverflow',
  'timeout',
  'useLifo',
  ...COMMON_OPTIONS,
]);

/** The validated options, with defaults applied. */
export interface ResolvedPoolOptions {
  readonly poolSize: number;
  /** -1 when unlimited. */
  readonly maxOverflow: number;
  /** Seconds, or null for no limit. */
  readonly timeout: number | null;
  /** Seconds, or -1 when off. */
  readonly recycle: number;
  readonly prePing: boolean;
  readonly resetOnReturn: 'rollback' | 'commit' | null;
  readonly useLifo: boolean;
  readonly echo: EchoFlag;
  readonly logger: Logger;
  readonly storeTraceback: boolean | undefined;
}

/**
 * Checks `options` against what `className` accepts and fills in the defaults.
 * Throws {@link ArgumentError} naming every offending option.
 *
 * @example
 * ```ts
 * const resolved = resolvePoolOptions('QueuePool', ALL_OPTIONS, { poolSize: 2 });
 * resolved.maxOverflow; // 10
 * ```
 */
export function resolvePoolOptions(
  className: string,
  accepted: readonly (keyof PoolOptions)[],
  options: PoolOptions,
): ResolvedPoolOptions {
  const refused = Object.keys(options).filter(
    (key) =>
      (options as Record<string, unknown>)[key] !== undefined &&
      !accepted.includes(key as keyof PoolOptions),
  );
  if (refused.length > 0) {
    throw new ArgumentError(
      `${className} does not accept the option(s) ${refused.join(', ')}; ` +
        `it accepts ${accepted.join(', ')}`,
    );
  }
  const poolSize = options.poolSize ?? 5;
  if (!Number.isInteger(poolSize) || poolSize < 0) {
    throw new ArgumentError(
      `poolSize must be a whole number >= 0 (0 = no limit), got ${String(poolSize)}`,
    );
  }
  let maxOverflow = options.maxOverflow ?? 10;
  if (!Number.isInteger(maxOverflow)) {
    throw new ArgumentError(
      `maxOverflow must be a whole number (-1 = no limit), got ${String(maxOverflow)}`,
    );
  }
  if (maxOverflow < 0 || poolSize === 0) maxOverflow = -1;
  let timeout = options.timeout === undefined ? 30 : options.timeout;
  if (timeout !== null && (typeof timeout !== 'number' || Number.isNaN(timeout) || timeout < 0)) {
    throw new ArgumentError(
      `timeout must be a number of seconds >= 0, or null to wait forever; got ${String(timeout)}`,
    );
  }
  if (timeout === Infinity) timeout = null;
  let recycle = options.recycle ?? -1;
  if (typeof recycle !== 'number' || Number.isNaN(recycle)) {
    throw new ArgumentError(
      `recycle must be a number of seconds (-1 = off), got ${String(options.recycle)}`,
    );
  }
  if (recycle < 0 || recycle === Infinity) recycle = -1;
  if (options.loggingName !== undefined && typeof options.loggingName !== 'string') {
    throw new ArgumentError(`loggingName must be a string, got ${String(options.loggingName)}`);
  }
  return {
    poolSize,
    maxOverflow,
    timeout,
    recycle,
    prePing: flag('prePing', options.prePing, false),
    resetOnReturn: resetMode(options.resetOnReturn),
    useLifo: flag('useLifo', options.useLifo, false),
    echo: echoFlag(options.echo),
    logger: options.logger ?? defaultLogger(className, options.loggingName),
    storeTraceback:
      options.storeTraceback === undefined
        ? undefined
        : flag('storeTraceback', options.storeTraceback, false),
  };
}

function flag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new ArgumentError(`${name} must be true or false, got ${String(value)}`);
  }
  return value;
}

function resetMode(value: unknown): 'rollback' | 'commit' | null {
  if (value === undefined || value === 'rollback') return 'rollback';
  if (value === 'commit') return 'commit';
  if (value === null || value === 'none') return null;
  throw new ArgumentError(
    `resetOnReturn must be 'rollback', 'commit', 'none' or null; got ${String(value)}`,
  );
}

function echoFlag(value: unknown): EchoFlag {
  if (value === undefined) return false;
  if (typeof value === 'boolean' || value === 'debug') return value;
  throw new ArgumentError(`echo must be true, false or 'debug'; got ${String(value)}`);
}

function defaultLogger(className: string, loggingName: string | undefined): Logger {
  return consoleLogger(`athanor.pool.${className}${loggingName ? `.${loggingName}` : ''}`);
}
