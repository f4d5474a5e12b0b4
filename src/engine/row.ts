/**
 * Rows. A driver hands back each row as a positional array; a Row is that same array with a
 * prototype that adds named getters, so making one costs a prototype switch, not a copy. The
 * prototype is built once per result shape (the ordered column names) and cached.
 */
import { inspect } from 'node:util';
import { InvalidRequestError } from '../errors.js';
import { LruCache } from '../util/lru-cache.js';

/** Methods every row has, besides array access and one getter per column name. */
export interface RowMethods {
  /** The row as a plain object keyed by column name. */
  toObject(): Record<string, unknown>;
  /** The row as a plain object keyed by column name (SQLAlchemy's `row._mapping`). */
  readonly _mapping: Record<string, unknown>;
  /** The column names, in order (SQLAlchemy's `row._fields`). */
  readonly _fields: readonly string[];
  /** Same as `toObject()` (SQLAlchemy's `row._asdict()`). */
  _asdict(): Record<string, unknown>;
}

/**
 * A result row: an array of column values (`row[0]`), with the columns also readable by name
 * (`row.name`), except names an array already uses (`length`, `constructor`) and the row
 * methods; `row.toObject()` gives every column.
 */
export type Row<T = Record<string, unknown>> = readonly unknown[] & Readonly<T> & RowMethods;

const FIELDS = Symbol('fields');

/** The shared base of row prototypes: Array behaviour plus the row methods. */
const RowBase: object = Object.create(Array.prototype, {
  toObject: {
    value: function toObject(this: unknown[] & { [FIELDS]: readonly string[] }) {
      const keys = this[FIELDS];
      const out: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) out[keys[i] as string] = this[i];
      return out;
    },
    writable: true,
    configurable: true,
  },
  _asdict: {
    value: function _asdict(this: RowMethods) {
      return this.toObject();
    },
    writable: true,
    configurable: true,
  },
  _mapping: {
    get(this: RowMethods) {
      return this.toObject();
    },
    configurable: true,
  },
  _fields: {
    get(this: { [FIELDS]: readonly string[] }) {
      return this[FIELDS];
    },
    configurable: true,
  },
  [inspect.custom]: {
    value: function (this: unknown[]) {
      return `Row(${inspect(Array.from(this))})`;
    },
    configurable: true,
  },
});

/** Names no column getter may take: they would break arrays or the row methods. */
const RESERVED = new Set(['length', 'constructor', 'toObject', '_asdict', '_mapping', '_fields']);

/** The prototype that turns arrays with these columns into rows. */
function buildPrototype(keys: readonly string[]): object {
  const proto = Object.create(RowBase) as Record<PropertyKey, unknown>;
  Object.defineProperty(proto, FIELDS, { value: Object.freeze(keys.slice()) });
  const seen = new Map<string, number>();
  keys.forEach((key, i) => {
    if (RESERVED.has(key) || /^\d+$/.test(key) || key === '__proto__') return;
    if (seen.has(key)) {
      Object.defineProperty(proto, key, {
        get() {
          throw new InvalidRequestError(
            `Ambiguous column name '${key}' in result set column descriptions; ` +
              'use the position, or label the columns apart',
          );
        },
        configurable: true,
      });
      return;
    }
    seen.set(key, i);
    Object.defineProperty(proto, key, {
      get(this: unknown[]) {
        return this[i];
      },
      configurable: true,
    });
  });
  return proto;
}

const prototypes = new LruCache<string, object>(512);
/**
 * Adapters that reuse one frozen column-name array per statement (better-sqlite3 here) get a
 * lookup by identity; fresh arrays per result (pg, mysql2) go by their joined names.
 */
const byArray = new WeakMap<readonly string[], object>();

/** The keys array seen last and its prototype: a loop running one statement hits this. */
let lastKeys: readonly string[] | undefined;
let lastProto: object | undefined;

/** The (cached) row prototype for `keys`. */
export function rowPrototype(keys: readonly string[]): object {
  if (keys === lastKeys) return lastProto as object;
  let proto = byArray.get(keys);
  if (proto === undefined) proto = prototypeByNames(keys);
  if (Object.isFrozen(keys)) {
    lastKeys = keys;
    lastProto = proto;
  }
  return proto;
}

function prototypeByNames(keys: readonly string[]): object {
  let proto: object | undefined;
  const id = keys.join('\u0000');
  proto = prototypes.get(id);
  if (proto === undefined) {
    proto = buildPrototype(keys);
    prototypes.set(id, proto);
  }
  if (Object.isFrozen(keys)) byArray.set(keys, proto);
  return proto;
}

/**
 * Turns a positional array into a Row in place.
 *
 * @example
 * ```ts
 * const row = asRow([1, 'Ann'], rowPrototype(['id', 'name']));
 * row.name; // 'Ann'
 * ```
 */
export function asRow<T = Record<string, unknown>>(values: unknown[], proto: object): Row<T> {
  Object.setPrototypeOf(values, proto);
  return values as unknown as Row<T>;
}
