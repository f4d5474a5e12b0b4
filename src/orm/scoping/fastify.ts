/**
 * The web-request lifecycle for Fastify, without depending on Fastify: a plugin (and the
 * hooks behind it) typed structurally. `onRequest` opens the request's scope, `preValidation`
 * re-enters it after the body was parsed (stream events run outside it), and the scope ends
 * at `onResponse`, at `onRequestAbort`, or when the raw response closes, whichever is first.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { bindRequest, endRequestScope } from './http.js';
import type { RegistryScope } from './registry.js';
import type { ScopeControl } from './scope-control.js';

/** What the hooks read of a Fastify request. */
export interface FastifyRequestLike {
  readonly raw: IncomingMessage;
}

/** What the hooks read of a Fastify reply. */
export interface FastifyReplyLike {
  readonly raw: ServerResponse;
}

/** What the plugin uses of a Fastify instance. */
export interface FastifyInstanceLike {
  addHook(name: string, hook: (...args: any[]) => unknown): unknown;
}

/** A hook's completion callback. */
export type HookDone = (error?: Error) => void;

/** The hooks that give each Fastify request its own scope. */
export interface FastifyHooks {
  onRequest(request: FastifyRequestLike, reply: FastifyReplyLike, done: HookDone): void;
  preValidation(request: FastifyRequestLike, reply: FastifyReplyLike, done: HookDone): void;
  onResponse(request: FastifyRequestLike, reply: FastifyReplyLike, done: HookDone): void;
  onRequestAbort(request: FastifyRequestLike, done: HookDone): void;
}

/** Options of `Scoped.fastifyHooks()`. */
export interface FastifyScopeOptions {
  /** Called when closing a request's Session fails; the default logs the error. */
  onError?: (error: unknown, request: FastifyRequestLike) => void;
}

/** A Fastify plugin function, marked so its hooks apply to the whole application. */
export type FastifyPluginLike = ((
  instance: FastifyInstanceLike,
  options: unknown,
  done: HookDone,
) => void) & { readonly [key: symbol]: unknown };

interface RequestState<S> {
  readonly scope: RegistryScope<S>;
  ended: boolean;
}

/**
 * Builds the hooks. Each request's scope is kept in a WeakMap keyed by the request object,
 * so nothing is added to Fastify's request shape.
 *
 * @example
 * ```ts
 * const hooks = Scoped.fastifyHooks();
 * for (const [name, hook] of Object.entries(hooks)) app.addHook(name, hook);
 * ```
 */
export function fastifyHooks<S>(
  control: ScopeControl<S>,
  options: FastifyScopeOptions = {},
): FastifyHooks {
  const states = new WeakMap<FastifyRequestLike, RequestState<S>>();
  const onError = options.onError ?? logError;
  const end = (request: FastifyRequestLike) => {
    const state = states.get(request);
    if (state === undefined || state.ended) return;
    state.ended = true;
    states.delete(request);
    endRequestScope(control, state.scope, (error) => onError(error, request));
  };
  return {
    onRequest(request, reply, done) {
      const scope = control.registry.open();
      states.set(request, { scope, ended: false });
      // A safety net: Fastify may skip onResponse when the socket dies mid-reply.
      reply.raw.once('close', () => end(request));
      bindRequest(control, scope, request.raw, reply.raw);
      scope.run(() => done());
    },
    preValidation(request, _reply, done) {
      const state = states.get(request);
      if (state === undefined || state.ended) done();
      else state.scope.run(() => done());
    },
    onResponse(request, _reply, done) {
      end(request);
      done();
    },
    onRequestAbort(request, done) {
      end(request);
      done();
    },
  };
}

/**
 * Builds the plugin: registers {@link fastifyHooks} on the instance. It carries Fastify's
 * `skip-override` mark (what the `fastify-plugin` package sets), so the hooks cover every
 * route of the application rather than only an encapsulated child context.
 *
 * @example
 * ```ts
 * await app.register(Scoped.fastifyPlugin);
 * app.get('/users', async () => Scoped.scalars(select(User)));
 * ```
 */
export function fastifyPlugin<S>(control: ScopeControl<S>): FastifyPluginLike {
  const plugin = function athanorScopedSession(
    instance: FastifyInstanceLike,
    options: unknown,
    done: HookDone,
  ): void {
    const hooks = fastifyHooks(control, (options ?? {}) as FastifyScopeOptions);
    instance.addHook('onRequest', hooks.onRequest);
    instance.addHook('preValidation', hooks.preValidation);
    instance.addHook('onResponse', hooks.onResponse);
    instance.addHook('onRequestAbort', hooks.onRequestAbort);
    done();
  };
  Object.defineProperty(plugin, Symbol.for('skip-override'), { value: true });
  Object.defineProperty(plugin, Symbol.for('fastify.display-name'), {
    value: 'athanor-scoped-session',
  });
  return plugin as FastifyPluginLike;
}

function logError(error: unknown, request: FastifyRequestLike): void {
  const path = (request.raw.url ?? '').split('?')[0];
  console.error(
    `Error while closing the Session of ${request.raw.method ?? 'GET'} ${path}:`,
    error,
  );
}
