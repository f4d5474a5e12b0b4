/**
 * The session's synchronous bookkeeping: attaching and detaching instances, marking deletions,
 * expiring, and restoring in-memory state when a transaction rolls back. No I/O here; these
 * are SQLAlchemy's `_save_impl`, `_update_impl`, `_delete_impl`, `_expunge_states` and
 * `_restore_snapshot`, with the state transitions (and their events) of §3.2.
 */
import { InvalidRequestError } from '../../errors.js';
import { dispatchSync } from '../events.js';
import type { InstanceState } from '../state/instance-state.js';
import type { Session } from './session.js';
import type { SessionTransaction } from './session-transaction.js';

function alreadyAttached(session: Session, state: InstanceState): InvalidRequestError {
  return new InvalidRequestError(
    `Object '${state.describe()}' is already attached to session '${state.session!.hashKey}' (this is '${session.hashKey}')`,
  );
}

function wasDeletedError(state: InstanceState): InvalidRequestError {
  return new InvalidRequestError(
    `Instance '${state.describe()}' has been deleted.  Use the make_transient() function to send this object back to the transient state.`,
  );
}

/** `add()`: transient → pending, detached → persistent; persistent stays. */
export function attach(session: Session, state: InstanceState): void {
  if (state.session !== undefined && state.session !== session) {
    throw alreadyAttached(session, state);
  }
  if (state.key === undefined) {
    if (state.session === session) return; // already pending
    session._beforeStateChange();
    state.session = session;
    session._new.add(state);
    if (session.events.has('transientToPending')) {
      dispatchSync(session.events, 'transientToPending', session, state.obj);
    }
    return;
  }
  if (state.deleted || state.wasDeleted) throw wasDeletedError(state);
  if (state.session === session) {
    if (session._deleted.delete(state) && state.modified) session._dirty.add(state);
    return;
  }
  session._beforeStateChange();
  const existing = session.identityMap.object(state.mapper, state.key);
  if (existing !== undefined && existing !== state.obj) {
    throw new InvalidRequestError(
      `Can't attach instance ${state.describe()}; another instance with key ${describeKey(state)} is already present in this session.`,
    );
  }
  session.identityMap.add(state);
  state.session = session;
  if (state.modified) session._dirty.add(state);
  if (session.events.has('detachedToPersistent')) {
    dispatchSync(session.events, 'detachedToPersistent', session, state.obj);
  }
}

/** `delete()`: marks a persistent (or detached) instance for deletion at the next flush. */
export function markDeleted(session: Session, state: InstanceState): void {
  if (state.key === undefined) {
    throw new InvalidRequestError(`Instance '${state.describe()}' is not persisted`);
  }
  if (state.session !== undefined && state.session !== session) {
    throw alreadyAttached(session, state);
  }
  session._beforeStateChange();
  if (state.session === undefined) {
    if (state.wasDeleted) throw wasDeletedError(state);
    attach(session, state);
  } else if (state.deleted) {
    // Deleted again after its DELETE was flushed: flushed again (and warned about) as SQLAlchemy does.
    state.deleted = false;
  }
  session._deleted.add(state);
}

/** `expunge()` of one instance: pending → transient, persistent/deleted → detached. */
export function detach(session: Session, state: InstanceState): void {
  const wasPending = state.key === undefined;
  session._new.delete(state);
  session._dirty.delete(state);
  session._deleted.delete(state);
  for (let t = session._transaction; t !== undefined; t = t.parent) {
    t.new.delete(state);
    t.deleted.delete(state);
    t.dirty.delete(state);
  }
  session.identityMap.remove(state);
  state.session = undefined;
  if (state.deleted) {
    state.deleted = false;
    state.wasDeleted = true;
  }
  const event = wasPending ? 'pendingToTransient' : 'persistentToDetached';
  if (session.events.has(event)) dispatchSync(session.events, event, session, state.obj);
}

/**
 * `expungeAll()` / `close()`: detaches every instance, keeping their values. Instances are not
 * visited one by one: replacing the session's epoch token detaches every state attached before it
 * (see `InstanceState.session`), so the cost does not grow with the identity map. Only
 * instances whose DELETE was flushed are visited (they become "was deleted"), and every
 * instance when lifecycle listeners need the events.
 */
export function detachAll(session: Session): void {
  const events = session.events;
  const detachedEvent = events.has('persistentToDetached');
  const pendingEvent = events.has('pendingToTransient');
  const persistent = detachedEvent ? session.identityMap.allStates() : [];
  const pending = pendingEvent ? [...session._new] : [];
  for (let t = session._transaction; t !== undefined; t = t.parent) {
    for (const s of t.deleted) {
      if (s.session !== session) continue;
      s.deleted = false;
      s.wasDeleted = true;
      persistent.push(s);
    }
    t.new.clear();
    t.deleted.clear();
    t.dirty.clear();
  }
  session._token = { owner: session };
  session.identityMap.clear();
  session._new.clear();
  session._dirty.clear();
  session._deleted.clear();
  if (detachedEvent) {
    for (const s of persistent) dispatchSync(events, 'persistentToDetached', session, s.obj);
  }
  for (const s of pending) dispatchSync(events, 'pendingToTransient', session, s.obj);
}

/**
 * Restores in-memory state after a rollback of `transactions` (innermost first): instances
 * added in them become transient, instances deleted in them come back, and instances are
 * expired — all of them for a root rollback, only those changed inside for a savepoint.
 */
export function restoreSnapshot(
  session: Session,
  transactions: readonly SessionTransaction[],
  dirtyOnly: boolean,
): void {
  const events = session.events;
  const toTransient = new Set<InstanceState>(session._new);
  const toRestore = new Set<InstanceState>(session._deleted);
  const toExpire = new Set<InstanceState>(session._dirty);
  for (const t of transactions) {
    for (const s of t.new) toTransient.add(s);
    for (const s of t.deleted) toRestore.add(s);
    for (const s of t.dirty) toExpire.add(s);
    t.new.clear();
    t.deleted.clear();
    t.dirty.clear();
  }
  session._new.clear();
  session._deleted.clear();
  session._dirty.clear();
  for (const s of toTransient) {
    if (s.session !== session) continue;
    const flushed = s.key !== undefined;
    session.identityMap.remove(s);
    s.key = undefined;
    s.session = undefined;
    s.deleted = false;
    s.commitChanges();
    const event = flushed ? 'persistentToTransient' : 'pendingToTransient';
    if (events.has(event)) dispatchSync(events, event, session, s.obj);
  }
  for (const s of toRestore) {
    if (s.session !== session) continue;
    const wasFlushed = s.deleted;
    s.deleted = false;
    if (session.identityMap.object(s.mapper, s.key!) === undefined) session.identityMap.add(s);
    toExpire.add(s);
    if (wasFlushed && events.has('deletedToPersistent')) {
      dispatchSync(events, 'deletedToPersistent', session, s.obj);
    }
  }
  if (dirtyOnly) {
    for (const s of toExpire) if (s.session === session) s.expireAll();
  } else {
    session.identityMap.expireAll();
  }
}

/** Detaches the instances deleted in a committed transaction (deleted → detached). */
export function detachDeleted(session: Session, states: Iterable<InstanceState>): void {
  const event = session.events.has('deletedToDetached');
  for (const s of states) {
    if (s.session !== session) continue;
    s.session = undefined;
    s.deleted = false;
    s.wasDeleted = true;
    if (event) dispatchSync(session.events, 'deletedToDetached', session, s.obj);
  }
}

function describeKey(state: InstanceState): string {
  return `(${state.mapper.name}, (${state
    .identityValues()
    .map((v) => (typeof v === 'string' ? `'${v}'` : String(v)))
    .join(', ')},))`;
}
