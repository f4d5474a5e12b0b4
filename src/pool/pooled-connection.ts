/**
 * The checked-out handle (SQLAlchemy's "fairy"): one per checkout, so that releasing it twice
 * is harmless and a handle dropped without release can be detected by the garbage collector.
 */
import { ResourceClosedError } from '../errors.js';
import type { ConnectionRecord } from './record.js';

/**
 * A connection checked out of a pool. Give it back with `release()` (or `invalidate()` when it
 * is broken); a handle that is garbage-collected unreturned is reported as a leak.
 *
 * @example
 * ```ts
 * const handle = await pool.checkout();
 * try {
 *   await use(handle.connection);
 * } finally {
 *   await handle.release();
 * }
 * ```
 */
export interface PooledConnection<C> {
  /** The underlying connection. Throws once the handle was released or invalidated. */
  readonly connection: C;
  /** Free-form data kept with the underlying connection across checkouts; cleared on reconnect. */
  readonly info: Record<string, unknown>;
  /** `Date.now()` when the underlying connection was opened. */
  readonly createdAt: number;
  /** True while the handle is checked out and its connection was not hard-invalidated. */
  readonly isValid: boolean;
  /** Resets the connection (per `resetOnReturn`) and gives it back to the pool. Idempotent. */
  release(): Promise<void>;
  /**
   * Closes the connection and frees its slot. With `{ soft: true }` the connection stays usable
   * and is closed when released instead of being pooled. Idempotent.
   */
  invalidate(error?: unknown, options?: { soft?: boolean }): Promise<void>;
}

/** What a handle needs from its pool. @internal */
export interface HandleOwner<C> {
  _releaseHandle(handle: Handle<C>): Promise<void>;
  _invalidateHandle(handle: Handle<C>, error: unknown): Promise<void>;
  _softInvalidate(record: ConnectionRecord<C>, error: unknown): void;
}

const OUT = 0;
const CLOSED = 1;
const DONE: Promise<void> = Promise.resolve();

/** The pools' implementation of {@link PooledConnection}. @internal */
export class Handle<C> implements PooledConnection<C> {
  /** Connection at checkout time; a shared record (StaticPool) may reconnect under us. */
  _conn: C;
  _state = OUT;
  /** Nested checkouts sharing this handle (SingletonThreadPool); released at zero. */
  _depth = 1;
  _done: Promise<void> | undefined = undefined;

  constructor(
    readonly _owner: HandleOwner<C>,
    readonly _record: ConnectionRecord<C>,
  ) {
    this._conn = _record.connection as C;
  }

  get connection(): C {
    if (this._state !== OUT) {
      throw new ResourceClosedError(
        'This pooled connection was already returned to the pool; check out a new one',
      );
    }
    return this._conn;
  }

  get info(): Record<string, unknown> {
    return this._record.info;
  }

  get createdAt(): number {
    return this._record.createdAt;
  }

  get isValid(): boolean {
    return this._state === OUT && this._record.connection === this._conn;
  }

  /** True while checked out (not yet released or invalidated). */
  _isOut(): boolean {
    return this._state === OUT;
  }

  release(): Promise<void> {
    if (this._state !== OUT) return this._done ?? DONE;
    if (--this._depth > 0) return DONE;
    this._state = CLOSED;
    return (this._done = this._owner._releaseHandle(this));
  }

  invalidate(error?: unknown, options?: { soft?: boolean }): Promise<void> {
    if (this._state !== OUT) return this._done ?? DONE;
    if (options?.soft === true) {
      this._owner._softInvalidate(this._record, error);
      return DONE;
    }
    this._state = CLOSED;
    this._depth = 0;
    return (this._done = this._owner._invalidateHandle(this, error));
  }
}
