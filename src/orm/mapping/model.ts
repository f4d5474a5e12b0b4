/**
 * `Model(table)`: the base class of a mapped class. Instances are real instances of the user's
 * class, with the table's columns as typed accessor properties (inferred from the table, no
 * decorators), a constructor taking a partial row, and room for the user's own methods and
 * getters. Column expressions for queries live on the class as `User.c.<key>` (the table's
 * columns), because static `name` and `length` already belong to every JS function.
 */
import { ArgumentError } from '../../errors.js';
import type { ValueOf } from '../../sql/expressions/expression.js';
import type { AnyColumn } from '../../sql/schema/column.js';
import type { AnyTable } from '../../sql/schema/table.js';
import { installAttributes } from '../state/attributes.js';
import { InstanceState, STATE, VALUES, type Stateful } from '../state/instance-state.js';
import { EXPIRED } from '../state/sentinels.js';
import type { ColumnInfo, Mapper } from './mapper.js';
import { MODEL_CONFIG, mapperOfClass, type ModelConfig } from './registry.js';

/** The row of a table as instance properties: property key → JS value (null when nullable). */
export type ModelRow<TTable extends AnyTable> = {
  -readonly [K in keyof TTable['c'] & string]: ValueOf<TTable['c'][K]>;
};

/** What a mapped class's constructor takes: any subset of the row. */
export type ModelInit<TTable extends AnyTable> = Partial<ModelRow<TTable>>;

/** Options of `Model(table, options)`. */
export interface ModelOptions<TTable extends AnyTable> {
  /**
   * The column holding the optimistic-concurrency version counter (SQLAlchemy's
   * `version_id_col`): set to 1 on INSERT, incremented by every UPDATE, and checked in the
   * WHERE clause of UPDATE and DELETE; a mismatch raises StaleDataError.
   */
  versionId?: keyof TTable['c'] & string;
  /** Warn when a DELETE matches fewer rows than objects deleted (default true). */
  confirmDeletedRows?: boolean;
}

/** Instance members every mapped object has besides its columns. */
export interface ModelMethods {
  /** The loaded column values as a plain object (expired ones left out). */
  toJSON(): Record<string, unknown>;
}

/** A mapped instance of `TTable`. */
export type ModelInstance<TTable extends AnyTable> = ModelRow<TTable> & ModelMethods;

/** The class `Model(table)` returns, to be extended. */
export interface ModelClass<TTable extends AnyTable> {
  new (values?: ModelInit<TTable>): ModelInstance<TTable>;
  /** The table's columns, for queries: `User.c.age.ge(18)`. */
  readonly c: TTable['c'];
  /** The mapped table. */
  readonly table: TTable;
  /** Lets SQL constructs take the class where a table is expected (`select(User)`). */
  __clauseElement__(): TTable;
  readonly [MODEL_CONFIG]: ModelConfig;
}

/** Any class made by `Model()` (or extending one). */
export type MappedClass<T extends object = object> = (abstract new (...args: never[]) => T) & {
  readonly table: AnyTable;
  readonly c: AnyTable['c'];
};

/**
 * Makes the base class of a mapped class.
 *
 * @example
 * ```ts
 * const users = metadata.table('users', (t) => ({
 *   id: t.integer().primaryKey(),
 *   name: t.text().notNull(),
 *   age: t.integer(),
 * }));
 * class User extends Model(users) {
 *   get isAdult() { return (this.age ?? 0) >= 18; }
 * }
 * const u = new User({ name: 'Ann', age: 30 });
 * ```
 */
export function Model<TTable extends AnyTable>(
  table: TTable,
  options: ModelOptions<TTable> = {},
): ModelClass<TTable> {
  if (
    table === null ||
    typeof table !== 'object' ||
    (table as { kind?: unknown }).kind !== 'table'
  ) {
    throw new ArgumentError('Model() expects a table made with metadata.table(...).');
  }
  if (Object.hasOwn(table.c, 'constructor')) {
    throw new ArgumentError(
      `Table '${table.name}' has a column property named 'constructor', which a mapped class cannot have: every class prototype has its own 'constructor'. ` +
        "Map it under another property name, e.g. ctor: t.text('constructor').",
    );
  }
  const config: ModelConfig = {
    table,
    tableName: table.name,
    columns: table.columns.map(columnInfo),
    versionKey: options.versionId,
    confirmDeletedRows: options.confirmDeletedRows ?? true,
  };
  const keys = config.columns.map((c) => c.key);
  // The class last constructed and its mapper: bulk construction makes thousands of one
  // class in a row, and a class's mapper never changes once made.
  let lastClass: unknown;
  let lastMapper: Mapper | undefined;
  // The keys of the last constructor argument, in order, and their attribute indexes: bulk
  // construction passes objects of one shape, whose keys then need no lookup. Every mapper
  // of this base maps the table's columns in the same order, so the indexes hold for all.
  const lastKeys: string[] = [];
  const lastIndexes: number[] = [];
  class Base {
    static readonly c = table.c;
    static readonly table = table;
    static readonly [MODEL_CONFIG] = config;

    static __clauseElement__(): TTable {
      return table;
    }

    constructor(values?: Record<string, unknown>) {
      let mapper = lastMapper;
      if (new.target !== lastClass || mapper === undefined) {
        mapper = mapperOfClass(new.target)!;
        lastClass = new.target;
        lastMapper = mapper;
      }
      const slots = mapper.newValues();
      if (values !== undefined && values !== null) {
        // for-in with an own-property check walks the same keys as Object.keys() without
        // allocating an array per object (bulk construction makes thousands of them).
        let j = 0;
        for (const key in values) {
          if (!Object.hasOwn(values, key)) continue;
          let i: number;
          if (lastKeys[j] === key) {
            i = lastIndexes[j]!;
          } else {
            i = mapper.indexOf(key);
            if (i < 0) {
              throw new ArgumentError(
                `'${key}' is an invalid keyword argument for ${mapper.name}; its attributes are ${mapper.keys.join(', ')}.`,
              );
            }
            lastKeys[j] = key;
            lastIndexes[j] = i;
          }
          j++;
          slots[i] = values[key];
        }
      }
      (this as unknown as { [STATE]: InstanceState })[STATE] = new InstanceState(
        mapper,
        this,
        slots,
      );
    }

    toJSON(): Record<string, unknown> {
      const out: Record<string, unknown> = {};
      (this as unknown as Stateful)[VALUES].forEach((v, i) => {
        if (v !== EXPIRED) out[keys[i]!] = v;
      });
      return out;
    }
  }
  // console.log(user) shows the columns, not the state object (which references the mapper,
  // the table and the session).
  Object.defineProperty(Base.prototype, Symbol.for('nodejs.util.inspect.custom'), {
    value: function inspectModel(
      this: Base,
      _depth: number,
      options: object,
      inspect: (v: unknown, o: object) => string,
    ) {
      // A state and a load mark both name the mapper: printing makes no state.
      const self = this as unknown as Stateful;
      const parts = self[VALUES].map(
        (v, i) => `${keys[i]!}: ${v === EXPIRED ? '<expired>' : inspect(v, options)}`,
      );
      return `${self[STATE].mapper.name} { ${parts.join(', ')} }`;
    },
  });
  Object.defineProperty(Base, 'name', { value: `Model(${table.name})` });
  installAttributes(Base.prototype, keys);
  return Base as unknown as ModelClass<TTable>;
}

function defaultFn(
  d: { value: unknown } | { fn: () => unknown } | undefined,
): (() => unknown) | undefined {
  if (d === undefined) return undefined;
  if ('fn' in d) return d.fn;
  const value = d.value;
  return () => value;
}

/** Reads what the ORM needs from a column; foreign keys are resolved on first use. */
function columnInfo(col: AnyColumn): ColumnInfo {
  let references: readonly string[] | undefined;
  return {
    key: col.key,
    name: col.name,
    column: col,
    primaryKey: col.primaryKey,
    autoincrement: col.autoincrement,
    default: defaultFn(col.default as { value: unknown } | { fn: () => unknown } | undefined),
    onUpdate: defaultFn(col.onUpdate as { value: unknown } | { fn: () => unknown } | undefined),
    hasServerDefault: col.serverDefault !== undefined,
    get references(): readonly string[] {
      references ??= col.foreignKeys.map((fk) => fk.referredTable.name);
      return references;
    },
  };
}
