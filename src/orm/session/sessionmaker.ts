/**
 * `sessionmaker()`: a factory of Sessions with stored options (SQLAlchemy §4). Call it for a
 * new session, `configure()` it to bind an engine later, `begin()` it for the
 * commit-or-rollback-then-close scope, and attach session events to every session it makes.
 */
import { ArgumentError } from '../../errors.js';
import { SessionEvents, type SessionEventMap, type SessionEventName } from '../events.js';
import { resolveOptions, type SessionOptions } from './options.js';
import { Session } from './session.js';

/** A Session class a factory can make (the Session class or a subclass of it). */
export type SessionClass<S extends Session> = new (
  options: SessionOptions,
  events: SessionEvents,
) => S;

/** Options of `sessionmaker()`: the Session options plus the class to make. */
export interface SessionmakerOptions<S extends Session = Session> extends SessionOptions {
  /** A Session subclass to instantiate (SQLAlchemy's `class_`). */
  sessionClass?: SessionClass<S>;
}

/** A configured Session factory. */
export interface SessionFactory<S extends Session = Session> {
  /** A new Session; `options` override the stored ones (`info` is merged). */
  (options?: SessionOptions): S;
  /** Changes the stored options for sessions made afterwards (e.g. binds an engine). */
  configure(options: SessionOptions): void;
  /**
   * Runs `fn` in a new session's transaction: commits on success, rolls back on error, and
   * always closes the session (SQLAlchemy's `sessionmaker.begin()`, the "session scope").
   */
  begin<T>(fn: (session: S) => T | Promise<T>): Promise<T>;
  /** Listens to an event on every session of this factory (made before or after). */
  on<K extends SessionEventName>(name: K, listener: SessionEventMap[K]): () => void;
  /** The stored options. */
  readonly kw: Readonly<SessionOptions>;
  /** The factory's listeners (the parent registry of its sessions' listeners). */
  readonly events: SessionEvents;
}

/**
 * Makes a Session factory.
 *
 * @example
 * ```ts
 * const Session = sessionmaker();
 * Session.configure({ bind: engine });
 * const session = Session();
 * await Session.begin(async (s) => { s.add(new User({ name: 'Ann' })); });
 * ```
 */
export function sessionmaker<S extends Session = Session>(
  options: SessionmakerOptions<S> = {},
): SessionFactory<S> {
  const { sessionClass, ...rest } = options;
  const Cls = (sessionClass ?? Session) as SessionClass<S>;
  if (typeof Cls !== 'function') throw new ArgumentError('sessionClass must be a Session class.');
  resolveOptions(rest); // validate early
  let kw: SessionOptions = {
    ...rest,
    info: rest.info === undefined ? undefined : { ...rest.info },
  };
  if (kw.info === undefined) delete kw.info;
  const events = new SessionEvents();

  const factory = ((local: SessionOptions = {}) => {
    const merged: SessionOptions = { ...kw, ...local };
    if (kw.info !== undefined || local.info !== undefined)
      merged.info = { ...kw.info, ...local.info };
    return new Cls(merged, events);
  }) as SessionFactory<S>;

  Object.defineProperties(factory, {
    kw: { get: () => kw, enumerable: true },
    events: { value: events },
  });
  factory.configure = (more: SessionOptions) => {
    const next = { ...kw, ...more };
    resolveOptions(next);
    kw = next;
  };
  factory.begin = async <T>(fn: (session: S) => T | Promise<T>): Promise<T> => {
    const session = factory();
    try {
      return await session.begin(() => fn(session));
    } finally {
      await session.close();
    }
  };
  factory.on = (name, listener) => events.on(name, listener);
  factory.toString = () => {
    const parts = [`sessionClass: ${Cls.name}`];
    for (const [k, v] of Object.entries({ autoflush: true, expireOnCommit: true, ...kw })) {
      parts.push(`${k}: ${k === 'info' ? JSON.stringify(v) : String(v)}`);
    }
    return `sessionmaker({ ${parts.join(', ')} })`;
  };
  return factory;
}
