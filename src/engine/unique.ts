/**
 * Keys for `unique()`: two rows are duplicates when their columns hold equal values, as
 * Python's hashing of SQLAlchemy rows decides. Strings, numbers, bigints, booleans and null
 * compare by value; so do Dates (by instant), byte arrays (by content) and JSON-shaped
 * values (plain objects and arrays, by their JSON text). Any other object (a mapped
 * instance, say) compares by identity.
 */

const ids = new WeakMap<object, number>();
let nextId = 0;

function identity(o: object): string {
  let id = ids.get(o);
  if (id === undefined) {
    id = ++nextId;
    ids.set(o, id);
  }
  return `o${id};`;
}

function json(o: object): string | undefined {
  try {
    const text = JSON.stringify(o);
    return text === undefined ? undefined : `j${text.length}:${text}`;
  } catch {
    // Cycles, bigints: not JSON-shaped after all.
    return undefined;
  }
}

/** One value's part of a row key; strings are length-prefixed so parts never run together. */
function token(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return `s${v.length}:${v}`;
    case 'number':
      // String(-0) is '0': -0 and 0 are one value, as in a Set.
      return `n${String(v)};`;
    case 'bigint':
      return `i${v};`;
    case 'boolean':
      return v ? 't' : 'f';
    case 'undefined':
      return 'u';
    case 'object': {
      if (v === null) return 'z';
      if (v instanceof Date) return `d${v.getTime()};`;
      if (v instanceof Uint8Array) {
        const text = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1');
        return `b${text.length}:${text}`;
      }
      const proto = Object.getPrototypeOf(v) as unknown;
      if (Array.isArray(v) || proto === Object.prototype || proto === null) {
        return json(v) ?? identity(v);
      }
      return identity(v);
    }
    default:
      return typeof v === 'function' ? identity(v) : `y${String(v)};`;
  }
}

/**
 * The key of a row (its positional values) for duplicate detection.
 *
 * @example
 * ```ts
 * rowKey([1, 'Ann']) === rowKey([1, 'Ann']); // true
 * ```
 */
export function rowKey(values: readonly unknown[]): string {
  let key = '';
  for (let i = 0; i < values.length; i++) key += token(values[i]);
  return key;
}

/**
 * The key of a single value: primitives, Dates, byte arrays and JSON-shaped values go by
 * value, other objects (mapped instances) by identity.
 *
 * @example
 * ```ts
 * valueKey(new Date(0)) === valueKey(new Date(0)); // true
 * ```
 */
export function valueKey(v: unknown): unknown {
  // Strings get a tagged key too, so that no string equals the key of a Date or JSON value.
  if (typeof v === 'string') return token(v);
  if (typeof v !== 'object' || v === null) return v;
  if (v instanceof Date || v instanceof Uint8Array) return token(v);
  const proto = Object.getPrototypeOf(v) as unknown;
  if (Array.isArray(v) || proto === Object.prototype || proto === null) return json(v) ?? v;
  return v;
}

/** A duplicate filter: `seen(raw, out)` is true when an equal row was already returned. @internal */
export class UniqueFilter<Out> {
  readonly #seen = new Set<unknown>();

  constructor(
    /** The key of a row; by default `rowKey` of its raw values. */
    private readonly key: (raw: unknown[], out: Out) => unknown,
  ) {}

  /** True when the row is a duplicate; otherwise records it. */
  seen(raw: unknown[], out: Out): boolean {
    const k = this.key(raw, out);
    if (this.#seen.has(k)) return true;
    this.#seen.add(k);
    return false;
  }
}
