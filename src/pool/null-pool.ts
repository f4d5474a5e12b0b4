/**
 * NullPool: no pooling. Every checkout opens a new connection and every return closes it.
 */
import { COMMON_OPTIONS } from './options.js';
import type { PoolOptions } from './options.js';
import { Pool } from './pool.js';
import type { ConnectionRecord } from './record.js';

/**
 * A pool that opens a connection per checkout and closes it on return. Useful when an outside
 * pooler (PgBouncer) does the pooling, for short scripts, and after a fork.
 *
 * @example
 * ```ts
 * const pool = new NullPool(ops);
 * const handle = await pool.checkout(); // ops.connect()
 * await handle.release(); // reset, then ops.close()
 * ```
 */
export class NullPool<C> extends Pool<C> {
  static override readonly acceptedOptions: readonly (keyof PoolOptions)[] = COMMON_OPTIONS;

  #open = 0;

  get size(): number {
    return 0;
  }

  get checkedIn(): number {
    return 0;
  }

  get checkedOut(): number {
    return this.#open;
  }

  get overflow(): number {
    return 0;
  }

  status(): string {
    return 'NullPool';
  }

  protected _tryGet(): ConnectionRecord<C> {
    this.#open++;
    return this._newRecord();
  }

  protected _keep(): boolean {
    return false;
  }

  protected _onDrop(): void {
    this.#open--;
  }

  protected _removeIdle(): boolean {
    return false;
  }

  protected _takeIdle(): ConnectionRecord<C>[] {
    return [];
  }
}
