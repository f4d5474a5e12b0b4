/**
 * AssertionPool: a debugging pool that allows one checkout at a time and says where the
 * connection is held when a second checkout is attempted.
 */
import { InvalidRequestError } from '../errors.js';
import { COMMON_OPTIONS } from './options.js';
import type { PoolOptions } from './options.js';
import type { PoolOps } from './pool-ops.js';
import { Pool } from './pool.js';
import { formatSite } from './record.js';
import type { ConnectionRecord } from './record.js';

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
export class AssertionPool<C> extends Pool<C> {
  static override readonly acceptedOptions: readonly (keyof PoolOptions)[] = COMMON_OPTIONS;

  #record: ConnectionRecord<C> | null = null;

  constructor(ops: PoolOps<C>, options: PoolOptions = {}) {
    super(ops, options);
    this._storeTraceback = this._opts.storeTraceback ?? true;
  }

  get size(): number {
    return 1;
  }

  get checkedIn(): number {
    const record = this.#record;
    return record !== null && record.holders === 0 && record.connection !== null ? 1 : 0;
  }

  get checkedOut(): number {
    return this.#record !== null && this.#record.holders > 0 ? 1 : 0;
  }

  get overflow(): number {
    return 0;
  }

  status(): string {
    return 'AssertionPool';
  }

  protected _tryGet(): ConnectionRecord<C> {
    const record = this.#record;
    if (record !== null && record.holders > 0) {
      throw new InvalidRequestError(
        `connection is already checked out at:\n${formatSite(record.site)}\n` +
          'AssertionPool allows one checkout at a time: release the first connection before ' +
          'checking out another.',
      );
    }
    if (record === null || record.epoch !== this._epoch) return (this.#record = this._newRecord());
    return record;
  }

  protected _keep(record: ConnectionRecord<C>): boolean {
    return record === this.#record;
  }

  protected _onDrop(record: ConnectionRecord<C>): void {
    if (this.#record === record) this.#record = null;
  }

  protected _removeIdle(record: ConnectionRecord<C>): boolean {
    if (record !== this.#record || record.holders !== 0) return false;
    this.#record = null;
    return true;
  }

  protected _takeIdle(): ConnectionRecord<C>[] {
    const record = this.#record;
    if (record === null || record.holders !== 0) return [];
    this.#record = null;
    return [record];
  }
}
