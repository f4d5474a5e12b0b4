/**
 * Scoped sessions and the web-request lifecycle: re-exports only.
 */
export { scopedSession } from './scoped-session.js';
export type {
  ScopedSession,
  ScopedSessionBase,
  ScopedSessionOptions,
  SessionFactoryLike,
  SessionLike,
} from './scoped-session.js';
export { AsyncLocalRegistry, KeyedRegistry } from './registry.js';
export type { OutsideScope, ScopedRegistry } from './registry.js';
export { PROXIED_ATTRIBUTES, PROXIED_METHODS } from './proxies.js';
export type { ProxiedName, SessionProxies } from './proxies.js';
export type { ConnectMiddleware, HttpHandlerOptions, MiddlewareOptions } from './http.js';
export type {
  FastifyHooks,
  FastifyInstanceLike,
  FastifyPluginLike,
  FastifyReplyLike,
  FastifyRequestLike,
  FastifyScopeOptions,
  HookDone,
} from './fastify.js';
