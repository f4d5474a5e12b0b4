/**
 * One timer serving many deadlines. Queues of waiters with a time limit (the pool's checkout
 * queue, the write lock) would otherwise start and clear a timer per waiter, which costs more
 * than the rest of a fast hand-off; here a single timer is armed for the earliest deadline and,
 * when it fires, the owner expires whatever is due and names the next deadline.
 *
 * @example
 * ```ts
 * const timer = new ExpiryTimer((now) => expireDue(now)); // returns the next deadline
 * timer.schedule(monotonicNow() + 5000);
 * ```
 */
export class ExpiryTimer {
  #timer: ReturnType<typeof setTimeout> | undefined = undefined;
  #at = Infinity;

  /**
   * @param onDue Called when the earliest scheduled deadline may have passed, with
   *   {@link monotonicNow}; expires what is due and returns the earliest remaining deadline
   *   (`Infinity` when none is left).
   */
  constructor(private readonly onDue: (now: number) => number) {}

  /** Makes sure the timer fires no later than `deadline` (a {@link monotonicNow} time). */
  schedule(deadline: number): void {
    if (deadline >= this.#at) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#at = deadline;
    this.#timer = setTimeout(this.#fire, Math.max(1, deadline - monotonicNow()));
  }

  /** Stops the timer: nothing waits with a time limit any more. */
  cancel(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#at = Infinity;
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    this.#at = Infinity;
    const next = this.onDue(monotonicNow());
    if (next !== Infinity) this.schedule(next);
  };
}

/**
 * Milliseconds on a clock that never jumps (unlike `Date.now()` when the system clock is set),
 * for deadlines.
 *
 * @example
 * ```ts
 * const deadline = monotonicNow() + 5000;
 * ```
 */
export function monotonicNow(): number {
  return performance.now();
}
