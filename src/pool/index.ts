/**
 * The connection-pool layer: pool classes over the {@link PoolOps} verbs the engine supplies.
 */
import type { PoolOptions } from './options.js';
import type { PoolOps } from './pool-ops.js';
import type { Pool } from './pool.js';

export { AssertionPool } from './assertion-pool.js';
export type { PoolEventName, PoolListener } from './events.js';
export { NullPool } from './null-pool.js';
export { ALL_OPTIONS, COMMON_OPTIONS } from './options.js';
export type { PoolOptions, ResetOnReturn } from './options.js';
export type { PoolOps } from './pool-ops.js';
export { Pool } from './pool.js';
export type { PooledConnection } from './pooled-connection.js';
export { QueuePool } from './queue-pool.js';
export { SingletonThreadPool } from './singleton-thread-pool.js';
export { StaticPool } from './static-pool.js';

/**
 * A pool class, as passed to the engine's `poolclass` option; carries the option names it accepts.
 *
 * @example
 * ```ts
 * const poolclass: PoolClass = NullPool;
 * poolclass.acceptedOptions.includes('poolSize'); // false
 * ```
 */
export type PoolClass = (new <C>(ops: PoolOps<C>, options?: PoolOptions) => Pool<C>) & {
  readonly acceptedOptions: readonly (keyof PoolOptions)[];
};
