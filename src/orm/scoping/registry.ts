/**
 * Registries that hold one object per scope, as SQLAlchemy's `ScopedRegistry` and
 * `ThreadLocalRegistry` do. In Node the default scope is an async context
 * (AsyncLocalStorage); a custom scope function may return any key instead.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ArgumentError, InvalidRequestError } from '../../errors.js';

/**
 * Holds one object per scope and creates it on first use.
 *
 * SQLAlchemy's `registry()` call is `registry.get()` here.
 *
 * @example
 * ```ts
 * const Scoped = scopedSession(Session);
 * if (!Scoped.registry.has()) Scoped.registry.set(Session({ autoflush: false }));
 * Scoped.registry.clear(); // forgets without closing; Scoped.remove() closes too
 * ```
 */
export interface ScopedRegistry<T> {
  /** The current scope's object, created with the factory on first use. */
  get(): T;
  /** True when the current scope already has an object. */
  has(): boolean;
  /** Sets the current scope's object, replacing any other without closing it. */
  set(value: T): void;
  /** Forgets the current scope's object without closing it. */
  clear(): void;
}

/**
 * One scope opened by a lifecycle helper (`run()`, the request helpers): code runs inside it,
 * and `end()` forgets its object and hands it back to be closed.
 */
export interface RegistryScope<T> {
  /** Runs `fn` with this scope current (for the async-context registry: in its context). */
  run<R>(fn: () => R): R;
  /** Ends the scope; returns the object it held, if any, for the caller to close. */
  end(): T | undefined;
}

/** A registry that lifecycle helpers can open scopes on. */
export interface LifecycleRegistry<T> extends ScopedRegistry<T> {
  /** Opens a scope: a fresh async context, or the scope function's current key. */
  open(): RegistryScope<T>;
  /** True when `RegistryScope.run` switches the async context (so listeners need binding). */
  readonly usesAsyncContext: boolean;
}

/** What happens when the registry is used outside any scope. */
export type OutsideScope = 'global' | 'error';

/** The holder behind one async-context scope. */
class ContextScope<T> {
  value: T | undefined = undefined;
  ended = false;
}

/**
 * The default registry: one object per AsyncLocalStorage context. Outside any context it
 * uses one process-wide scope (`outsideScope: 'global'`, the equivalent of SQLAlchemy's main
 * thread) or raises an error naming the fix (`'error'`).
 *
 * @example
 * ```ts
 * const registry = new AsyncLocalRegistry(() => Session());
 * const scope = registry.open();
 * await scope.run(async () => registry.get().commit());
 * await scope.end()?.close();
 * ```
 */
export class AsyncLocalRegistry<T> implements LifecycleRegistry<T> {
  readonly usesAsyncContext = true;
  readonly #storage = new AsyncLocalStorage<ContextScope<T>>();
  readonly #global: ContextScope<T> | undefined;
  readonly #createfunc: () => T;

  constructor(createfunc: () => T, outsideScope: OutsideScope = 'global') {
    if (outsideScope !== 'global' && outsideScope !== 'error') {
      throw new ArgumentError(
        `outsideScope must be 'global' or 'error', got ${JSON.stringify(outsideScope)}`,
      );
    }
    this.#createfunc = createfunc;
    this.#global = outsideScope === 'global' ? new ContextScope<T>() : undefined;
  }

  /** True when code runs inside a scope opened by `open()` (not the process-wide one). */
  inScope(): boolean {
    return this.#storage.getStore() !== undefined;
  }

  get(): T {
    const scope = this.#current('getting the current Session');
    if (scope.value === undefined) {
      if (scope.ended) throw endedScopeError();
      scope.value = this.#createfunc();
    }
    return scope.value;
  }

  has(): boolean {
    const scope = this.#storage.getStore() ?? this.#global;
    return scope !== undefined && scope.value !== undefined;
  }

  set(value: T): void {
    const scope = this.#current('setting the current Session');
    if (scope.ended) throw endedScopeError();
    scope.value = value;
  }

  clear(): void {
    const scope = this.#storage.getStore() ?? this.#global;
    if (scope !== undefined) scope.value = undefined;
  }

  open(): RegistryScope<T> {
    const scope = new ContextScope<T>();
    const storage = this.#storage;
    return {
      run: (fn) => storage.run(scope, fn),
      end: () => {
        scope.ended = true;
        const value = scope.value;
        scope.value = undefined;
        return value;
      },
    };
  }

  #current(operation: string): ContextScope<T> {
    const scope = this.#storage.getStore() ?? this.#global;
    if (scope === undefined) throw outsideScopeError(operation);
    return scope;
  }
}

/**
 * A registry keyed by a scope function, as SQLAlchemy's `ScopedRegistry`: any key (a tenant
 * id, a job id, a request object). Objects are kept per key until cleared.
 *
 * @example
 * ```ts
 * const registry = new KeyedRegistry(() => Session(), () => currentTenantId());
 * registry.get().add(invoice);
 * ```
 */
export class KeyedRegistry<T> implements LifecycleRegistry<T> {
  readonly usesAsyncContext = false;
  readonly #values = new Map<unknown, T>();
  readonly #createfunc: () => T;
  readonly #scopefunc: () => unknown;

  constructor(createfunc: () => T, scopefunc: () => unknown) {
    if (typeof scopefunc !== 'function') {
      throw new ArgumentError('scopefunc must be a function returning the current scope key');
    }
    this.#createfunc = createfunc;
    this.#scopefunc = scopefunc;
  }

  /** How many keys currently hold an object (a leak shows here: call remove() per key). */
  get size(): number {
    return this.#values.size;
  }

  get(): T {
    const key = this.#scopefunc();
    let value = this.#values.get(key);
    if (value === undefined) {
      value = this.#createfunc();
      this.#values.set(key, value);
    }
    return value;
  }

  has(): boolean {
    return this.#values.has(this.#scopefunc());
  }

  set(value: T): void {
    this.#values.set(this.#scopefunc(), value);
  }

  clear(): void {
    this.#values.delete(this.#scopefunc());
  }

  open(): RegistryScope<T> {
    // The key is read when the scope opens: the scope function cannot see a context that
    // the code about to run has not set up yet.
    const key = this.#scopefunc();
    const values = this.#values;
    return {
      run: (fn) => fn(),
      end: () => {
        const value = values.get(key);
        values.delete(key);
        return value;
      },
    };
  }
}

function outsideScopeError(operation: string): InvalidRequestError {
  return new InvalidRequestError(
    `The scoped session was used (${operation}) outside any scope, and it was created with ` +
      "outsideScope: 'error'. Run the work inside " +
      '`await Scoped.run(async () => { ... })`, or serve requests through Scoped.handler(), ' +
      "Scoped.middleware() or Scoped.fastifyPlugin; or pass outsideScope: 'global' to share " +
      'one process-wide Session outside scopes.',
  );
}

function endedScopeError(): InvalidRequestError {
  return new InvalidRequestError(
    'This session scope has ended (its Scoped.run() callback returned, or its request ' +
      'finished) and its Session was removed; no new Session can be created in it. Work that ' +
      'outlives a request needs its own scope: `await Scoped.run(async () => { ... })`.',
  );
}
