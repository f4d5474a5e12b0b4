/**
 * Leak detection: every checked-out handle is registered with a FinalizationRegistry, so that a
 * handle garbage-collected without release() is reported and its slot reclaimed.
 */
import type { Handle } from './pooled-connection.js';
import { ConnectionRecord, formatSite } from './record.js';
import type { LeakTicket } from './record.js';

type Held<C> = ConnectionRecord<C> | LeakTicket<C>;

/**
 * Tracks checked-out handles. The registry holds the pool's record (plus the checkout stack
 * when one was recorded), never the handle itself, so tracking does not keep a handle alive.
 *
 * @example
 * ```ts
 * const leaks = new LeakTracker<Conn>((record, site) => reclaim(record, site));
 * leaks.track(handle, site);
 * leaks.untrack(handle); // at release
 * ```
 */
export class LeakTracker<C> {
  readonly #registry: FinalizationRegistry<Held<C>>;

  constructor(onLeak: (record: ConnectionRecord<C>, site: { stack?: string } | undefined) => void) {
    this.#registry = new FinalizationRegistry((held) => {
      if (held instanceof ConnectionRecord) onLeak(held, undefined);
      else onLeak(held.record, held.site);
    });
  }

  /** Starts watching a handed-out handle. */
  track(handle: Handle<C>, site: { stack?: string } | undefined): void {
    const record = handle._record;
    this.#registry.register(handle, site === undefined ? record : { record, site }, handle);
  }

  /** Stops watching a handle that was released or invalidated. */
  untrack(handle: Handle<C>): void {
    this.#registry.unregister(handle);
  }
}

/** The warning logged for a leaked checkout (SQLAlchemy's wording, plus where it happened). */
export function leakWarning(
  label: string,
  closed: boolean,
  site: { stack?: string } | undefined,
): string {
  const where =
    site === undefined
      ? 'Its checkout site was not recorded; this pool records checkout stacks from now on ' +
        '(option storeTraceback), so the next leak will say where it happened.'
      : `It was checked out at:\n${formatSite(site)}`;
  return (
    `The garbage collector is trying to clean up non-checked-in connection ${label}, ` +
    `which will be ${closed ? 'closed' : 'reset and kept'}. Release every connection you ` +
    `check out with release() (or invalidate() when it is broken), e.g. in a finally block. ` +
    where
  );
}
