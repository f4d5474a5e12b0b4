/**
 * `scopedSession()`: SQLAlchemy's `scoped_session` for Node. A registry hands out one Session
 * per scope (by default the current async context), creates it on first use, forwards the
 * Session's methods, and closes and forgets it on `remove()`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ArgumentError, InvalidRequestError } from '../../errors.js';
import { connectMiddleware, httpHandler } from './http.js';
import type { ConnectMiddleware, HttpHandlerOptions, MiddlewareOptions } from './http.js';
import { fastifyHooks, fastifyPlugin } from './fastify.js';
import type { FastifyHooks, FastifyPluginLike, FastifyScopeOptions } from './fastify.js';
import { installProxies } from './proxies.js';
import type { SessionProxies } from './proxies.js';
import { AsyncLocalRegistry, KeyedRegistry } from './registry.js';
import type { LifecycleRegistry, OutsideScope, ScopedRegistry } from './registry.js';
import { closeForGood, disposeScope } from './scope-control.js';
import type { ScopeControl } from './scope-control.js';
import { emitWarning as warn } from '../warnings.js';

/** What a scoped session needs of a Session: a way to close it. */
export interface SessionLike {
  close(): unknown;
}

/**
 * A session factory: a call that makes a Session, optionally with per-call options, and an
 * optional `configure()` for options of sessions made later. `sessionmaker()` returns one.
 */
export interface SessionFactoryLike<S, O = any, C = O> {
  (options?: O): S;
  configure?(options: C): void;
}

/** Options of {@link scopedSession}. */
export interface ScopedSessionOptions {
  /**
   * Returns the current scope's key (a tenant id, a job id, a request object); sessions are
   * kept per key until `remove()`. Without it the scope is the current async context.
   */
  scopefunc?: () => unknown;
  /**
   * What the default async-context registry does when used outside any scope (outside
   * `run()` and the request helpers): `'global'` (default) uses one process-wide scope, the
   * equivalent of SQLAlchemy's main thread; `'error'` raises an error that names the fix.
   */
  outsideScope?: OutsideScope;
}

/** The registry's own members (the forwarded Session members come from the Session type). */
export interface ScopedSessionBase<S, O = any, C = O> {
  /**
   * The current scope's Session, created on first use. With options, creates the scope's
   * Session with them; if one already exists that is an `InvalidRequestError`.
   */
  (options?: O): S;
  /** The factory sessions are made with. */
  readonly sessionFactory: SessionFactoryLike<S, O, C>;
  /** The registry holding one Session per scope. */
  readonly registry: ScopedRegistry<S>;
  /** Closes the current scope's Session, if any, and forgets it. */
  remove(): Promise<void>;
  /** Configures the factory for sessions made later (warns if this scope has one already). */
  configure(options: C): void;
  /**
   * Runs `fn` in a fresh scope and removes that scope's Session when it settles: an
   * uncommitted transaction is rolled back and its connection returned. Commit is `fn`'s job.
   */
  run<T>(fn: () => T | PromiseLike<T>): Promise<T>;
  /** Wraps a `node:http` request listener: one scope per request, removed when it ends. */
  handler<Req extends IncomingMessage, Res extends ServerResponse>(
    app: (req: Req, res: Res) => unknown,
    options?: HttpHandlerOptions<Req, Res>,
  ): (req: Req, res: Res) => void;
  /** A Connect/Express middleware: one scope per request, removed when the response ends. */
  middleware(options?: MiddlewareOptions): ConnectMiddleware;
  /** A Fastify plugin: one scope per request, removed when the response ends or aborts. */
  readonly fastifyPlugin: FastifyPluginLike;
  /** The Fastify hooks behind `fastifyPlugin`, to add by hand. */
  fastifyHooks(options?: FastifyScopeOptions): FastifyHooks;
}

/** A scoped session: the registry plus the Session's methods and attributes, typed. */
export type ScopedSession<S, O = any, C = O> = ScopedSessionBase<S, O, C> & SessionProxies<S>;

const ALREADY_PRESENT = 'Scoped session is already present; no new arguments may be specified.';
const CONFIGURE_TOO_LATE =
  'At least one scoped session is already present.  configure() can not affect sessions ' +
  'that have already been created.';

/**
 * Creates a registry that hands out one Session per scope: by default per async context
 * (`Scoped.run()`, or one request through the request helpers), else per `scopefunc()` key.
 *
 * @example
 * ```ts
 * const Session = sessionmaker({ bind: engine });
 * const Scoped = scopedSession(Session);
 * await Scoped.run(async () => {
 *   Scoped.add(new User({ name: 'Bo' }));   // Scoped() is the same Session within the scope
 *   await Scoped.commit();
 * });
 * ```
 */
export function scopedSession<S extends SessionLike, O = any, C = O>(
  factory: SessionFactoryLike<S, O, C>,
  options: ScopedSessionOptions = {},
): ScopedSession<S, O, C> {
  if (typeof factory !== 'function') {
    throw new ArgumentError('scopedSession() needs a session factory, such as sessionmaker()');
  }
  const { scopefunc, outsideScope } = options;
  if (scopefunc !== undefined && outsideScope !== undefined) {
    throw new ArgumentError(
      'outsideScope applies to the default async-context scope; with a scopefunc every key ' +
        'is a scope, so leave outsideScope out',
    );
  }
  const create = () => factory();
  const registry: LifecycleRegistry<S> =
    scopefunc === undefined
      ? new AsyncLocalRegistry<S>(create, outsideScope)
      : new KeyedRegistry<S>(create, scopefunc);
  const control: ScopeControl<S> = { registry, dispose: closeForGood };

  const scoped = function scopedSessionCall(callOptions?: O): S {
    if (callOptions !== undefined && callOptions !== null && hasKeys(callOptions)) {
      if (registry.has()) throw new InvalidRequestError(ALREADY_PRESENT);
      const session = factory(callOptions);
      registry.set(session);
      return session;
    }
    return registry.get();
  };

  const base: ScopedSessionBase<S, O, C> = Object.assign(scoped, {
    sessionFactory: factory,
    registry: registry as ScopedRegistry<S>,
    async remove(): Promise<void> {
      if (!registry.has()) return;
      const session = registry.get();
      // Forget first: a Session whose close() fails must not be handed out again.
      registry.clear();
      await session.close();
    },
    configure(configureOptions: C): void {
      if (typeof factory.configure !== 'function') {
        throw new InvalidRequestError(
          'The session factory of this scoped session has no configure(); use sessionmaker()',
        );
      }
      if (registry.has()) warn(CONFIGURE_TOO_LATE);
      factory.configure(configureOptions);
    },
    async run<T>(fn: () => T | PromiseLike<T>): Promise<T> {
      if (typeof fn !== 'function') {
        throw new ArgumentError('Scoped.run() needs a function to run inside the new scope');
      }
      const scope = registry.open();
      let result: T;
      try {
        result = await scope.run(fn);
      } catch (error) {
        await disposeScope(control, scope, true);
        throw error;
      }
      await disposeScope(control, scope, false);
      return result;
    },
    handler: <Req extends IncomingMessage, Res extends ServerResponse>(
      app: (req: Req, res: Res) => unknown,
      handlerOptions?: HttpHandlerOptions<Req, Res>,
    ) => httpHandler(control, app, handlerOptions),
    middleware: (middlewareOptions?: MiddlewareOptions) =>
      connectMiddleware(control, middlewareOptions),
    fastifyPlugin: fastifyPlugin(control),
    fastifyHooks: (hookOptions?: FastifyScopeOptions) => fastifyHooks(control, hookOptions),
  });
  installProxies(base, () => registry.get());
  return base as ScopedSession<S, O, C>;
}

function hasKeys(value: object): boolean {
  return Object.keys(value).length > 0;
}
