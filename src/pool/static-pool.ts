/**
 * StaticPool: one connection shared by every checkout, even concurrent ones. Meant for an
 * in-memory SQLite database, which exists only as long as its one connection.
 */
import { COMMON_OPTIONS } from './options.js';
import type { PoolOptions } from './options.js';
import type { ConnectionRecord } from './record.js';
import { SingleConnectionPool } from './single-connection-pool.js';

/**
 * A pool of exactly one connection, handed to every checkout at the same time. Each release
 * still resets it (rolls back by default), which ends a transaction another holder may be in:
 * callers must take turns (the engine serialises access for SQLite).
 *
 * @example
 * ```ts
 * const pool = new StaticPool(ops);
 * const a = await pool.checkout();
 * const b = await pool.checkout();
 * a.connection === b.connection; // true
 * ```
 */
export class StaticPool<C> extends SingleConnectionPool<C> {
  static override readonly acceptedOptions: readonly (keyof PoolOptions)[] = COMMON_OPTIONS;

  /** Number of handles currently out (they all share the one connection). */
  override get checkedOut(): number {
    return this._slot?.holders ?? 0;
  }

  status(): string {
    return 'StaticPool';
  }

  protected override get _closesLeaked(): boolean {
    return false;
  }

  protected override _reusable(record: ConnectionRecord<C>): boolean {
    // A soft-invalidated or disposed connection stays with its holders until they are done;
    // new checkouts get a fresh one.
    return !record.softInvalid && super._reusable(record);
  }
}
