/**
 * Rows. A driver hands back each row as a positional array; a Row is an array of a class
 * made once per result shape (the ordered column names, cached) whose prototype adds named
 * getters.
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
const ROW_CLASS = Symbol('rowClass');

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

/**
 * A row class for one result shape. Rows are made by copying the driver's array into an
 * instance: V8 allocates a small array faster than it switches an existing array's prototype
 * (a runtime call per row, several times the cost of the copy).
 */
type RowClass = new (length: number) => unknown[];

/** The class whose instances are rows with these columns; its prototype holds the getters. */
function buildPrototype(keys: readonly string[]): object {
  const RowOfShape = class extends Array<unknown> {} as unknown as RowClass & { prototype: object };
  const proto = RowOfShape.prototype as Record<PropertyKey, unknown>;
  Object.setPrototypeOf(proto, RowBase);
  Object.defineProperty(proto, ROW_CLASS, { value: RowOfShape });
  // `row.map()`, `row.slice()`… give plain arrays, as they do for any array.
  Object.defineProperty(proto, 'constructor', { value: Array, writable: true, configurable: true });
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
 * Turns a positional array into a Row (a copy: the driver's array is left as it was).
 *
 * @example
 * ```ts
 * const row = asRow([1, 'Ann'], rowPrototype(['id', 'name']));
 * row.name; // 'Ann'
 * ```
 */
export function asRow<T = Record<string, unknown>>(values: unknown[], proto: object): Row<T> {
  const RowOfShape = (proto as { [ROW_CLASS]: RowClass })[ROW_CLASS];
  const n = values.length;
  const row = new RowOfShape(n);
  for (let i = 0; i < n; i++) row[i] = values[i];
  return row as unknown as Row<T>;
}
