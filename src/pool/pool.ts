/**
 * The pool base: the checkout pipeline (get a slot → connect/recycle → pre-ping → checkout
 * listeners → handle) and the return pipeline (reset → checkin → keep or close), shared by
 * every pool class. Subclasses decide only how slots are stored and handed out.
 */
import { ArgumentError, DisconnectionError, InvalidRequestError } from '../errors.js';
import type { Logger } from '../util/logger.js';
import { ConnectionLifecycle } from './connection-lifecycle.js';
import { PoolEvents, describeError } from './events.js';
import type { PoolEventName, PoolListener } from './events.js';
import { COMMON_OPTIONS, resolvePoolOptions } from './options.js';
import type { PoolOptions, ResolvedPoolOptions } from './options.js';
import type { PoolOps } from './pool-ops.js';
import { Handle } from './pooled-connection.js';
import type { HandleOwner, PooledConnection } from './pooled-connection.js';
import { LeakTracker, leakWarning } from './leaks.js';
import { ConnectionRecord, captureSite } from './record.js';

const DONE: Promise<void> = Promise.resolve();

/** Connections tried per checkout when pre-ping or a checkout listener finds one dead. */
const MAX_CHECKOUT_ATTEMPTS = 3;

/**
 * A connection pool over the verbs in {@link PoolOps}. Use a concrete class: QueuePool,
 * NullPool, StaticPool, SingletonThreadPool or AssertionPool.
 *
 * @example
 * ```ts
 * const pool = new QueuePool(ops, { poolSize: 5, maxOverflow: 10, prePing: true });
 * const handle = await pool.checkout();
 * try {
 *   await use(handle.connection);
 * } finally {
 *   await handle.release();
 * }
 * ```
 */
export abstract class Pool<C> implements HandleOwner<C> {
  /** Option names this class accepts; any other option is refused with an ArgumentError. */
  static readonly acceptedOptions: readonly (keyof PoolOptions)[] = COMMON_OPTIONS;

  protected readonly _ops: PoolOps<C>;
  protected readonly _rawOptions: PoolOptions;
  protected readonly _opts: ResolvedPoolOptions;
  protected readonly _log: Logger;
  protected readonly _echoInfo: boolean;
  protected _storeTraceback: boolean;
  protected readonly _events = new PoolEvents();
  protected readonly _life: ConnectionLifecycle<C>;
  /** Dispose generation: records of an older generation are closed when they come back. */
  protected _epoch = 0;
  /** Connections numbered below this were made before a pool-wide invalidation. */
  private _staleBefore = 0;
  /** Neither recycle nor pre-ping is on, so a pooled connection needs no check at checkout. */
  private readonly _simple: boolean;
  private readonly _leaks: LeakTracker<C>;
  /** The class keeps the base `checkout()`, so `checkoutNow()` may stand in for it. */
  private readonly _plainCheckout: boolean;

  constructor(ops: PoolOps<C>, options: PoolOptions = {}) {
    const cls = new.target as unknown as {
      name: string;
      acceptedOptions: readonly (keyof PoolOptions)[];
    };
    for (const verb of ['connect', 'reset', 'ping', 'close'] as const) {
      if (typeof ops?.[verb] !== 'function') {
        throw new ArgumentError(`${cls.name} needs ops.${verb}() (a PoolOps object)`);
      }
    }
    this._ops = ops;
    this._rawOptions = { ...options };
    this._opts = resolvePoolOptions(cls.name, cls.acceptedOptions, options);
    this._log = this._opts.logger;
    this._echoInfo = this._opts.echo !== false;
    this._life = new ConnectionLifecycle(ops, this._events, this._log, this._opts.echo);
    this._storeTraceback = this._opts.storeTraceback ?? false;
    this._simple = !this._opts.prePing && this._opts.recycle < 0;
    this._leaks = new LeakTracker<C>((record, site) => this._reclaimLeak(record, site));
    this._plainCheckout = this.checkout === Pool.prototype.checkout;
  }

  /** Slots kept by this pool (QueuePool: `poolSize`). */
  abstract get size(): number;
  /** Idle connections in the pool. */
  abstract get checkedIn(): number;
  /** Connections currently checked out (including ones being connected for a checkout). */
  abstract get checkedOut(): number;
  /** Connections beyond `size` (QueuePool; negative while fewer than `size` exist). */
  abstract get overflow(): number;
  /** One-line summary in SQLAlchemy's format. */
  abstract status(): string;

  /** An idle or newly reserved slot, or undefined when the caller must wait. */
  protected abstract _tryGet(): ConnectionRecord<C> | undefined;
  /** Takes back a returned record that still has its connection; false means "close it". */
  protected abstract _keep(record: ConnectionRecord<C>): boolean;
  /** The record's slot is gone (its connection is closed or was never made). */
  protected abstract _onDrop(record: ConnectionRecord<C>): void;
  /** Removes a specific idle record; false when it is not idle here. */
  protected abstract _removeIdle(record: ConnectionRecord<C>): boolean;
  /** Removes and returns every idle record (for dispose). */
  protected abstract _takeIdle(): ConnectionRecord<C>[];

  /** The idle record `_tryGet()` would hand out next, without taking it; undefined when none. */
  protected _peekIdle(): ConnectionRecord<C> | undefined {
    return undefined;
  }

  /** Waits for a slot; only pools with a limit wait. */
  protected _waitGet(): Promise<ConnectionRecord<C>> {
    return Promise.reject(new InvalidRequestError(`${this.constructor.name} cannot wait`));
  }

  /** Whether a leaked checkout's connection is closed (true) or reset and kept (shared pools). */
  protected get _closesLeaked(): boolean {
    return true;
  }

  /**
   * Checks out a connection: an idle one when there is one, else a new one within the limits,
   * else (QueuePool) waits up to `timeout` seconds.
   */
  async checkout(): Promise<PooledConnection<C>> {
    const site = this._storeTraceback ? captureSite(Pool.prototype.checkout) : undefined;
    let record = this._tryGet();
    if (record === undefined) record = await this._waitGet();
    record.holders++;
    if (site !== undefined) record.site = site;
    if (
      record.connection === null ||
      !this._simple ||
      record.id < this._staleBefore ||
      record.softInvalid ||
      this._events.checkout.length !== 0
    ) {
      return this._prepareCheckout(record, site);
    }
    if (this._echoInfo) this._log.info(`Connection ${record.label()} checked out from pool`);
    return this._handOut(new Handle<C>(this, record), site);
  }

  /**
   * Checks out an idle connection synchronously when nothing has to happen first (no connect,
   * recycle, pre-ping, checkout listener, echo or recorded traceback, and a class that does
   * not override `checkout()`); undefined otherwise, and then the caller uses `checkout()`.
   *
   * @example
   * ```ts
   * const handle = pool.checkoutNow() ?? (await pool.checkout());
   * ```
   */
  checkoutNow(): PooledConnection<C> | undefined {
    if (
      !this._plainCheckout ||
      !this._simple ||
      this._echoInfo ||
      this._storeTraceback ||
      this._events.checkout.length !== 0
    ) {
      return undefined;
    }
    const idle = this._peekIdle();
    if (
      idle === undefined ||
      idle.connection === null ||
      idle.id < this._staleBefore ||
      idle.softInvalid
    ) {
      return undefined;
    }
    const record = this._tryGet() as ConnectionRecord<C>;
    record.holders++;
    return this._handOut(new Handle<C>(this, record), undefined);
  }

  /** Adds an event listener; returns a function that removes it. */
  on(event: PoolEventName, listener: PoolListener): () => void {
    return this._events.on(event, listener);
  }

  /** Removes an event listener added with `on`. */
  off(event: PoolEventName, listener: PoolListener): void {
    this._events.off(event, listener);
  }

  /**
   * Drops a connection that died while idle (e.g. the driver reported an error on it): an idle
   * one is closed and its slot freed now; a checked-out one is closed when it is returned.
   */
  invalidateIdle(connection: C, error?: unknown): void {
    const record = this._life.recordOf(connection);
    if (record === undefined || record.dropped) return;
    if (record.holders === 0 && this._removeIdle(record)) {
      this._background(this._life.invalidate(record, error).then(() => this._drop(record)));
    } else {
      this._softInvalidate(record, error);
    }
  }

  /** Marks every connection created before now as stale: each is replaced at its next checkout. */
  invalidateStale(): void {
    this._staleBefore = this._life.counter.next;
  }

  /**
   * Closes every idle connection. Checked-out connections are closed when returned instead of
   * being pooled. The pool stays usable and opens new connections on demand.
   */
  async dispose(): Promise<void> {
    this._epoch++;
    const idle = this._takeIdle();
    await Promise.all(
      idle.map(async (record) => {
        await this._life.close(record);
        this._drop(record);
      }),
    );
    if (this._echoInfo) this._log.info(`Pool disposed. ${this.status()}`);
  }

  /** A new, empty pool of the same class with the same ops, options and listeners. */
  recreate(): Pool<C> {
    if (this._echoInfo) this._log.info('Pool recreating');
    const Class = this.constructor as new (ops: PoolOps<C>, options?: PoolOptions) => Pool<C>;
    const next = new Class(this._ops, this._rawOptions);
    this._events.copyTo(next._events);
    next._life.counter = this._life.counter;
    return next;
  }

  /** A new slot of the current dispose generation. */
  protected _newRecord(): ConnectionRecord<C> {
    return new ConnectionRecord<C>(this._epoch);
  }

  /** Gives up a slot once (its connection already closed or never made). */
  protected _drop(record: ConnectionRecord<C>): void {
    if (record.dropped) return;
    record.dropped = true;
    this._onDrop(record);
  }

  /** @internal */
  _releaseHandle(handle: Handle<C>): Promise<void> {
    try {
      this._leaks.untrack(handle);
      const record = handle._record;
      const connection = handle._conn;
      // Nothing to reset, log or announce: take the connection back now, without the awaits
      // of the general return pipeline (the common case for a connection whose work ended).
      if (
        !this._echoInfo &&
        this._events.checkin.length === 0 &&
        record.connection === connection &&
        connection !== null &&
        this._life.quietReset(connection, this._opts.resetOnReturn)
      ) {
        if (--record.holders > 0 || record.dropped) return DONE;
        if (!record.softInvalid && record.epoch === this._epoch && this._keep(record)) return DONE;
        return this._closeReturned(record);
      }
      return this._returnRecord(record, connection, false);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** @internal */
  async _invalidateHandle(handle: Handle<C>, error: unknown): Promise<void> {
    this._leaks.untrack(handle);
    const record = handle._record;
    if (record.connection === handle._conn) await this._life.invalidate(record, error);
    if (this._events.checkin.length !== 0) {
      this._events.emit('checkin', this._log, null, record.info);
    }
    await this._checkin(record);
  }

  /** @internal */
  _softInvalidate(record: ConnectionRecord<C>, error: unknown): void {
    this._life.softInvalidate(record, error);
  }

  private _handOut(handle: Handle<C>, site: { stack?: string } | undefined): Handle<C> {
    const record = handle._record;
    record.fresh = false;
    this._leaks.track(handle, site);
    return handle;
  }

  private async _prepareCheckout(
    record: ConnectionRecord<C>,
    site: { stack?: string } | undefined,
  ): Promise<PooledConnection<C>> {
    try {
      await this._refresh(record);
      if (this._echoInfo) this._log.info(`Connection ${record.label()} checked out from pool`);
      const handle = new Handle<C>(this, record);
      for (let attempt = 1; ; attempt++) {
        let failure: unknown = undefined;
        let poolWide = false;
        if (this._opts.prePing && record.holders === 1) {
          if (!record.fresh) {
            failure = await this._life.ping(record);
            poolWide = failure !== undefined;
          } else if (this._life.echoDebug) {
            this._log.debug(`Connection ${record.label()} is fresh, skipping pre-ping`);
          }
        }
        if (failure === undefined && this._events.checkout.length !== 0) {
          const { connection, info } = record;
          failure = this._events.emit('checkout', this._log, connection, info, handle);
        }
        if (failure === undefined) return this._handOut(handle, site);
        if (attempt >= MAX_CHECKOUT_ATTEMPTS) {
          if (this._echoInfo) this._log.info('Reconnection attempts exhausted on checkout');
          await this._life.invalidate(record, failure);
          throw new DisconnectionError(
            `A connection was found dead at checkout ${MAX_CHECKOUT_ATTEMPTS} times in a row ` +
              `(pre-ping or a checkout listener); giving up. Check that the database is reachable. ` +
              `Last reason: ${describeError(failure)}`,
            { cause: failure },
          );
        }
        if (this._echoInfo) {
          this._log.info(
            poolWide
              ? `Disconnection detected on checkout, invalidating all pooled connections prior to current timestamp (reason: ${describeError(failure)})`
              : `Disconnection detected on checkout, invalidating individual connection ${record.label()} (reason: ${describeError(failure)})`,
          );
        }
        if (poolWide) this.invalidateStale();
        await this._life.invalidate(record, failure);
        await this._life.connect(record);
        handle._conn = record.connection as C;
      }
    } catch (error) {
      await this._checkin(record);
      throw error;
    }
  }

  /** Connects an empty record, or replaces a recycled, stale or soft-invalidated connection. */
  private async _refresh(record: ConnectionRecord<C>): Promise<void> {
    if (record.connection === null) return this._life.connect(record);
    // A shared record (StaticPool) in use by another holder is never closed under it.
    if (record.holders > 1) return;
    let why: string;
    if (this._opts.recycle >= 0 && Date.now() - record.createdAt > this._opts.recycle * 1000) {
      why = 'exceeded timeout';
    } else if (record.id < this._staleBefore) {
      why = 'invalidated due to pool invalidation';
    } else if (record.softInvalid) {
      why = 'invalidated due to local soft invalidation';
    } else {
      return;
    }
    if (this._echoInfo) this._log.info(`Connection ${record.label()} ${why}; recycling`);
    await this._life.close(record);
    await this._life.connect(record);
  }

  /** Resets (or, for a leak, closes) a returned connection and hands its record back. */
  private async _returnRecord(
    record: ConnectionRecord<C>,
    connection: C | null,
    terminate: boolean,
  ): Promise<void> {
    if (this._echoInfo) this._log.info(`Connection ${record.label()} being returned to pool`);
    if (record.connection === connection && connection !== null) {
      if (terminate) {
        const leaked = new InvalidRequestError(
          'connection was garbage-collected without being released',
        );
        await this._life.invalidate(record, leaked);
      } else await this._life.reset(record, connection, this._opts.resetOnReturn);
    }
    if (this._events.checkin.length !== 0) {
      const live = record.connection === connection ? connection : null;
      this._events.emit('checkin', this._log, live, record.info);
    }
    await this._checkin(record);
  }

  /** One holder is done with the record: keep it, or close it and free its slot. */
  private async _checkin(record: ConnectionRecord<C>): Promise<void> {
    if (--record.holders > 0 || record.dropped) return;
    if (record.connection !== null) {
      if (!record.softInvalid && record.epoch === this._epoch && this._keep(record)) return;
      await this._closeReturned(record);
      return;
    }
    this._drop(record);
  }

  /** Closes a returned connection the pool does not keep, and frees its slot. */
  private async _closeReturned(record: ConnectionRecord<C>): Promise<void> {
    if (this._echoInfo && record.softInvalid) {
      this._log.info(`Connection ${record.label()} was soft-invalidated; closing on return`);
    }
    await this._life.close(record);
    this._drop(record);
  }

  private _reclaimLeak(record: ConnectionRecord<C>, site: { stack?: string } | undefined): void {
    if (record.dropped || record.holders === 0) return;
    const close = this._closesLeaked;
    this._log.warn(leakWarning(record.label(), close, site));
    if (site === undefined) this._storeTraceback = true;
    // A shared connection still held by others is only let go of, not reset under them.
    const done =
      close || record.holders === 1
        ? this._returnRecord(record, record.connection, close)
        : this._checkin(record);
    this._background(done);
  }

  /** Runs pool housekeeping that nobody awaits; a failure is logged, never left unhandled. */
  private _background(work: Promise<unknown>): void {
    work.catch((error: unknown) => {
      this._log.error(`Pool housekeeping failed: ${describeError(error)}`);
    });
  }
}
