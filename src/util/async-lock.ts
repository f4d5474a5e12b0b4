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

/** Thrown by {@link AsyncLock.acquire} when the time limit passes before the lock frees up. */
export class LockTimeoutError extends Error {
  constructor(readonly seconds: number) {
    super(`lock not acquired within ${seconds} s`);
    this.name = 'LockTimeoutError';
  }
}

interface Waiter {
  grant: () => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** A FIFO async mutex. */
export class AsyncLock {
  #held = false;
  readonly #waiters: Waiter[] = [];

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
      const waiter: Waiter = {
        grant: () => resolve(this.#releaser()),
        timer: undefined,
      };
      if (timeoutSeconds !== null && timeoutSeconds !== undefined) {
        waiter.timer = setTimeout(() => {
          const i = this.#waiters.indexOf(waiter);
          if (i >= 0) this.#waiters.splice(i, 1);
          reject(new LockTimeoutError(timeoutSeconds));
        }, timeoutSeconds * 1000);
      }
      this.#waiters.push(waiter);
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
      if (next.timer !== undefined) clearTimeout(next.timer);
      next.grant();
    };
  }
}
