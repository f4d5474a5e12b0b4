/**
 * Keeps a request's event listeners inside the request's scope.
 *
 * Node emits a request's `data`/`end` events (and a response's `finish`/`close`) from the
 * socket's async context, not from the context the listener was added in, so code that reads
 * a body with callbacks (body parsers, multipart readers) would lose the request's scope and
 * see the process-wide one. Listeners added while the scope is current are therefore wrapped
 * to run in it, as `AsyncResource.bind` would, at the cost of one closure per listener.
 */
import type { EventEmitter } from 'node:events';

type Listener = (...args: any[]) => unknown;
type Run = <R>(fn: () => R) => R;
type AddMethod = 'on' | 'addListener' | 'prependListener';

const ADD_METHODS: readonly AddMethod[] = ['on', 'addListener', 'prependListener'];

/**
 * Makes every listener added to `emitter` from now on run through `run` (the scope's
 * runner). `removeListener(event, original)` still finds the wrapped listener, because the
 * wrapper carries the original as `listener`, the convention Node's own `once()` uses.
 *
 * @example
 * ```ts
 * bindListeners(req, (fn) => storage.run(scope, fn));
 * req.on('end', () => Scoped()); // runs in the request's scope
 * ```
 */
export function bindListeners(emitter: EventEmitter, run: Run): void {
  const target = emitter as unknown as Record<string, unknown>;
  // The originals, taken before any is replaced: once() must not wrap its listener twice.
  const on = emitter.on as (event: string | symbol, listener: Listener) => EventEmitter;
  const prepend = emitter.prependListener as typeof on;
  for (const name of ADD_METHODS) {
    const add = emitter[name] as (event: string | symbol, listener: Listener) => EventEmitter;
    target[name] = function addBound(
      this: EventEmitter,
      event: string | symbol,
      listener: Listener,
    ): EventEmitter {
      return add.call(this, event, wrap(listener, run));
    };
  }
  target.once = function onceBound(this: EventEmitter, event: string | symbol, listener: Listener) {
    return on.call(this, event, wrapOnce(this, event, listener, run));
  };
  target.prependOnceListener = function prependOnceBound(
    this: EventEmitter,
    event: string | symbol,
    listener: Listener,
  ) {
    return prepend.call(this, event, wrapOnce(this, event, listener, run));
  };
}

function wrap(listener: Listener, run: Run): Listener {
  if (typeof listener !== 'function') return listener;
  const bound = function boundListener(this: unknown, ...args: unknown[]): unknown {
    return run(() => listener.apply(this, args));
  };
  (bound as { listener?: Listener }).listener = listener;
  return bound;
}

function wrapOnce(
  emitter: EventEmitter,
  event: string | symbol,
  listener: Listener,
  run: Run,
): Listener {
  if (typeof listener !== 'function') return listener;
  const bound = function boundOnceListener(this: unknown, ...args: unknown[]): unknown {
    emitter.removeListener(event, bound);
    return run(() => listener.apply(this, args));
  };
  (bound as { listener?: Listener }).listener = listener;
  return bound;
}
