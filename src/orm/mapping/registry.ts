/**
 * Finding the mapper of a class or an instance. `Model(table)` stores the mapping config on the
 * base class it returns; the first time a concrete subclass (the user's `class User extends
 * Model(users)`) is used, a mapper is built for it and kept as an own static property, so
 * loaded objects are created from the user's prototype.
 */
import { ArgumentError, InvalidRequestError } from '../../errors.js';
import { Mapper, type ColumnInfo } from './mapper.js';
import { stateOf, type InstanceState } from '../state/instance-state.js';

/** Own static property of a mapped class holding its mapper. */
export const MAPPER: unique symbol = Symbol('athanor.orm.mapper');
/** Static property of a `Model(table)` base holding what every mapper of it needs. */
export const MODEL_CONFIG: unique symbol = Symbol('athanor.orm.modelConfig');

/** The mapping config stored on a Model base class. */
export interface ModelConfig {
  readonly table: unknown;
  readonly tableName: string;
  readonly columns: readonly ColumnInfo[];
  readonly versionKey: string | undefined;
  readonly confirmDeletedRows: boolean;
}

type MappedFunction = (abstract new (...args: never[]) => object) & {
  [MAPPER]?: Mapper;
  [MODEL_CONFIG]?: ModelConfig;
};

/** The mapper of a mapped class, or undefined for anything else. */
export function mapperOfClass(cls: unknown): Mapper | undefined {
  if (typeof cls !== 'function') return undefined;
  const fn = cls as MappedFunction;
  if (Object.hasOwn(fn, MAPPER)) return fn[MAPPER];
  const config = fn[MODEL_CONFIG];
  if (config === undefined) return undefined;
  const mapper = new Mapper({ cls: fn, ...config });
  Object.defineProperty(fn, MAPPER, { value: mapper });
  return mapper;
}

/** The mapper of a mapped class; ArgumentError otherwise (SQLAlchemy's wording). */
export function requireMapper(cls: unknown): Mapper {
  const mapper = mapperOfClass(cls);
  if (mapper === undefined) {
    throw new ArgumentError(
      `Expected mapped class or mapper, got: ${describeThing(cls)}. Map a class with \`class User extends Model(users) {}\`.`,
    );
  }
  return mapper;
}

/** The state of a mapped instance; InvalidRequestError (SQLAlchemy's UnmappedInstanceError) otherwise. */
export function requireState(obj: unknown): InstanceState {
  const state = stateOf(obj);
  if (state === undefined) {
    throw new InvalidRequestError(
      `Class '${describeClass(obj)}' is not mapped; the session takes instances of classes made with \`class X extends Model(table) {}\`.`,
    );
  }
  return state;
}

function describeClass(obj: unknown): string {
  if (obj === null) return 'null';
  if (typeof obj !== 'object') return typeof obj;
  return (
    (Object.getPrototypeOf(obj) as { constructor?: { name?: string } } | null)?.constructor?.name ??
    'Object'
  );
}

function describeThing(value: unknown): string {
  if (typeof value === 'function') return `class ${value.name || '(anonymous)'}`;
  if (typeof value === 'string') return `'${value}'`;
  if (value === null || typeof value !== 'object') return String(value);
  return `an instance of ${describeClass(value)}`;
}
