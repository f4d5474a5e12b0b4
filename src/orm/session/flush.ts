/**
 * Flush orchestration (SQLAlchemy §3.8): `beforeFlush`, plan (pure), persist (I/O), then the
 * bookkeeping that turns pending objects persistent and deleted ones "deleted". A failure rolls
 * the database back to the nearest boundary and deactivates the transaction (§3.9).
 */
import { FlushError, InvalidRequestError } from '../../errors.js';
import { dispatch, dispatchSync, type FlushContext } from '../events.js';
import { isNullKeyPart, type IdentityKey } from '../mapping/identity-key.js';
import type { IdentityBucket } from '../identity-map.js';
import type { Mapper } from '../mapping/mapper.js';
import type { InstanceState, Stateful } from '../state/instance-state.js';
import { persist } from '../unit-of-work/persister.js';
import { planFlush } from '../unit-of-work/plan.js';
import type { Session } from './session.js';
import type { ConnectionLike } from './bind.js';
import {
  activeConnection,
  beginRoot,
  checkUsable,
  commitRootForAutocommit,
  connectionFor,
  ensureTransaction,
  failFlush,
  rollbackSession,
} from './transactions.js';

/** True when the session has anything to flush. */
export function hasChanges(session: Session): boolean {
  return session._new.size > 0 || session._dirty.size > 0 || session._deleted.size > 0;
}

function context(session: Session): FlushContext {
  return {
    new: [...session._new].map((s) => s.obj),
    dirty: [...session._dirty].filter((s) => !session._deleted.has(s)).map((s) => s.obj),
    deleted: [...session._deleted].map((s) => s.obj),
  };
}

/** Flushes the session (no-op when clean; never begins a transaction for nothing). */
export async function flushSession(session: Session): Promise<void> {
  if (!hasChanges(session)) return;
  if (session._flushing) throw new InvalidRequestError('Session is already flushing');
  if (session.autocommit && session._transaction === undefined) {
    // Legacy autocommit: the flush runs in a transaction of its own, committed at once.
    const root = beginRoot(session);
    try {
      await flushSession(session);
    } catch (err) {
      await rollbackSession(session).catch(() => undefined);
      throw err;
    }
    await commitRootForAutocommit(session, root);
    return;
  }
  session._flushing = true;
  try {
    if (session.events.has('beforeFlush')) {
      const ctx = context(session);
      await session._withListeners(() => dispatch(session.events, 'beforeFlush', session, ctx));
      if (!hasChanges(session)) return;
    }
    await flushInTransaction(session);
  } finally {
    session._flushing = false;
  }
}

/** The states of `set` as an array; sets are often empty, and then share one empty array. */
function listOf(set: ReadonlySet<InstanceState>): readonly InstanceState[] {
  return set.size === 0 ? NONE : Array.from(set);
}

const NONE: readonly InstanceState[] = Object.freeze([]);

/** The connection of the session's active root transaction, or undefined (then procure it). */
function rootConnection(session: Session): ConnectionLike | undefined {
  const t = session._transaction;
  if (t === undefined || t.parent !== undefined) return undefined;
  checkUsable(session);
  return activeConnection(session);
}

async function flushInTransaction(session: Session): Promise<void> {
  let conn = rootConnection(session);
  if (conn === undefined) {
    ensureTransaction(session).assertActive();
    conn = await connectionFor(session);
  }
  const transaction = session._transaction!;
  const newStates = session._new.size === 0 ? NONE : session._new.toArray();
  const dirtyStates = listOf(session._dirty);
  const deletedStates = listOf(session._deleted);
  const ctx =
    session.events.has('afterFlush') || session.events.has('afterFlushPostexec')
      ? context(session)
      : undefined;
  let keys: IdentityKey[];
  try {
    const steps = planFlush(newStates, dirtyStates, deletedStates);
    await persist(steps, conn);
    keys = newKeys(newStates);
  } catch (err) {
    await failFlush(session, transaction, err);
    throw err;
  }
  if (ctx !== undefined && session.events.has('afterFlush')) {
    await session._withListeners(() => dispatch(session.events, 'afterFlush', session, ctx));
  }
  finalize(session, newStates, keys, dirtyStates, deletedStates);
  if (ctx !== undefined && session.events.has('afterFlushPostexec')) {
    await session._withListeners(() =>
      dispatch(session.events, 'afterFlushPostexec', session, ctx),
    );
  }
}

function newKeys(states: readonly InstanceState[]): IdentityKey[] {
  const keys = new Array<IdentityKey>(states.length);
  for (let i = 0; i < states.length; i++) {
    const s = states[i]!;
    const pk = s.mapper.pk;
    for (let j = 0; j < pk.length; j++) {
      if (isNullKeyPart(s.values[pk[j]!])) {
        throw new FlushError(
          `Instance ${s.describe()} has a NULL identity key.  If this is an auto-generated value, check that the database table allows generation of new primary key values, and that the mapped Column object is configured to expect these generated values.  Ensure also that this flush() is not occurring at an inappropriate time, such as within a load() event.`,
        );
      }
    }
    keys[i] = s.mapper.identityKeyOf(s.values);
  }
  return keys;
}

function isKeyed(state: InstanceState): boolean {
  return state.key !== undefined;
}

function finalize(
  session: Session,
  inserted: readonly InstanceState[],
  keys: readonly IdentityKey[],
  dirty: readonly InstanceState[],
  deleted: readonly InstanceState[],
): void {
  const t = session._transaction!;
  const map = session.identityMap;
  const deletedSet = new Set(deleted);
  const pending = session._new;
  let mapper: Mapper | undefined;
  let bucket: IdentityBucket | undefined;
  for (let i = 0; i < inserted.length; i++) {
    const s = inserted[i]!;
    const key = keys[i]!;
    s.key = key;
    s.commitChanges();
    // Flushes insert rows of one class in runs: look its bucket up once per run.
    if (s.mapper !== mapper) {
      mapper = s.mapper;
      bucket = map.bucket(mapper);
    }
    bucket!.set(key, s.obj as Stateful);
  }
  // `inserted` is this flush's own array: the transaction keeps it as it is.
  t.new.addBatch(inserted);
  // Usually the pending set holds exactly the states just inserted: then it is emptied at
  // once instead of entry by entry. A state added while the flush ran has no key yet, which
  // tells the two cases apart.
  if (pending.size === inserted.length && pending.every(isKeyed)) pending.clear();
  else for (const s of inserted) pending.delete(s);
  for (const s of dirty) {
    session._dirty.delete(s);
    if (deletedSet.has(s) || s.session !== session) continue;
    if (s.committed !== undefined) {
      const newKey = s.mapper.identityKeyOf(s.values);
      if (newKey !== s.key) {
        map.remove(s);
        s.key = newKey;
        map.add(s);
      }
      t.dirty.add(s);
    }
    s.commitChanges();
  }
  for (const s of deleted) {
    map.remove(s);
    s.deleted = true;
    s.commitChanges();
    session._deleted.delete(s);
    t.deleted.add(s);
  }
  const events = session.events;
  if (events.has('pendingToPersistent')) {
    for (const s of inserted) dispatchSync(events, 'pendingToPersistent', session, s.obj);
  }
  if (events.has('persistentToDeleted')) {
    for (const s of deleted) dispatchSync(events, 'persistentToDeleted', session, s.obj);
  }
}
