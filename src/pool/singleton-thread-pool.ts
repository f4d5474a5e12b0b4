/**
 * SingletonThreadPool: SQLAlchemy keeps one connection per thread. A pool object in Node lives
 * in one thread (the main thread or one worker thread: objects are not shared between them),
 * so here it is one connection per pool, and a checkout made while another is out returns the
 * same handle (nested checkouts; only the outermost release resets the connection).
 */
import { COMMON_OPTIONS } from './options.js';
import type { PoolOptions } from './options.js';
import type { PooledConnection } from './pooled-connection.js';
import type { Handle } from './pooled-connection.js';
import { Pool } from './pool.js';
import type { ConnectionRecord } from './record.js';

let nextPoolId = 1;

/**
 * One connection per thread, which in Node means one per pool. Nested or concurrent checkouts
 * share one handle and so one transaction; the connection is kept between checkouts.
 *
 * @example
 * ```ts
 * const pool = new SingletonThreadPool(ops);
 * const outer = await pool.checkout();
 * const inner = await pool.checkout(); // the same handle
 * await inner.release(); // nothing happens yet
 * await outer.release(); // reset (rollback) and kept for the next checkout
 * ```
 */
export class SingletonThreadPool<C> extends Pool<C> {
  static override readonly acceptedOptions: readonly (keyof PoolOptions)[] = [
    'poolSize',
    ...COMMON_OPTIONS,
  ];

  readonly #id = nextPoolId++;
  #record: ConnectionRecord<C> | null = null;
  /** The handle currently out, held weakly so that a leaked one can still be collected. */
  #current: WeakRef<Handle<C>> | null = null;
  #pending: Promise<PooledConnection<C>> | null = null;

  get size(): number {
    return this._opts.poolSize;
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
    return `SingletonThreadPool id:${this.#id} size: ${this.#record === null ? 0 : 1}`;
  }

  override async checkout(): Promise<PooledConnection<C>> {
    for (;;) {
      const current = this.#current?.deref();
      if (current !== undefined && current._isOut()) {
        current._depth++;
        return current;
      }
      if (this.#pending === null) break;
      // Another checkout is connecting: share its handle (or try our own if it failed).
      await this.#pending.catch(() => undefined);
    }
    const pending = super.checkout();
    this.#pending = pending;
    try {
      const handle = (await pending) as Handle<C>;
      this.#current = new WeakRef(handle);
      return handle;
    } finally {
      if (this.#pending === pending) this.#pending = null;
    }
  }

  protected override get _closesLeaked(): boolean {
    return false;
  }

  protected _tryGet(): ConnectionRecord<C> {
    const record = this.#record;
    if (record === null || record.dropped || record.epoch !== this._epoch) {
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
