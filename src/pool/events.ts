/**
 * Pool event listeners. A listener that throws is logged and skipped: a user's listener must
 * never leave the pool in a broken state. The one exception is a `checkout` listener throwing
 * a DisconnectionError, which asks the pool for a different connection (as in SQLAlchemy).
 */
import { ArgumentError, DisconnectionError, redactPasswords } from '../errors.js';
import type { Logger } from '../util/logger.js';

/** Names of the events a pool emits. */
export type PoolEventName = 'connect' | 'checkout' | 'checkin' | 'reset' | 'invalidate' | 'close';

/** Any pool event listener; see {@link PoolEventName} for the arguments of each event. */
export type PoolListener = (...args: any[]) => void;

const EVENT_NAMES: readonly PoolEventName[] = [
  'connect',
  'checkout',
  'checkin',
  'reset',
  'invalidate',
  'close',
];

/**
 * Listener lists per event. Lists are replaced, never mutated, so that adding or removing a
 * listener while an event is being delivered does not disturb that delivery.
 *
 * @example
 * ```ts
 * const events = new PoolEvents();
 * const off = events.on('connect', (connection) => console.log('new connection', connection));
 * off();
 * ```
 */
export class PoolEvents {
  connect: readonly PoolListener[] = [];
  checkout: readonly PoolListener[] = [];
  checkin: readonly PoolListener[] = [];
  reset: readonly PoolListener[] = [];
  invalidate: readonly PoolListener[] = [];
  close: readonly PoolListener[] = [];

  /** Adds a listener; returns a function that removes it. */
  on(event: PoolEventName, listener: PoolListener): () => void {
    if (!EVENT_NAMES.includes(event)) {
      throw new ArgumentError(
        `Unknown pool event '${String(event)}'; pool events are ${EVENT_NAMES.join(', ')}`,
      );
    }
    if (typeof listener !== 'function') {
      throw new ArgumentError(`A listener for '${event}' must be a function`);
    }
    this[event] = [...this[event], listener];
    return () => this.off(event, listener);
  }

  /** Removes one registration of `listener` (no-op when it is not registered). */
  off(event: PoolEventName, listener: PoolListener): void {
    const list = this[event];
    if (list === undefined) return;
    const index = list.indexOf(listener);
    if (index >= 0) this[event] = [...list.slice(0, index), ...list.slice(index + 1)];
  }

  /** Copies every listener into `target` (used by `recreate()`). */
  copyTo(target: PoolEvents): void {
    for (const name of EVENT_NAMES) target[name] = this[name];
  }

  /**
   * Calls each listener of `event` with up to three arguments; a throwing listener is logged
   * and the others still run. Returns the first DisconnectionError a `checkout` listener threw.
   */
  emit(
    event: PoolEventName,
    logger: Logger,
    a: unknown,
    b: unknown,
    c?: unknown,
  ): DisconnectionError | undefined {
    const list = this[event];
    for (let i = 0; i < list.length; i++) {
      try {
        (list[i] as PoolListener)(a, b, c);
      } catch (error) {
        if (event === 'checkout' && isDisconnectionError(error)) return error;
        logger.error(`Exception in pool '${event}' listener (ignored): ${describeError(error)}`);
      }
    }
    return undefined;
  }
}

function isDisconnectionError(error: unknown): error is DisconnectionError {
  return (
    error instanceof DisconnectionError ||
    (error instanceof Error && error.name === 'DisconnectionError')
  );
}

/** `Name:message` as in SQLAlchemy's "(reason: …)" log text, with passwords masked. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}:${redactPasswords(error.message)}`;
  return redactPasswords(String(error));
}
