/**
 * The base of the pools that keep at most one connection (StaticPool, SingletonThreadPool,
 * AssertionPool): it owns the one record slot and the bookkeeping around it, so each class
 * only says when the slot may be reused and how checkouts share it.
 */
import { Pool } from './pool.js';
import type { ConnectionRecord } from './record.js';

/**
 * A pool with one record slot: the record is made at the first checkout, kept between
 * checkouts, and replaced when it is dropped, disposed or (per subclass) no longer reusable.
 *
 * @example
 * ```ts
 * class OneConnectionPool<C> extends SingleConnectionPool<C> {
 *   status(): string {
 *     return 'OneConnectionPool';
 *   }
 * }
 * const pool = new OneConnectionPool(ops);
 * pool.size; // 1
 * ```
 */
export abstract class SingleConnectionPool<C> extends Pool<C> {
  #record: ConnectionRecord<C> | null = null;

  /** The one record, or null before the first checkout and after it is dropped. */
  protected get _slot(): ConnectionRecord<C> | null {
    return this.#record;
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

  /** Whether new checkouts may keep using the current record rather than a fresh one. */
  protected _reusable(record: ConnectionRecord<C>): boolean {
    return !record.dropped && record.epoch === this._epoch;
  }

  protected _tryGet(): ConnectionRecord<C> {
    const record = this.#record;
    if (record === null || !this._reusable(record)) return (this.#record = this._newRecord());
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
