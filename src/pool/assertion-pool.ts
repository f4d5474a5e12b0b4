/**
 * AssertionPool: a debugging pool that allows one checkout at a time and says where the
 * connection is held when a second checkout is attempted.
 */
import { InvalidRequestError } from '../errors.js';
import { COMMON_OPTIONS } from './options.js';
import type { PoolOptions } from './options.js';
import type { PoolOps } from './pool-ops.js';
import { formatSite } from './record.js';
import type { ConnectionRecord } from './record.js';
import { SingleConnectionPool } from './single-connection-pool.js';

/**
 * One connection, one holder: a second checkout while the first is out throws at once. Use it
 * in tests to prove code never holds two connections. Records checkout stacks by default.
 *
 * @example
 * ```ts
 * const pool = new AssertionPool(ops);
 * const a = await pool.checkout();
 * await pool.checkout(); // throws InvalidRequestError: connection is already checked out at: …
 * ```
 */
export class AssertionPool<C> extends SingleConnectionPool<C> {
  static override readonly acceptedOptions: readonly (keyof PoolOptions)[] = COMMON_OPTIONS;

  constructor(ops: PoolOps<C>, options: PoolOptions = {}) {
    super(ops, options);
    this._storeTraceback = this._opts.storeTraceback ?? true;
  }

  status(): string {
    return 'AssertionPool';
  }

  protected override _tryGet(): ConnectionRecord<C> {
    const record = this._slot;
    if (record !== null && record.holders > 0) {
      throw new InvalidRequestError(
        `connection is already checked out at:\n${formatSite(record.site)}\n` +
          'AssertionPool allows one checkout at a time: release the first connection before ' +
          'checking out another.',
      );
    }
    return super._tryGet();
  }
}
