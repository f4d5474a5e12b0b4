/**
 * What the lifecycle helpers (`run()`, the request helpers) share: the registry they open
 * scopes on, and how a scope's Session is disposed of when the scope ends.
 */
import type { LifecycleRegistry, RegistryScope } from './registry.js';
import { emitWarning as warn } from '../warnings.js';

/** The registry and the disposal step behind one scoped session. */
export interface ScopeControl<S> {
  readonly registry: LifecycleRegistry<S>;
  /**
   * Closes the Session of a scope that ended: rolls back what is uncommitted, returns its
   * connection, and refuses any later use (see {@link closeForGood}).
   */
  dispose(session: S): unknown;
}

/**
 * Closes the Session of an ended scope for good. Code that outlived its scope (a route still
 * running after its client hung up, a timer started in `run()`) may still hold the Session;
 * if a plain close left it reusable, its next call would autobegin a transaction that nobody
 * would ever end, keeping a pooled connection checked out. Athanor's Session is therefore
 * marked permanently closed first, exactly as `closeResetsOnly: false` does at close, so that
 * such a call raises "This Session has been permanently closed…" instead. A call already in
 * flight finishes first: `close()` waits for it. Other session types are just closed.
 *
 * @example
 * ```ts
 * await closeForGood(Scoped());
 * ```
 */
export async function closeForGood(session: { close(): unknown }): Promise<void> {
  const state = session as { _closed?: unknown };
  // The ORM's own flag (scoping is part of the ORM layer): set before close() so that no call
  // can slip in between the close and the mark.
  if (typeof state._closed === 'boolean') state._closed = true;
  await session.close();
}

/**
 * Ends `scope` and closes its Session. When `failed` says an error is already on its way to
 * the caller, a failure to close is reported as a warning rather than replacing that error;
 * otherwise the close failure is thrown.
 *
 * @example
 * ```ts
 * const scope = control.registry.open();
 * await scope.run(work);
 * await disposeScope(control, scope, false);
 * ```
 */
export async function disposeScope<S>(
  control: ScopeControl<S>,
  scope: RegistryScope<S>,
  failed: boolean,
): Promise<void> {
  const session = scope.end();
  if (session === undefined) return;
  try {
    await control.dispose(session);
  } catch (error) {
    if (!failed) throw error;
    warn(`Closing the scope's Session failed after an earlier error: ${describe(error)}`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
