/**
 * Session events (SQLAlchemy's SessionEvents, camelCased). Listeners attach to one session
 * (`session.on(...)`) or to a sessionmaker (`Session.on(...)`, for every session it makes,
 * including ones made before). Transaction and flush events may return a Promise, which is
 * awaited; lifecycle events (`pendingToPersistent`, `loadedAsPersistent`, …) fire inside hot
 * loops and must be synchronous.
 */
import type { Session } from './session/session.js';
import type { SessionTransaction } from './session/session-transaction.js';

/** What flush events receive besides the session. */
export interface FlushContext {
  /** Instances pending INSERT when the flush started. */
  readonly new: readonly object[];
  /** Instances with changes when the flush started. */
  readonly dirty: readonly object[];
  /** Instances marked for deletion when the flush started. */
  readonly deleted: readonly object[];
}

type Awaitable = void | Promise<void>;
type Lifecycle = (session: Session, instance: object) => void;

/** Every session event and its listener signature. */
export interface SessionEventMap {
  /** Start of a flush; may add, change or delete objects (they are included). */
  beforeFlush: (session: Session, context: FlushContext) => Awaitable;
  /** SQL of the flush was sent; `session.new/dirty/deleted` still show what was flushed. */
  afterFlush: (session: Session, context: FlushContext) => Awaitable;
  /** After the flush's bookkeeping (objects are persistent/deleted now). */
  afterFlushPostexec: (session: Session, context: FlushContext) => Awaitable;
  /** Before `commit()` flushes and COMMITs; may emit SQL. */
  beforeCommit: (session: Session) => Awaitable;
  /** After COMMIT, before expiry; no SQL may be emitted here. */
  afterCommit: (session: Session) => Awaitable;
  /** After a real database ROLLBACK of the session's transaction. */
  afterRollback: (session: Session) => Awaitable;
  /** After any rollback, including a savepoint's. */
  afterSoftRollback: (session: Session, previous: SessionTransaction) => Awaitable;
  /** A connection joined the session's transaction (first SQL of the transaction). */
  afterBegin: (session: Session, transaction: SessionTransaction, connection: unknown) => Awaitable;
  afterTransactionCreate: (session: Session, transaction: SessionTransaction) => void;
  afterTransactionEnd: (session: Session, transaction: SessionTransaction) => void;
  transientToPending: Lifecycle;
  pendingToTransient: Lifecycle;
  pendingToPersistent: Lifecycle;
  persistentToTransient: Lifecycle;
  loadedAsPersistent: Lifecycle;
  persistentToDeleted: Lifecycle;
  deletedToPersistent: Lifecycle;
  deletedToDetached: Lifecycle;
  persistentToDetached: Lifecycle;
  detachedToPersistent: Lifecycle;
}

/** The name of a session event. */
export type SessionEventName = keyof SessionEventMap;

const EMPTY: readonly never[] = Object.freeze([]);

/**
 * Listeners of one session or one sessionmaker; a session's registry chains to its maker's.
 *
 * @example
 * ```ts
 * const off = session.events.on('afterCommit', () => console.log('committed'));
 * off();
 * ```
 */
export class SessionEvents {
  private readonly map = new Map<SessionEventName, ((...args: never[]) => unknown)[]>();

  constructor(private readonly parent?: SessionEvents) {}

  /** Adds a listener; returns a function that removes it. */
  on<K extends SessionEventName>(name: K, listener: SessionEventMap[K]): () => void {
    const fn = listener as (...args: never[]) => unknown;
    const list = this.map.get(name);
    if (list === undefined) this.map.set(name, [fn]);
    else this.map.set(name, [...list, fn]); // copy: a dispatch in progress keeps its array
    return () => this.off(name, listener);
  }

  /** Removes a listener. */
  off<K extends SessionEventName>(name: K, listener: SessionEventMap[K]): void {
    const list = this.map.get(name);
    if (list === undefined) return;
    const next = list.filter((f) => f !== (listener as unknown));
    if (next.length === 0) this.map.delete(name);
    else this.map.set(name, next);
  }

  /** The listeners of an event: the maker's first, then the session's own. */
  listeners<K extends SessionEventName>(name: K): readonly SessionEventMap[K][] {
    const own = this.map.get(name) as SessionEventMap[K][] | undefined;
    const inherited = this.parent?.listeners(name) ?? EMPTY;
    if (own === undefined) return inherited;
    return inherited.length === 0 ? own : [...inherited, ...own];
  }

  /** True when the event has any listener. */
  has(name: SessionEventName): boolean {
    // Most registries are empty: the size test spares the hot paths a hash lookup per level.
    if (this.map.size !== 0 && this.map.has(name)) return true;
    return this.parent !== undefined && this.parent.has(name);
  }
}

/** Calls listeners in order, awaiting any that return a Promise. */
export async function dispatch<K extends SessionEventName>(
  events: SessionEvents,
  name: K,
  ...args: Parameters<SessionEventMap[K]>
): Promise<void> {
  for (const fn of events.listeners(name)) {
    const result = (fn as (...a: Parameters<SessionEventMap[K]>) => unknown)(...args);
    if (result !== undefined && typeof (result as Promise<void>).then === 'function') {
      await result;
    }
  }
}

/** Calls synchronous listeners in order. */
export function dispatchSync<K extends SessionEventName>(
  events: SessionEvents,
  name: K,
  ...args: Parameters<SessionEventMap[K]>
): void {
  for (const fn of events.listeners(name)) {
    (fn as (...a: Parameters<SessionEventMap[K]>) => unknown)(...args);
  }
}
