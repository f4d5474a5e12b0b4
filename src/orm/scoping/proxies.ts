/**
 * The Session methods and attributes a scoped session forwards to the current scope's
 * Session, as SQLAlchemy's `scoped_session` does (its list, in Athanor's camelCase, plus the
 * calls Athanor's Session adds such as `inTransaction` and `noAutoflush`).
 */
import { InvalidRequestError } from '../../errors.js';

/** Methods called on the current Session: `Scoped.add(user)` is `Scoped().add(user)`. */
export const PROXIED_METHODS = [
  'add',
  'addAll',
  'begin',
  'beginNested',
  'close',
  'commit',
  'connection',
  'contains',
  'delete',
  'execute',
  'expire',
  'expireAll',
  'expunge',
  'expungeAll',
  'flush',
  'get',
  'getOne',
  'inTransaction',
  'isModified',
  'merge',
  'noAutoflush',
  'query',
  'refresh',
  'reset',
  'rollback',
  'scalar',
  'scalars',
  'stream',
  'streamScalars',
] as const;

/**
 * Attributes read (and, where the Session allows it, written) on the current Session:
 * `Scoped.dirty` is `Scoped().dirty`. SQLAlchemy also forwards `bind`; here a function's own
 * `bind` (Function.prototype.bind) must keep working, so read `Scoped().bind` instead.
 */
export const PROXIED_ATTRIBUTES = [
  'autoflush',
  'deleted',
  'dirty',
  'identityMap',
  'info',
  'isActive',
  'new',
] as const;

/** The names a scoped session forwards. */
export type ProxiedName = (typeof PROXIED_METHODS)[number] | (typeof PROXIED_ATTRIBUTES)[number];

/**
 * The forwarded members, typed from the Session type: `Scoped.add` has the Session's own
 * signature; attributes keep their readonly-ness. Names the Session type lacks are left out.
 */
export type SessionProxies<S> = Pick<S, Extract<ProxiedName, keyof S>>;

/**
 * Defines the forwarding members on `target`; `current` returns the scope's Session.
 * Each call looks the Session up again, so one registry object serves every scope.
 *
 * @example
 * ```ts
 * installProxies(scoped, () => registry.get());
 * scoped.add(user); // registry.get().add(user)
 * ```
 */
export function installProxies(target: object, current: () => object): void {
  for (const name of PROXIED_METHODS) {
    Object.defineProperty(target, name, {
      configurable: true,
      enumerable: false,
      writable: false,
      value: function proxied(...args: unknown[]): unknown {
        const session = current() as Record<string, unknown>;
        const method = session[name];
        if (typeof method !== 'function') {
          throw new InvalidRequestError(`The scoped session's Session has no method ${name}()`);
        }
        return (method as (...a: unknown[]) => unknown).apply(session, args);
      },
    });
  }
  for (const name of PROXIED_ATTRIBUTES) {
    Object.defineProperty(target, name, {
      configurable: true,
      enumerable: false,
      get: () => (current() as Record<string, unknown>)[name],
      set: (value: unknown) => {
        (current() as Record<string, unknown>)[name] = value;
      },
    });
  }
}
