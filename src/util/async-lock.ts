/**
 * An asynchronous mutual-exclusion lock with a FIFO queue of waiters and an optional time
 * limit per wait. Waiting never blocks the event loop: a waiter is a pending promise that
 * the holder's `release()` settles.
 *
 * @example
 * ```ts
 * const lock = new AsyncLock();
 * const release = await lock.acquire(5);
 * try { await work(); } finally { release(); }
 * ```
 */
import { ExpiryTimer, monotonicNow } from './expiry-timer.js';

/** Thrown by {@link AsyncLock.acquire} when the time limit passes before the lock frees up. */
export class LockTimeoutError extends Error {
  constructor(readonly seconds: number) {
    super(`lock not acquired within ${seconds} s`);
    this.name = 'LockTimeoutError';
  }
}

interface Waiter {
  resolve: (release: () => void) => void;
  reject: (error: unknown) => void;
  /** {@link monotonicNow} time the wait fails at; Infinity without a time limit. */
  deadline: number;
  /** The time limit in seconds, for the error. */
  seconds: number;
}

/** A FIFO async mutex. */
export class AsyncLock {
  #held = false;
  #waiters: Waiter[] = [];
  /** Waiters with a time limit; the shared timer runs only while there are some. */
  #timed = 0;
  readonly #expiry = new ExpiryTimer((now) => this.#expire(now));

  /** True while some caller holds the lock. */
  get locked(): boolean {
    return this.#held;
  }

  /** Number of callers waiting. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /**
   * Takes the lock, waiting for it when it is held. Resolves to the release function, which
   * may be called more than once (only the first call releases).
   *
   * @param timeoutSeconds Longest wait; `null`/`undefined` waits forever, `0` fails at once
   *   when the lock is held.
   */
  acquire(timeoutSeconds?: number | null): Promise<() => void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve(this.#releaser());
    }
    if (timeoutSeconds === 0) return Promise.reject(new LockTimeoutError(0));
    return new Promise((resolve, reject) => {
      const timed = timeoutSeconds !== null && timeoutSeconds !== undefined;
      const deadline = timed ? monotonicNow() + timeoutSeconds * 1000 : Infinity;
      this.#waiters.push({ resolve, reject, deadline, seconds: timeoutSeconds ?? 0 });
      if (timed) {
        this.#timed++;
        this.#expiry.schedule(deadline);
      }
    });
  }

  /** Takes the lock only when it is free; returns the release function or undefined. */
  tryAcquire(): (() => void) | undefined {
    if (this.#held) return undefined;
    this.#held = true;
    return this.#releaser();
  }

  #releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.#waiters.shift();
      if (next === undefined) {
        this.#held = false;
        return;
      }
      if (next.deadline !== Infinity && --this.#timed === 0) this.#expiry.cancel();
      next.resolve(this.#releaser());
    };
  }

  /** Fails the waits whose time is up; returns the earliest deadline left. */
  #expire(now: number): number {
    let next = Infinity;
    const kept: Waiter[] = [];
    const expired: Waiter[] = [];
    for (const w of this.#waiters) {
      if (w.deadline <= now) expired.push(w);
      else {
        kept.push(w);
        if (w.deadline < next) next = w.deadline;
      }
    }
    this.#waiters = kept;
    this.#timed -= expired.length;
    for (const w of expired) w.reject(new LockTimeoutError(w.seconds));
    return next;
  }
}
