/**
 * The Session's core: the objects it tracks (pending, persistent in the identity map, changed,
 * marked for deletion), the unit of work (`flush()`), and the transaction it runs everything
 * in, begun at the first statement and ended at `commit()`, `rollback()` or `close()`.
 * Calls that may do I/O return Promises; bookkeeping calls are synchronous, as in SQLAlchemy's
 * AsyncSession. A session serves one task at a time: a second async call while one is in
 * flight raises.
 */
import { InvalidRequestError } from '../../errors.js';
import { BusyGuard } from './busy-guard.js';
import type { Session } from './session.js';
import { EntityLoader } from '../query/loading.js';
import type { Mapper } from '../mapping/mapper.js';
import { SessionEvents, type SessionEventMap, type SessionEventName } from '../events.js';
import { IdentityMap } from '../identity-map.js';
import { requireState } from '../mapping/registry.js';
import type { InstanceState, OwnerToken, StateOwner } from '../state/instance-state.js';
import { resolveOptions, type ResolvedSessionOptions, type SessionOptions } from './options.js';
import type { JoinTransactionMode, TransactionOwner } from './session-transaction.js';
import type { SessionTransaction } from './session-transaction.js';
import { PendingSet } from '../state/pending-set.js';
import { attach, detach, detachAll, markDeleted } from './state-ops.js';
import * as tx from './transactions.js';
import { flushSession } from './flush.js';

let sessionCount = 0;

/**
 * Everything of the Session but its queries (those are in `session.ts`): collections, state
 * changes, flush and the transaction lifecycle. Only `Session` instances exist.
 */
export abstract class SessionCore implements StateOwner, TransactionOwner {
  /** The session's number, as shown in messages (`session '2'`). */
  readonly hashKey = ++sessionCount;
  /** The identity map: one object per row. */
  readonly identityMap = new IdentityMap();
  /** Free-form data for the application; untouched by commit, rollback and close. */
  readonly info: Record<string, unknown>;
  /** Listeners of this session (the sessionmaker's also fire). */
  readonly events: SessionEvents;
  /** Flush before queries that go to the database. */
  autoflush: boolean;
  readonly expireOnCommit: boolean;
  readonly autobegin: boolean;
  readonly autocommit: boolean;
  readonly joinTransactionMode: JoinTransactionMode;
  readonly closeResetsOnly: boolean;
  /** The Engine or Connection statements run on. */
  readonly bind: unknown;

  /** @internal pending instances, in add order */
  readonly _new = new PendingSet();
  /** @internal persistent instances with changes */
  readonly _dirty = new Set<InstanceState>();
  /** @internal instances marked for deletion */
  readonly _deleted = new Set<InstanceState>();
  /** @internal the innermost transaction */
  _transaction: SessionTransaction | undefined = undefined;
  /** @internal */
  _flushing = false;
  /** @internal the transaction a `begin(callback)` scope runs */
  _scope: SessionTransaction | undefined = undefined;
  /** @internal true after close() with closeResetsOnly: false */
  _closed = false;
  /**
   * @internal The {@link OwnerToken} of the current epoch, replaced when every instance is
   * detached at once (close, expungeAll): states attached in an earlier epoch count as
   * detached, and loaders (streams included) made before refuse to load.
   */
  _token: OwnerToken = { owner: this };
  readonly #guard = new BusyGuard();
  readonly #loaders = new Map<Mapper, EntityLoader>();

  /** @internal Use a sessionmaker; `new Session(options)` also works. */
  constructor(options: SessionOptions = {}, parentEvents?: SessionEvents) {
    const o: ResolvedSessionOptions = resolveOptions(options);
    this.bind = o.bind;
    this.autoflush = o.autoflush;
    this.expireOnCommit = o.expireOnCommit;
    this.autobegin = o.autobegin;
    this.autocommit = o.autocommit;
    this.info = o.info;
    this.joinTransactionMode = o.joinTransactionMode;
    this.closeResetsOnly = o.closeResetsOnly;
    this.events = new SessionEvents(parentEvents);
  }

  // --- events ---

  /**
   * Listens to a session event; returns a function that removes the listener.
   *
   * @example
   * ```ts
   * session.on('beforeFlush', (s, ctx) => console.log(ctx.new.length, 'to insert'));
   * ```
   */
  on<K extends SessionEventName>(name: K, listener: SessionEventMap[K]): () => void {
    return this.events.on(name, listener);
  }

  // --- state and collections ---

  /** Instances added and not yet flushed. */
  get new(): ReadonlySet<object> {
    return new Set([...this._new].map((s) => s.obj));
  }

  /** Persistent instances with attribute changes (SQLAlchemy's optimistic `dirty`). */
  get dirty(): ReadonlySet<object> {
    const out = new Set<object>();
    for (const s of this._dirty) if (!this._deleted.has(s)) out.add(s.obj);
    return out;
  }

  /** Instances marked for deletion and not yet flushed. */
  get deleted(): ReadonlySet<object> {
    return new Set([...this._deleted].map((s) => s.obj));
  }

  /** True when `obj` is pending or persistent in this session (SQLAlchemy's `obj in session`). */
  contains(obj: object): boolean {
    const state = requireState(obj);
    if (state.session !== this) return false;
    return state.key === undefined ? this._new.has(state) : this.identityMap.contains(state);
  }

  /** True when a transaction has begun (it may be inactive after a failed flush). */
  inTransaction(): boolean {
    return this._transaction !== undefined;
  }

  /** True when a savepoint is open. */
  inNestedTransaction(): boolean {
    return this._transaction?.nested ?? false;
  }

  /** The root transaction, if any. */
  getTransaction(): SessionTransaction | undefined {
    return this._transaction?.root;
  }

  /** The innermost savepoint, if any. */
  getNestedTransaction(): SessionTransaction | undefined {
    for (let t = this._transaction; t !== undefined; t = t.parent) if (t.nested) return t;
    return undefined;
  }

  /** False only while a failed flush waits for `rollback()`. */
  get isActive(): boolean {
    for (let t = this._transaction; t !== undefined; t = t.parent) if (!t.isActive) return false;
    return true;
  }

  /**
   * Adds an instance: a new object becomes pending (INSERTed at the next flush); a detached
   * one becomes persistent again.
   *
   * @example
   * ```ts
   * session.add(new User({ name: 'Ann' }));
   * ```
   */
  add(obj: object): void {
    attach(this.self, requireState(obj));
  }

  /** Adds every instance of `objs`. */
  addAll(objs: Iterable<object>): void {
    const session = this.self;
    // New objects without lifecycle listeners (the bulk case) skip the per-object checks of
    // attach(): the session's own check runs once, before the first one is added.
    const fast = !this.events.has('transientToPending');
    let checked = false;
    for (const obj of objs) {
      const state = requireState(obj);
      if (fast && state.key === undefined && state.session === undefined) {
        if (!checked) {
          this._beforeStateChange();
          checked = true;
        }
        state.session = session;
        this._new.add(state);
      } else {
        attach(session, state);
      }
    }
  }

  /**
   * Marks a persistent instance for deletion; the DELETE is sent at the next flush.
   *
   * @example
   * ```ts
   * await session.delete(user);
   * ```
   */
  delete(obj: object): Promise<void> {
    try {
      markDeleted(this.self, requireState(obj));
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Removes an instance from the session (pending → transient, persistent → detached). */
  expunge(obj: object): void {
    const state = requireState(obj);
    if (state.session !== this) {
      throw new InvalidRequestError(`Instance ${state.describe()} is not present in this Session`);
    }
    detach(this.self, state);
  }

  /** Removes every instance; they keep their values. */
  expungeAll(): void {
    detachAll(this.self);
  }

  /**
   * Expires an instance's attributes (all, or the named ones): their next read raises until a
   * query, `get()` or `refresh()` loads them. Unflushed changes to them are discarded.
   */
  expire(obj: object, attributeNames?: readonly string[]): void {
    const state = this.requirePersistent(obj);
    if (attributeNames === undefined) {
      state.expireAll();
    } else {
      state.expireAttributes(attributeNames.map((k) => attributeIndex(state, k)));
    }
    if (!state.modified) this._dirty.delete(state);
  }

  /** Expires every persistent instance. */
  expireAll(): void {
    this.identityMap.expireAll();
    this._dirty.clear();
  }

  /** True when the instance has net attribute changes (or is pending). */
  isModified(obj: object): boolean {
    return requireState(obj).hasNetChanges;
  }

  /**
   * Runs `fn` with autoflush off, restoring the previous setting afterwards (even on error).
   *
   * @example
   * ```ts
   * await session.noAutoflush(async () => { session.add(u); await session.get(User, 1); });
   * ```
   */
  async noAutoflush<T>(fn: (session: this) => T | Promise<T>): Promise<T> {
    const previous = this.autoflush;
    this.autoflush = false;
    try {
      return await fn(this);
    } finally {
      this.autoflush = previous;
    }
  }

  // --- unit of work and transactions ---

  /** Writes pending changes to the database inside the current transaction. */
  async flush(): Promise<void> {
    if (this._flushing) throw new InvalidRequestError('Session is already flushing');
    this._enter('flush()');
    try {
      await flushSession(this.self);
    } finally {
      this._exit();
    }
  }

  /** Flushes, then commits the transaction (the root, even with savepoints open). */
  async commit(): Promise<void> {
    this._enter('commit()');
    try {
      await tx.commitSession(this.self);
    } finally {
      this._exit();
    }
  }

  /** Rolls back the transaction (the root); pending objects are expunged, others expired. */
  async rollback(): Promise<void> {
    this._enter('rollback()');
    try {
      await tx.rollbackSession(this.self);
    } finally {
      this._exit();
    }
  }

  /**
   * Detaches every object (they keep their values), rolls back and returns the connection.
   * The session can be used again (unless `closeResetsOnly: false`). Waits for an operation
   * still in flight instead of failing, so cleanup code can always close.
   */
  close(): Promise<void> {
    if (this.#guard.current !== undefined) return this.#closeWhenIdle();
    this._enter('close()');
    let closing: Promise<void>;
    try {
      closing = tx.closeSession(this.self, false);
    } catch (err) {
      this._exit();
      return Promise.reject(err);
    }
    // Nothing was left to roll back or return: done without another turn of the event loop.
    if (closing === tx.CLOSED) {
      this._exit();
      return closing;
    }
    return exitAfter(this, closing);
  }

  async #closeWhenIdle(): Promise<void> {
    // Check and enter in one step after each wake-up, so two closers cannot both get in.
    while (this.#guard.current !== undefined) await this.#guard.nextExit();
    this._enter('close()');
    try {
      await tx.closeSession(this.self, false);
    } finally {
      this._exit();
    }
  }

  /** Like `close()`, but the session stays usable even with `closeResetsOnly: false`. */
  async reset(): Promise<void> {
    while (this.#guard.current !== undefined) await this.#guard.nextExit();
    this._enter('reset()');
    try {
      await tx.closeSession(this.self, true);
    } finally {
      this._exit();
    }
  }

  /**
   * Begins a transaction explicitly. With a callback: runs it, commits on success, rolls back
   * on error (the session stays open). Without: returns the transaction.
   *
   * @example
   * ```ts
   * await session.begin(async (s) => { s.add(new User({ name: 'Ann' })); });
   * ```
   */
  begin(): SessionTransaction;
  begin<T>(fn: (session: this) => T | Promise<T>): Promise<T>;
  begin<T>(fn?: (session: this) => T | Promise<T>): SessionTransaction | Promise<T> {
    if (fn === undefined) return tx.beginRoot(this.self);
    let t: SessionTransaction;
    try {
      t = tx.beginRoot(this.self);
    } catch (err) {
      return Promise.reject(err);
    }
    return tx.runScope(this.self, t, () => fn(this));
  }

  /**
   * Flushes and opens a SAVEPOINT. With a callback: RELEASE on success, ROLLBACK TO SAVEPOINT
   * on error (rethrown); the outer transaction continues either way.
   *
   * @example
   * ```ts
   * await session.beginNested(async () => { session.add(maybeDuplicate); });
   * ```
   */
  async beginNested(): Promise<SessionTransaction>;
  async beginNested<T>(fn: (session: this) => T | Promise<T>): Promise<T>;
  async beginNested<T>(fn?: (session: this) => T | Promise<T>): Promise<SessionTransaction | T> {
    this._enter('beginNested()');
    let nested: SessionTransaction;
    try {
      nested = await tx.beginNested(this.self);
    } finally {
      this._exit();
    }
    if (fn === undefined) return nested;
    return tx.runScope(this.self, nested, () => fn(this));
  }

  /**
   * The connection of the session's transaction (procured now if needed), for Core
   * statements that must run inside it.
   */
  async connection(): Promise<unknown> {
    this._enter('connection()');
    try {
      return (await tx.connectionFor(this.self)).publicConnection;
    } finally {
      this._exit();
    }
  }

  /** @internal `transaction.commit()` of a transaction object of this session. */
  async commitTransaction(transaction: SessionTransaction): Promise<void> {
    this._enter('commit()');
    try {
      await tx.commitTransaction(this.self, transaction);
    } finally {
      this._exit();
    }
  }

  /** @internal `transaction.rollback()` of a transaction object of this session. */
  async rollbackTransaction(transaction: SessionTransaction): Promise<void> {
    this._enter('rollback()');
    try {
      await tx.rollbackTransaction(this.self, transaction);
    } finally {
      this._exit();
    }
  }

  /** `await using session = Session()` closes it at the end of the block. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // --- internals shared with the helper modules ---

  /** This session as the concrete Session (only Session instances exist). */
  protected get self(): Session {
    return this as unknown as Session;
  }

  /** @internal StateOwner: a persistent instance got its first change. */
  onModified(state: InstanceState): void {
    this._beforeStateChange();
    this._dirty.add(state);
    // An object a stream released from the identity map (or a weak entry that was swept)
    // rejoins it, unless the row has been loaded into another object since.
    const map = this.identityMap;
    if (!state.deleted && map.get(state.mapper, state.key!) === undefined) map.add(state);
  }

  /** @internal Checks before any change of session state: closed, closed scope, autobegin. */
  _beforeStateChange(): void {
    tx.autobeginForChange(this.self);
  }

  /** @internal Marks the session busy with `op`, or raises the concurrent-use error. */
  _enter(op: string): void {
    this.#guard.enter(op);
  }

  /** @internal */
  _exit(): void {
    this.#guard.exit();
  }

  /**
   * @internal A whole-row loader of `mapper` for `get()`/`refresh()`, kept per epoch (token) so that
   * a lookup allocates nothing but the loaded object.
   */
  _loaderFor(mapper: Mapper, populate: boolean): EntityLoader {
    if (populate)
      return new EntityLoader(this.self, mapper, mapper.allPositions, mapper.keys.length, true);
    let loader = this.#loaders.get(mapper);
    if (
      loader === undefined ||
      loader.token !== this._token ||
      loader.firesLoaded !== this.events.has('loadedAsPersistent')
    ) {
      loader = new EntityLoader(this.self, mapper, mapper.allPositions, mapper.keys.length, false);
      this.#loaders.set(mapper, loader);
    }
    return loader;
  }

  /** @internal Runs event listeners with the busy flag lifted, so they may use the session. */
  _withListeners(fn: () => Promise<void>): Promise<void> {
    return this.#guard.lifted(fn);
  }

  /** Resolves when no operation of this session is in flight. */
  whenIdle(): Promise<void> {
    return this.#guard.idle();
  }

  private requirePersistent(obj: object): InstanceState {
    const state = requireState(obj);
    if (state.session !== this || state.key === undefined) {
      throw new InvalidRequestError(
        `Instance '${state.describe()}' is not persistent within this Session`,
      );
    }
    return state;
  }
}

function attributeIndex(state: InstanceState, key: string): number {
  const i = state.mapper.indexOf(key);
  if (i < 0) {
    throw new InvalidRequestError(
      `'${key}' is not a mapped attribute of ${state.mapper.name}; attributes are ${state.mapper.keys.join(', ')}.`,
    );
  }
  return i;
}

/**
 * Marks the session idle once `work` settles. Not a closure in the caller: one there would make
 * every call allocate a context, the ones that finish at once included.
 */
function exitAfter(session: SessionCore, work: Promise<void>): Promise<void> {
  return work.then(
    () => session._exit(),
    (err: unknown) => {
      session._exit();
      throw err;
    },
  );
}
