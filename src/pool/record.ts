/**
 * The pool's bookkeeping for one slot: the connection it holds (if any), when that connection
 * was made, and its state. A record outlives reconnects (recycle, pre-ping) but not an
 * invalidation: an invalidated connection's record is dropped and its slot freed.
 */

/** Numbers connections for log lines and staleness; shared by a pool and its `recreate()`d successor. */
export interface ConnectionCounter {
  next: number;
}

/**
 * One pool slot. Internal to the pool layer.
 *
 * @example
 * ```ts
 * const record = new ConnectionRecord<object>(0);
 * record.label(); // '<connection 0>' until a connection is made
 * ```
 */
export class ConnectionRecord<C> {
  /** The open connection, or null before the first connect and after a close. */
  connection: C | null = null;
  /** Number of the current connection: unique within a pool, increasing with each connect. */
  id = 0;
  /** `Date.now()` when the current connection was made. */
  createdAt = 0;
  /** User data for the current connection; replaced on reconnect. */
  info: Record<string, unknown> = {};
  /** True from connect until the end of the checkout that made it (such a connection skips pre-ping). */
  fresh = false;
  /** Handles currently holding this record (more than one only for StaticPool). */
  holders = 0;
  /** Close at the next return instead of pooling (soft invalidation). */
  softInvalid = false;
  /** The slot was given up; nothing more may happen to it. */
  dropped = false;
  /** Stack of the latest checkout, when the pool records them. */
  site: { stack?: string } | undefined = undefined;
  /** An in-flight connect, so that holders sharing the record do not connect twice. */
  connecting: Promise<void> | null = null;

  /** @param epoch - the pool's dispose generation when the slot was made */
  constructor(readonly epoch: number) {}

  /** How the connection is named in log lines: never the connection object (it may hold a password). */
  label(): string {
    return `<connection ${this.id}>`;
  }
}

/** The held value given to the leak registry: the record and, when recorded, the checkout stack. */
export interface LeakTicket<C> {
  readonly record: ConnectionRecord<C>;
  readonly site: { stack?: string } | undefined;
}

/**
 * Captures the current call stack without formatting it (V8 formats `.stack` lazily on first read).
 * Frames from `above` inward are left out so the stack starts at the caller.
 */
export function captureSite(above: (...args: any[]) => unknown): { stack?: string } {
  const site: { stack?: string } = {};
  Error.captureStackTrace(site, above);
  return site;
}

/** The frames of a captured stack, without its leading `Error` line. */
export function formatSite(site: { stack?: string } | undefined): string {
  if (site?.stack === undefined) return '    (checkout site not recorded)';
  const newline = site.stack.indexOf('\n');
  return newline < 0 ? '    (no stack frames)' : site.stack.slice(newline + 1);
}
