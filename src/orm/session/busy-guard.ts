/**
 * The one-task-at-a-time guard of a Session. Every async Session call marks the session busy
 * for its duration; a second call while one is in flight raises instead of interleaving
 * statements on one connection (SQLAlchemy's `isce` error, which Node's `Promise.all` makes
 * the most likely misuse of a session).
 */
import { InvalidRequestError } from '../../errors.js';

/** Tracks the async operation a session is running. */
export class BusyGuard {
  private op: string | undefined = undefined;
  private waiters: (() => void)[] = [];

  /** The operation in flight, if any. */
  get current(): string | undefined {
    return this.op;
  }

  /** Marks `op` in flight, or raises the concurrent-use error. */
  enter(op: string): void {
    if (this.op !== undefined) {
      throw new InvalidRequestError(
        `This Session is already running ${this.op}; concurrent operations on one Session are not permitted (${op} was called while it was in progress). ` +
          'A Session serves one task at a time: await each call before starting the next (not Promise.all over one session), or give each concurrent task its own Session.',
        { code: 'isce' },
      );
    }
    this.op = op;
  }

  /** Marks the operation finished and wakes those waiting for idleness. */
  exit(): void {
    this.op = undefined;
    const waiters = this.waiters;
    if (waiters.length > 0) {
      this.waiters = [];
      for (const w of waiters) w();
    }
  }

  /** Runs `fn` (event listeners) with the mark lifted, so they may call the session. */
  async lifted(fn: () => Promise<void>): Promise<void> {
    const op = this.op;
    this.op = undefined;
    try {
      await fn();
    } finally {
      this.op = op;
    }
  }

  /** Resolves when the operation in flight ends (at once when there is none). */
  nextExit(): Promise<void> {
    if (this.op === undefined) return Promise.resolve();
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Resolves once no operation is in flight. */
  async idle(): Promise<void> {
    while (this.op !== undefined) await this.nextExit();
  }
}
