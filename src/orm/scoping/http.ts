/**
 * The web-request lifecycle for `node:http` servers and Connect/Express-style middleware:
 * each request gets its own scope, and the scope's Session is removed (rolled back if left
 * uncommitted, connection returned) when the response ends — whether the handler succeeded,
 * threw, or the client hung up. No web framework is imported: only Node's own types.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ArgumentError } from '../../errors.js';
import { bindListeners } from './bind-listeners.js';
import type { RegistryScope } from './registry.js';
import { disposeScope } from './scope-control.js';
import type { ScopeControl } from './scope-control.js';

/** Options of `Scoped.handler()`. */
export interface HttpHandlerOptions<Req extends IncomingMessage, Res extends ServerResponse> {
  /**
   * Called when the handler throws or rejects, or when closing the request's Session fails.
   * The default logs the error and answers 500 when nothing was sent yet (or cuts the
   * response short when it was).
   */
  onError?: (error: unknown, req: Req, res: Res) => void;
}

/** Options of `Scoped.middleware()`. */
export interface MiddlewareOptions {
  /** Called when closing the request's Session fails; the default logs the error. */
  onError?: (error: unknown, req: IncomingMessage, res: ServerResponse) => void;
}

/** A Connect/Express-style middleware. */
export type ConnectMiddleware = (
  req: IncomingMessage,
  res: ServerResponse,
  next: (error?: unknown) => void,
) => void;

/**
 * Keeps the listeners the request code adds to `req` and `res` inside `scope`, when the
 * scope is an async context (see bind-listeners.ts for why).
 *
 * @example
 * ```ts
 * const scope = control.registry.open();
 * bindRequest(control, scope, req, res);
 * ```
 */
export function bindRequest<S>(
  control: ScopeControl<S>,
  scope: RegistryScope<S>,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  if (!control.registry.usesAsyncContext) return;
  bindListeners(req, scope.run);
  bindListeners(res, scope.run);
}

/**
 * Ends a request's scope, handing a failure to close its Session to `report`.
 *
 * @example
 * ```ts
 * res.once('close', () => endRequestScope(control, scope, console.error));
 * ```
 */
export function endRequestScope<S>(
  control: ScopeControl<S>,
  scope: RegistryScope<S>,
  report: (error: unknown) => void,
): void {
  disposeScope(control, scope, false).catch(report);
}

/**
 * Wraps a `node:http` request listener so that every request runs in its own scope.
 * The scope ends when both the response has closed and the handler has settled, so a
 * Session is never closed under a handler that is still awaiting a query after the client
 * hung up.
 *
 * @example
 * ```ts
 * const server = http.createServer(
 *   Scoped.handler(async (req, res) => {
 *     const users = await Scoped.scalars(select(User));
 *     res.end(JSON.stringify(users));
 *   }),
 * );
 * ```
 */
export function httpHandler<S, Req extends IncomingMessage, Res extends ServerResponse>(
  control: ScopeControl<S>,
  app: (req: Req, res: Res) => unknown,
  options: HttpHandlerOptions<Req, Res> = {},
): (req: Req, res: Res) => void {
  if (typeof app !== 'function') {
    throw new ArgumentError('Scoped.handler() needs a request listener: (req, res) => ...');
  }
  const onError = options.onError ?? defaultHandlerError;
  return function scopedRequestListener(req: Req, res: Res): void {
    const report = (error: unknown) => onError(error, req, res);
    const scope = control.registry.open();
    let waiting = 2; // the response closing, and the handler settling
    const settle = () => {
      if (--waiting === 0) endRequestScope(control, scope, report);
    };
    res.once('close', settle);
    bindRequest(control, scope, req, res);
    scope.run(() => {
      let result: unknown;
      try {
        result = app(req, res);
      } catch (error) {
        report(error);
        settle();
        return;
      }
      if (isPromiseLike(result)) {
        result.then(settle, (error: unknown) => {
          report(error);
          settle();
        });
      } else {
        settle();
      }
    });
  };
}

/**
 * A Connect/Express middleware that gives every request its own scope, removed when the
 * response closes. Mount it before the routes that use the scoped session.
 *
 * @example
 * ```ts
 * const server = http.createServer((req, res) =>
 *   Scoped.middleware()(req, res, () => {
 *     res.end('ok');
 *   }),
 * );
 * ```
 */
export function connectMiddleware<S>(
  control: ScopeControl<S>,
  options: MiddlewareOptions = {},
): ConnectMiddleware {
  const onError = options.onError ?? logError;
  return function scopedSessionMiddleware(req, res, next): void {
    const scope = control.registry.open();
    res.once('close', () => endRequestScope(control, scope, (error) => onError(error, req, res)));
    bindRequest(control, scope, req, res);
    scope.run(() => next());
  };
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

function logError(error: unknown, req: IncomingMessage): void {
  const path = (req.url ?? '').split('?')[0];
  console.error(`Error while serving ${req.method ?? 'GET'} ${path}:`, error);
}

function defaultHandlerError(error: unknown, req: IncomingMessage, res: ServerResponse): void {
  logError(error, req);
  if (!res.headersSent && !res.destroyed) {
    res.statusCode = 500;
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.end('Internal Server Error');
  } else if (!res.writableEnded) {
    res.destroy();
  }
}
