/**
 * QueuePool: SQLAlchemy's default pool. Up to `poolSize` connections are kept idle; up to
 * `maxOverflow` more are opened on demand and closed when they come back to a full pool;
 * beyond that, checkouts wait first-come-first-served for `timeout` seconds.
 */
import { PoolTimeoutError } from '../errors.js';
import { Deque } from '../util/deque.js';
import { ExpiryTimer, monotonicNow } from '../util/expiry-timer.js';
import { ALL_OPTIONS } from './options.js';
import type { PoolOptions } from './options.js';
import type { PoolOps } from './pool-ops.js';
import { Pool } from './pool.js';
import type { ConnectionRecord } from './record.js';

/** setTimeout's longest delay; a longer pool timeout is treated as "wait forever". */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface Waiter<C> {
  resolve: (record: ConnectionRecord<C>) => void;
  reject: (error: unknown) => void;
  /** {@link monotonicNow} time the wait fails at; Infinity without a time limit. */
  deadline: number;
  settled: boolean;
}

/**
 * A pool with a fixed number of kept connections, bounded overflow and FIFO waiting.
 *
 * @example
 * ```ts
 * const pool = new QueuePool(ops, { poolSize: 5, maxOverflow: 10, timeout: 30 });
 * const handle = await pool.checkout();
 * await handle.release();
 * pool.status(); // 'Pool size: 5  Connections in pool: 1 Current Overflow: -4 Current Checked out connections: 0'
 * ```
 */
export class QueuePool<C> extends Pool<C> {
  static override readonly acceptedOptions: readonly (keyof PoolOptions)[] = ALL_OPTIONS;

  readonly #idle = new Deque<ConnectionRecord<C>>();
  /** FIFO of waiting checkouts; timed-out waiters stay until reached or compacted. */
  #waiters = new Deque<Waiter<C>>();
  #liveWaiters = 0;
  /** Slots beyond poolSize; starts at -poolSize, as SQLAlchemy's `_overflow`. */
  #overflow: number;
  readonly #poolSize: number;
  readonly #maxOverflow: number;
  readonly #timeout: number | null;
  readonly #lifo: boolean;
  /** Waiters with a time limit; the shared timer runs only while there are some. */
  #timed = 0;
  readonly #expiry = new ExpiryTimer((now) => this.#expireDue(now));

  constructor(ops: PoolOps<C>, options: PoolOptions = {}) {
    super(ops, options);
    this.#poolSize = this._opts.poolSize;
    this.#maxOverflow = this._opts.maxOverflow;
    this.#timeout = this._opts.timeout;
    this.#lifo = this._opts.useLifo;
    this.#overflow = -this.#poolSize;
  }

  get size(): number {
    return this.#poolSize;
  }

  get checkedIn(): number {
    return this.#idle.length;
  }

  /** As SQLAlchemy: 0 when `poolSize` is 0 (no limit). */
  get overflow(): number {
    return this.#poolSize === 0 ? 0 : this.#overflow;
  }

  get checkedOut(): number {
    return this.#poolSize - this.#idle.length + this.#overflow;
  }

  /** Checkouts waiting for a connection. */
  get waiting(): number {
    return this.#liveWaiters;
  }

  status(): string {
    return (
      `Pool size: ${this.size}  Connections in pool: ${this.checkedIn} ` +
      `Current Overflow: ${this.overflow} Current Checked out connections: ${this.checkedOut}`
    );
  }

  protected _tryGet(): ConnectionRecord<C> | undefined {
    const record = this.#lifo ? this.#idle.pop() : this.#idle.shift();
    if (record !== undefined) return record;
    if (this.#maxOverflow < 0 || this.#overflow < this.#maxOverflow) {
      this.#overflow++;
      return this._newRecord();
    }
    return undefined;
  }

  protected override _peekIdle(): ConnectionRecord<C> | undefined {
    const idle = this.#idle;
    return this.#lifo ? idle.at(idle.length - 1) : idle.peekFront();
  }

  protected override _waitGet(): Promise<ConnectionRecord<C>> {
    const timeout = this.#timeout;
    if (timeout === 0) return Promise.reject(this.#timeoutError(0));
    return new Promise((resolve, reject) => {
      const timed = timeout !== null && timeout * 1000 <= MAX_TIMER_MS;
      const deadline = timed ? monotonicNow() + timeout * 1000 : Infinity;
      this.#waiters.push({ resolve, reject, deadline, settled: false });
      this.#liveWaiters++;
      if (timed) {
        this.#timed++;
        this.#expiry.schedule(deadline);
      }
    });
  }

  protected _keep(record: ConnectionRecord<C>): boolean {
    if (this.#handOff(record)) return true;
    if (this.#poolSize === 0 || this.#idle.length < this.#poolSize) {
      this.#idle.push(record);
      return true;
    }
    return false;
  }

  protected _onDrop(_record: ConnectionRecord<C>): void {
    this.#overflow--;
    // The freed slot goes to the longest waiter, who connects on it.
    if (this.#liveWaiters > 0) {
      this.#overflow++;
      if (!this.#handOff(this._newRecord())) this.#overflow--;
    }
  }

  protected _removeIdle(record: ConnectionRecord<C>): boolean {
    return this.#idle.remove(record);
  }

  protected _takeIdle(): ConnectionRecord<C>[] {
    return this.#idle.drain();
  }

  #handOff(record: ConnectionRecord<C>): boolean {
    while (this.#liveWaiters > 0) {
      const waiter = this.#waiters.shift() as Waiter<C>;
      if (waiter.settled) continue;
      waiter.settled = true;
      this.#liveWaiters--;
      if (waiter.deadline !== Infinity && --this.#timed === 0) this.#expiry.cancel();
      waiter.resolve(record);
      return true;
    }
    return false;
  }

  /** Fails the waits whose time is up; returns the earliest deadline left. */
  #expireDue(now: number): number {
    let next = Infinity;
    const expired: Waiter<C>[] = [];
    for (let i = 0; i < this.#waiters.length; i++) {
      const w = this.#waiters.at(i) as Waiter<C>;
      if (w.settled || w.deadline === Infinity) continue;
      if (w.deadline <= now) {
        w.settled = true;
        expired.push(w);
      } else if (w.deadline < next) next = w.deadline;
    }
    if (expired.length === 0) return next;
    this.#liveWaiters -= expired.length;
    this.#timed -= expired.length;
    if (this.#waiters.length > 64 && this.#waiters.length > 2 * this.#liveWaiters) {
      const live = new Deque<Waiter<C>>(this.#liveWaiters);
      for (const w of this.#waiters.drain()) if (!w.settled) live.push(w);
      this.#waiters = live;
    }
    for (const w of expired) w.reject(this.#timeoutError(this.#timeout ?? 0));
    return next;
  }

  #timeoutError(timeout: number): PoolTimeoutError {
    return new PoolTimeoutError(this.size, this.overflow, timeout);
  }
}
