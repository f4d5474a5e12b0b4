/**
 * StaticPool: one connection shared by every checkout, even concurrent ones. Meant for an
 * in-memory SQLite database, which exists only as long as its one connection.
 */
import { COMMON_OPTIONS } from './options.js';
import type { PoolOptions } from './options.js';
import { Pool } from './pool.js';
import type { ConnectionRecord } from './record.js';

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
export class StaticPool<C> extends Pool<C> {
  static override readonly acceptedOptions: readonly (keyof PoolOptions)[] = COMMON_OPTIONS;

  #record: ConnectionRecord<C> | null = null;

  get size(): number {
    return 1;
  }

  get checkedIn(): number {
    const record = this.#record;
    return record !== null && record.holders === 0 && record.connection !== null ? 1 : 0;
  }

  /** Number of handles currently out (they all share the one connection). */
  get checkedOut(): number {
    return this.#record?.holders ?? 0;
  }

  get overflow(): number {
    return 0;
  }

  status(): string {
    return 'StaticPool';
  }

  protected override get _closesLeaked(): boolean {
    return false;
  }

  protected _tryGet(): ConnectionRecord<C> {
    const record = this.#record;
    // A soft-invalidated or disposed connection stays with its holders until they are done;
    // new checkouts get a fresh one.
    if (record === null || record.softInvalid || record.epoch !== this._epoch || record.dropped) {
      return (this.#record = this._newRecord());
    }
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
