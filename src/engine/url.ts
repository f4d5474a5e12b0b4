/**
 * Database URLs as SQLAlchemy writes them:
 * `dialect[+driver]://user:password@host:port/database?key=value`. A {@link URL} is an
 * immutable value; it prints its password as `***` in `toString()`, `JSON.stringify` and
 * `util.inspect`, so it can be logged freely.
 */
import { inspect } from 'node:util';
import { ArgumentError } from '../errors.js';

/** Query-string values: one string, or a list when the key was repeated. */
export type UrlQuery = Readonly<Record<string, string | readonly string[]>>;

/** The parts of a {@link URL}, as accepted by {@link URL.create} and {@link URL.set}. */
export interface UrlParts {
  drivername: string;
  username?: string | null | undefined;
  password?: string | null | undefined;
  host?: string | null | undefined;
  port?: number | null | undefined;
  database?: string | null | undefined;
  query?: UrlQuery | undefined;
}

const PATTERN = new RegExp(
  '^(?<name>[\\w+]+)://' +
    '(?:(?<username>[^:/]*)(?::(?<password>[^@]*))?@)?' +
    '(?:(?:\\[(?<ipv6host>[^/?]+)\\]|(?<ipv4host>[^/:?]+))?(?::(?<port>[^/?]*))?)?' +
    '(?:/(?<database>[^?]*))?' +
    '(?:\\?(?<query>.*))?$',
  's',
);

/** Backend names written differently in the wild, mapped to the one Athanor uses. */
const BACKEND_ALIASES: Readonly<Record<string, string>> = { postgres: 'postgresql' };

/**
 * A parsed database URL. Build one with {@link makeUrl} / {@link URL.parse} from a string, or
 * with {@link URL.create} from parts (no escaping needed).
 *
 * @example
 * ```ts
 * const url = makeUrl('postgresql://scott:tiger@localhost:5432/test');
 * url.host; // 'localhost'
 * String(url); // 'postgresql://scott:***@localhost:5432/test'
 * ```
 */
export class URL {
  /** `backend` or `backend+driver`, e.g. `'postgresql'` or `'mysql+mysql2'`. */
  readonly drivername: string;
  readonly username: string | null;
  readonly host: string | null;
  readonly port: number | null;
  readonly database: string | null;
  readonly query: UrlQuery;
  readonly #password: string | null;

  private constructor(parts: UrlParts) {
    this.drivername = parts.drivername;
    this.username = parts.username ?? null;
    this.#password = parts.password ?? null;
    this.host = parts.host ?? null;
    this.port = parts.port ?? null;
    this.database = parts.database ?? null;
    this.query = Object.freeze({ ...(parts.query ?? {}) });
    Object.freeze(this);
  }

  /** The password, decoded. Never printed: `toString()` shows `***`. */
  get password(): string | null {
    return this.#password;
  }

  /**
   * Builds a URL from parts, without parsing or escaping.
   *
   * @example
   * ```ts
   * const url = URL.create({ drivername: 'postgresql', username: 'me', password: 'p@ss', host: 'db' });
   * ```
   */
  static create(parts: UrlParts): URL {
    if (typeof parts.drivername !== 'string' || parts.drivername === '') {
      throw new ArgumentError('URL.create() needs a drivername such as "postgresql"');
    }
    if (parts.port !== undefined && parts.port !== null && !Number.isInteger(parts.port)) {
      throw new ArgumentError(`Invalid port ${String(parts.port)}: must be an integer`);
    }
    return new URL(parts);
  }

  /**
   * Parses a URL string (or returns a URL unchanged).
   *
   * @example
   * ```ts
   * URL.parse('sqlite:///app.db').database; // 'app.db'
   * ```
   */
  static parse(input: string | URL): URL {
    if (input instanceof URL) return input;
    if (typeof input !== 'string') {
      throw new ArgumentError(
        `Expected a URL string or URL object, got ${input === null ? 'null' : typeof input}`,
      );
    }
    const m = PATTERN.exec(input);
    if (m === null || m.groups === undefined) {
      throw new ArgumentError('Could not parse SQLAlchemy URL from given URL string');
    }
    const g = m.groups;
    const name = g.name as string;
    const plus = name.indexOf('+');
    const backend = plus < 0 ? name : name.slice(0, plus);
    const drivername = (BACKEND_ALIASES[backend] ?? backend) + (plus < 0 ? '' : name.slice(plus));
    let port: number | null = null;
    if (g.port !== undefined && g.port !== '') {
      if (!/^\d+$/.test(g.port)) {
        throw new ArgumentError(`Invalid port '${g.port}' in the database URL: not a number`);
      }
      port = Number(g.port);
    }
    return new URL({
      drivername,
      username: g.username === undefined ? null : unquote(g.username),
      password: g.password === undefined ? null : unquote(g.password),
      host: g.ipv6host ?? (g.ipv4host === undefined ? null : g.ipv4host),
      port,
      database: g.database === undefined ? null : g.database,
      query: g.query === undefined ? {} : parseQuery(g.query),
    });
  }

  /** A copy with some parts replaced. */
  set(changes: Partial<UrlParts>): URL {
    return URL.create({
      drivername: this.drivername,
      username: this.username,
      password: this.#password,
      host: this.host,
      port: this.port,
      database: this.database,
      query: this.query,
      ...changes,
    });
  }

  /** A copy with query keys added or replaced. */
  updateQueryDict(entries: UrlQuery): URL {
    return this.set({ query: { ...this.query, ...entries } });
  }

  /** A copy without the given query keys. */
  differenceUpdateQuery(keys: Iterable<string>): URL {
    const query: Record<string, string | readonly string[]> = { ...this.query };
    for (const k of keys) delete query[k];
    return this.set({ query });
  }

  /** The part before `+`, e.g. `'postgresql'`. */
  getBackendName(): string {
    const plus = this.drivername.indexOf('+');
    return plus < 0 ? this.drivername : this.drivername.slice(0, plus);
  }

  /** The part after `+`, or null when the URL names no driver (the dialect's default is used). */
  getDriverName(): string | null {
    const plus = this.drivername.indexOf('+');
    return plus < 0 ? null : this.drivername.slice(plus + 1);
  }

  /**
   * Renders the URL; the password is `***` unless `hidePassword` is false.
   * `URL.parse(url.renderAsString({ hidePassword: false }))` equals `url`.
   */
  renderAsString(options: { hidePassword?: boolean } = {}): string {
    const hide = options.hidePassword ?? true;
    let s = `${this.drivername}://`;
    if (this.username !== null) {
      s += quote(this.username);
      if (this.#password !== null) s += `:${hide ? '***' : quote(this.#password)}`;
      s += '@';
    }
    if (this.host !== null) s += this.host.includes(':') ? `[${this.host}]` : this.host;
    if (this.port !== null) s += `:${this.port}`;
    if (this.database !== null) s += `/${this.database}`;
    const keys = Object.keys(this.query).sort();
    if (keys.length > 0) {
      const pairs: string[] = [];
      for (const k of keys) {
        const v = this.query[k] as string | readonly string[];
        for (const one of typeof v === 'string' ? [v] : v) {
          pairs.push(`${quotePlus(k)}=${quotePlus(one)}`);
        }
      }
      s += `?${pairs.join('&')}`;
    }
    return s;
  }

  /** True when every part, the password included, is the same. */
  equals(other: unknown): boolean {
    return (
      other instanceof URL &&
      other.renderAsString({ hidePassword: false }) === this.renderAsString({ hidePassword: false })
    );
  }

  /** The URL with its password masked. */
  toString(): string {
    return this.renderAsString();
  }

  /** The URL with its password masked, so `JSON.stringify` never leaks it. */
  toJSON(): string {
    return this.renderAsString();
  }

  [inspect.custom](): string {
    return `URL(${this.renderAsString()})`;
  }
}

/**
 * Parses a database URL string; a {@link URL} is returned as is.
 *
 * @example
 * ```ts
 * const url = makeUrl('mysql://root@127.0.0.1:3306/test');
 * url.getBackendName(); // 'mysql'
 * ```
 */
export function makeUrl(input: string | URL): URL {
  return URL.parse(input);
}

function parseQuery(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const piece of text.split(/[&;]/)) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const key = unquote((eq < 0 ? piece : piece.slice(0, eq)).replace(/\+/g, ' '));
    const value = eq < 0 ? '' : unquote(piece.slice(eq + 1).replace(/\+/g, ' '));
    const prev = out[key];
    if (prev === undefined) out[key] = value;
    else if (typeof prev === 'string') out[key] = [prev, value];
    else prev.push(value);
  }
  return out;
}

/** Percent-decodes, leaving malformed escapes as they are (as Python's `unquote` does). */
function unquote(text: string): string {
  if (!text.includes('%')) return text;
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/** Percent-encodes all but unreserved characters, space and `+` (Python `quote(s, safe=' +')`). */
function quote(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, ' ')
    .replace(/%2B/g, '+');
}

function quotePlus(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}
