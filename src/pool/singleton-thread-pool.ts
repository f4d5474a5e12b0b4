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
import { SingleConnectionPool } from './single-connection-pool.js';

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
export class SingletonThreadPool<C> extends SingleConnectionPool<C> {
  static override readonly acceptedOptions: readonly (keyof PoolOptions)[] = [
    'poolSize',
    ...COMMON_OPTIONS,
  ];

  readonly #id = nextPoolId++;
  /** The handle currently out, held weakly so that a leaked one can still be collected. */
  #current: WeakRef<Handle<C>> | null = null;
  #pending: Promise<PooledConnection<C>> | null = null;

  override get size(): number {
    return this._opts.poolSize;
  }

  status(): string {
    return `SingletonThreadPool id:${this.#id} size: ${this._slot === null ? 0 : 1}`;
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
}
