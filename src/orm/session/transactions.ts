/**
 * The session's transaction lifecycle (SQLAlchemy §3.4–3.5, §3.9, §3.11): autobegin, explicit
 * begin, savepoints, commit, rollback, close, and procuring the connection. Every function
 * takes the session; the public methods of `Session` guard against concurrent use and call in.
 */
import { FlushError, InvalidRequestError, ResourceClosedError } from '../../errors.js';
import { dispatch, dispatchSync } from '../events.js';
import type { ConnectionLike } from './bind.js';
import { resolveBind } from './bind-adapter.js';
import { flushSession, hasChanges } from './flush.js';
import type { Session } from './session.js';
import { SessionTransaction, type TransactionOrigin } from './session-transaction.js';
import { detachAll, detachDeleted, restoreSnapshot } from './state-ops.js';
import { emitWarning } from '../warnings.js';

/** Raises when the session cannot take new work: permanently closed, or a finished scope. */
export function checkUsable(session: Session): void {
  if (session._closed) {
    throw new InvalidRequestError(
      'This Session has been permanently closed and is unable to handle any more transaction requests.',
    );
  }
  const scope = session._scope;
  if (scope !== undefined && (scope.state === 'closed' || scope.state === 'committed')) {
    throw new InvalidRequestError(
      "Can't operate on closed transaction inside context manager.  Please complete the context manager before emitting further commands.",
    );
  }
}

function newTransaction(
  session: Session,
  parent: SessionTransaction | undefined,
  origin: TransactionOrigin,
): SessionTransaction {
  const t = new SessionTransaction(parent, origin, session);
  session._transaction = t;
  if (session.events.has('afterTransactionCreate')) {
    dispatchSync(session.events, 'afterTransactionCreate', session, t);
  }
  return t;
}

/** The current transaction, autobegun when there is none. */
export function ensureTransaction(session: Session): SessionTransaction {
  checkUsable(session);
  const current = session._transaction;
  if (current !== undefined) return current;
  if (!session.autobegin) {
    throw new InvalidRequestError(
      'Autobegin is disabled on this Session; please call session.begin() to start a new transaction',
    );
  }
  return newTransaction(session, undefined, 'autobegin');
}

/** Before `add`/`delete`/an attribute change: autobegin (except in legacy autocommit mode). */
export function autobeginForChange(session: Session): void {
  if (session.autocommit) checkUsable(session);
  else ensureTransaction(session);
}

/** `session.begin()`. */
export function beginRoot(session: Session): SessionTransaction {
  checkUsable(session);
  if (session._transaction !== undefined) {
    throw new InvalidRequestError('A transaction is already begun on this Session.');
  }
  return newTransaction(session, undefined, 'begin');
}

/** The connection of the current transaction, procured (connect + BEGIN) on first use. */
export async function connectionFor(session: Session): Promise<ConnectionLike> {
  const t = ensureTransaction(session);
  t.assertActive();
  const root = t.root;
  const existing = root.connection;
  if (existing !== undefined) return existing;
  const bind = resolveBind(session);
  const conn =
    bind.engine !== undefined
      ? await root.procureFromEngine(bind.engine)
      : await root.procureFromConnection(bind.connection, session.joinTransactionMode);
  if (session.events.has('afterBegin')) {
    await session._withListeners(() =>
      dispatch(session.events, 'afterBegin', session, root, conn.publicConnection),
    );
  }
  return conn;
}

/**
 * The connection of an active transaction that already has one, or undefined: the
 * synchronous fast path of every statement after the first in a transaction.
 */
export function activeConnection(session: Session): ConnectionLike | undefined {
  const t = session._transaction;
  if (t === undefined || t.state !== 'active') return undefined;
  const root = t.root;
  return root === t || root.state === 'active' ? root.connection : undefined;
}

/**
 * Runs `fn` on the session's connection; in legacy autocommit mode with no transaction, on a
 * connection of its own that is committed and returned at once.
 */
export async function withConnection<T>(
  session: Session,
  fn: (conn: ConnectionLike) => Promise<T>,
): Promise<T> {
  if (!session.autocommit || session._transaction !== undefined) {
    return fn(activeConnection(session) ?? (await connectionFor(session)));
  }
  checkUsable(session);
  const bind = resolveBind(session);
  if (bind.engine === undefined) return fn(bind.connection);
  const conn = await bind.engine.connect();
  try {
    const t = await conn.begin();
    const result = await fn(conn);
    await t.commit();
    return result;
  } finally {
    await conn.close();
  }
}

/** `session.beginNested()`: flush, then SAVEPOINT. */
export async function beginNested(session: Session): Promise<SessionTransaction> {
  checkUsable(session);
  if (hasChanges(session)) await flushSession(session);
  const conn = await connectionFor(session);
  const parent = session._transaction!;
  const nested = newTransaction(session, parent, 'beginNested');
  try {
    await nested.openSavepoint(conn);
  } catch (err) {
    nested.state = 'closed';
    session._transaction = parent;
    throw err;
  }
  return nested;
}

/** Runs a `begin(callback)` scope: commit on success, rollback on error (rethrown). */
export async function runScope<T>(
  session: Session,
  t: SessionTransaction,
  fn: () => T | Promise<T>,
): Promise<T> {
  const previous = session._scope;
  session._scope = t;
  t.inScope = true;
  try {
    const result = await fn();
    // A deactivated transaction (a failed flush the callback caught) raises here, as
    // SQLAlchemy's context manager does when it tries to commit it.
    if (t.state === 'active' || t.state === 'deactive') await t.commit();
    return result;
  } catch (err) {
    // The callback or the commit failed: roll this transaction back (a failed commit flush
    // leaves it deactivated) and rethrow the original error.
    if (t.state === 'active' || t.state === 'deactive') await t.rollback();
    throw err;
  } finally {
    session._scope = previous;
    t.inScope = false;
  }
}

/** The open transactions from the innermost up to (and including) `until`. */
function chainUpTo(session: Session, until: SessionTransaction): SessionTransaction[] {
  const out: SessionTransaction[] = [];
  for (let t = session._transaction; t !== undefined; t = t.parent) {
    out.push(t);
    if (t === until) return out;
  }
  throw new ResourceClosedError('This transaction is closed');
}

function mergeInto(target: SessionTransaction, from: SessionTransaction): void {
  for (const s of from.new) target.new.add(s);
  for (const s of from.deleted) target.deleted.add(s);
  for (const s of from.dirty) target.dirty.add(s);
}

/** `session.commit()`. */
export async function commitSession(session: Session): Promise<void> {
  let t = session._transaction;
  if (t === undefined) {
    checkUsable(session);
    if (session.autocommit) {
      await flushSession(session);
      return;
    }
    t = ensureTransaction(session);
  }
  await commitRoot(session, t.root);
}

/** Commits `t` (a root or a savepoint) on behalf of `t.commit()`. */
export async function commitTransaction(session: Session, t: SessionTransaction): Promise<void> {
  if (t.state === 'closed' || t.state === 'committed') {
    throw new ResourceClosedError('This transaction is closed');
  }
  if (t.nested) await commitNested(session, t);
  else await commitRoot(session, t);
}

/** Rolls back `t` (a root or a savepoint) on behalf of `t.rollback()`. */
export async function rollbackTransaction(session: Session, t: SessionTransaction): Promise<void> {
  if (t.state === 'closed' || t.state === 'committed') {
    throw new ResourceClosedError('This transaction is closed');
  }
  if (t.nested) await rollbackNested(session, t);
  else await rollbackRoot(session, t);
}

/**
 * Commits the transaction a legacy-autocommit flush opened. Objects are not expired: in that
 * mode every flush commits, and Athanor never reloads on attribute access.
 */
export function commitRootForAutocommit(session: Session, root: SessionTransaction): Promise<void> {
  return commitRoot(session, root, false);
}

async function commitRoot(
  session: Session,
  root: SessionTransaction,
  expire = session.expireOnCommit,
): Promise<void> {
  const chain = chainUpTo(session, root);
  chain[0]!.assertActive();
  if (session.events.has('beforeCommit')) {
    await session._withListeners(() => dispatch(session.events, 'beforeCommit', session));
  }
  for (let i = 0; hasChanges(session); i++) {
    if (i >= 100) {
      throw new FlushError(
        'Over 100 subsequent flushes have occurred within session.commit() - is an after_flush() hook creating new objects?',
      );
    }
    await flushSession(session);
  }
  try {
    await root.commitDatabase();
  } catch (err) {
    await rollbackRoot(session, root).catch(() => undefined);
    throw err;
  }
  for (let i = 0; i < chain.length - 1; i++) mergeInto(root, chain[i]!);
  for (const t of chain) t.state = 'committed';
  try {
    if (session.events.has('afterCommit')) {
      await session._withListeners(() => dispatch(session.events, 'afterCommit', session));
    }
  } finally {
    detachDeleted(session, root.deleted);
    if (expire) expireEverything(session);
    root.new.clear();
    root.deleted.clear();
    root.dirty.clear();
    session._transaction = undefined;
    try {
      await root.release(false);
    } finally {
      endTransactions(session, chain);
    }
  }
}

async function commitNested(session: Session, nested: SessionTransaction): Promise<void> {
  // Savepoints opened inside this one are released with it.
  const chain = chainUpTo(session, nested);
  chain[0]!.assertActive();
  await flushSession(session);
  await nested.commitDatabase();
  const parent = nested.parent!;
  for (const t of chain) mergeInto(parent, t);
  session._transaction = parent;
  endTransactions(session, chain);
}

/** `session.rollback()`: rolls back the root, discarding savepoints. */
export async function rollbackSession(session: Session): Promise<void> {
  const t = session._transaction;
  if (t !== undefined) await rollbackRoot(session, t.root);
}

async function rollbackRoot(session: Session, root: SessionTransaction): Promise<void> {
  const chain = chainUpTo(session, root);
  let emitted = false;
  let failure: unknown;
  if (root.state === 'deactive') {
    if (session._new.size > 0 || session._dirty.size > 0 || session._deleted.size > 0) {
      emitWarning(
        "Session's state has been changed on a non-active transaction - this state will be discarded.",
      );
    }
  } else {
    try {
      emitted = await root.rollbackDatabase();
    } catch (err) {
      failure = err;
    }
  }
  restoreSnapshot(session, chain, false);
  session._transaction = undefined;
  try {
    await root.release(false);
  } catch (err) {
    failure ??= err;
  }
  endTransactions(session, chain, false);
  if (emitted && session.events.has('afterRollback')) {
    await session._withListeners(() => dispatch(session.events, 'afterRollback', session));
  }
  if (session.events.has('afterSoftRollback')) {
    await session._withListeners(() =>
      dispatch(session.events, 'afterSoftRollback', session, root),
    );
  }
  fireEnd(session, chain);
  if (failure !== undefined) throw failure;
}

async function rollbackNested(session: Session, nested: SessionTransaction): Promise<void> {
  const chain = chainUpTo(session, nested);
  let failure: unknown;
  if (nested.state === 'active') {
    try {
      await nested.rollbackDatabase();
    } catch (err) {
      failure = err;
    }
  }
  restoreSnapshot(session, chain, true);
  session._transaction = nested.parent;
  endTransactions(session, chain, false);
  if (session.events.has('afterSoftRollback')) {
    await session._withListeners(() =>
      dispatch(session.events, 'afterSoftRollback', session, nested),
    );
  }
  fireEnd(session, chain);
  if (failure !== undefined) throw failure;
}

/**
 * A flush failed inside `t`: roll the database back to the nearest boundary (the savepoint,
 * or the whole transaction), restore in-memory state, and leave the boundary deactivated
 * holding the error until `rollback()` (SQLAlchemy §3.9). The connection stays checked out.
 */
export async function failFlush(
  session: Session,
  t: SessionTransaction,
  error: unknown,
): Promise<void> {
  let boundary = t;
  while (!boundary.nested && boundary.parent !== undefined) boundary = boundary.parent;
  const chain = chainUpTo(session, boundary);
  let emitted = false;
  try {
    emitted = await boundary.rollbackDatabase();
  } catch {
    // The original error is what the caller needs; a dead connection is discarded at release.
  }
  restoreSnapshot(session, chain, boundary.nested);
  for (const x of chain) {
    x.state = 'deactive';
    x.failure = error;
  }
  if (emitted && !boundary.nested && session.events.has('afterRollback')) {
    await session._withListeners(() => dispatch(session.events, 'afterRollback', session));
  }
}

/**
 * `close()` / `reset()`: detach everything, roll back, return the connection. Without a
 * transaction (the usual close after a commit) nothing is awaited: the settled `CLOSED` comes
 * back, so the caller can finish synchronously.
 */
export function closeSession(session: Session, isReset: boolean): Promise<void> {
  try {
    detachAll(session);
  } catch (err) {
    return Promise.reject(err);
  }
  const t = session._transaction;
  session._transaction = undefined;
  if (!isReset && !session.closeResetsOnly) session._closed = true;
  if (t === undefined) return CLOSED;
  return releaseClosed(session, t);
}

/** The settled promise {@link closeSession} returns when it had nothing to wait for. */
export const CLOSED: Promise<void> = Promise.resolve();

async function releaseClosed(session: Session, t: SessionTransaction): Promise<void> {
  const chain: SessionTransaction[] = [];
  for (let x: SessionTransaction | undefined = t; x !== undefined; x = x.parent) chain.push(x);
  try {
    await t.root.release(true);
  } finally {
    endTransactions(session, chain);
  }
}

function expireEverything(session: Session): void {
  session.identityMap.expireAll();
  session._dirty.clear();
}

function endTransactions(
  session: Session,
  chain: readonly SessionTransaction[],
  fire = true,
): void {
  for (const t of chain) t.state = 'closed';
  if (fire) fireEnd(session, chain);
}

function fireEnd(session: Session, chain: readonly SessionTransaction[]): void {
  if (!session.events.has('afterTransactionEnd')) return;
  for (const t of chain) dispatchSync(session.events, 'afterTransactionEnd', session, t);
}
