/**
 * The mapper: what the ORM knows about one mapped class. It lists the class's column
 * attributes in table order (an attribute's index is its slot in every instance's value array),
 * the primary key, the version column, and the prototype loaded objects are created from.
 * It is built from plain column descriptions so that everything above it (state, identity map,
 * unit-of-work planning) can be tested without a database.
 */
import { ArgumentError, InvalidRequestError } from '../../errors.js';
import { NO_VALUE } from '../state/sentinels.js';
import { compositeKey, keyPart, type IdentityKey } from './identity-key.js';

/** One mapped column attribute. */
export interface ColumnInfo {
  /** The property name on instances (`lastLogin`). */
  readonly key: string;
  /** The SQL column name (`last_login`). */
  readonly name: string;
  /** The SQL layer's column object, used to build statements. */
  readonly column: unknown;
  readonly primaryKey: boolean;
  /** The database generates the value when it is omitted (integer primary keys). */
  readonly autoincrement: boolean;
  /** A client-side default applied at INSERT when the attribute was never set. */
  readonly default: (() => unknown) | undefined;
  /** A client-side value applied by UPDATEs that do not set the column. */
  readonly onUpdate: (() => unknown) | undefined;
  /** The database fills the value when it is omitted (`serverDefault(...)`). */
  readonly hasServerDefault: boolean;
  /** Names of the tables this column's foreign keys point at. */
  readonly references: readonly string[];
}

/** Everything needed to build a mapper. */
export interface MapperConfig {
  readonly cls: abstract new (...args: never[]) => object;
  readonly table: unknown;
  readonly tableName: string;
  readonly columns: readonly ColumnInfo[];
  /** The attribute that holds the optimistic-concurrency version counter. */
  readonly versionKey?: string | undefined;
  /** Warn when a DELETE matches fewer rows than objects (default true). */
  readonly confirmDeletedRows?: boolean | undefined;
}

let mapperCount = 0;

/** The ORM's description of one mapped class. */
export class Mapper {
  readonly cls: abstract new (...args: never[]) => object;
  readonly table: unknown;
  readonly tableName: string;
  readonly columns: readonly ColumnInfo[];
  readonly keys: readonly string[];
  /** Attribute indexes of the primary-key columns, in key order. */
  readonly pk: readonly number[];
  /** Index of the version column, or -1. */
  readonly versionIndex: number;
  /** Warn when a DELETE matches fewer rows than objects. */
  readonly confirmDeletedRows: boolean;
  /** Indexes of columns with a client-side `onUpdate` value. */
  readonly onUpdateIndexes: readonly number[];
  /** The prototype loaded instances are created from (the user's class prototype). */
  readonly prototype: object;
  /** Template for an instance's record of old values (copied per modified instance). */
  readonly noValues: readonly unknown[];
  /** Registration order, used to break ties in flush ordering deterministically. */
  readonly order: number;
  readonly identityKeyOf: (values: readonly unknown[]) => IdentityKey;
  /** Positions 0..n-1: where each attribute sits in a row of the whole table. */
  readonly allPositions: readonly number[];
  private readonly indexByKey: Map<string, number>;
  /** Template of {@link Mapper.newValues}: copying it is cheaper than filling a new array. */
  private readonly unsetValues: readonly unknown[];

  constructor(config: MapperConfig) {
    this.cls = config.cls;
    this.table = config.table;
    this.tableName = config.tableName;
    this.columns = config.columns;
    this.keys = config.columns.map((c) => c.key);
    this.indexByKey = new Map(this.keys.map((k, i) => [k, i]));
    this.pk = config.columns.flatMap((c, i) => (c.primaryKey ? [i] : []));
    if (this.pk.length === 0) {
      throw new ArgumentError(
        `Mapper for ${this.name} could not assemble any primary key columns for mapped table '${config.tableName}'. Give the table a primaryKey() column.`,
      );
    }
    this.versionIndex = config.versionKey === undefined ? -1 : this.indexOf(config.versionKey);
    if (config.versionKey !== undefined && this.versionIndex < 0) {
      throw new ArgumentError(
        `versionId '${config.versionKey}' is not a column of table '${config.tableName}'; columns are ${this.keys.join(', ')}.`,
      );
    }
    this.confirmDeletedRows = config.confirmDeletedRows ?? true;
    this.onUpdateIndexes = config.columns.flatMap((c, i) => (c.onUpdate !== undefined ? [i] : []));
    this.prototype = config.cls.prototype as object;
    this.noValues = Object.freeze(this.keys.map(() => NO_VALUE));
    this.order = mapperCount++;
    this.allPositions = this.keys.map((_, i) => i);
    this.unsetValues = this.keys.map(() => undefined);
    const pk = this.pk;
    if (pk.length === 1) {
      const p = pk[0]!;
      this.identityKeyOf = (values) => keyPart(values[p]);
    } else {
      this.identityKeyOf = (values) => compositeKey(pk.map((i) => values[i]));
    }
  }

  /** The class name, as used in messages. */
  get name(): string {
    return this.cls.name || 'AnonymousModel';
  }

  /** The identity key of primary-key values given in key order (from `get()`). */
  keyOfIdentity(ident: readonly unknown[]): IdentityKey {
    return ident.length === 1 ? keyPart(ident[0]) : compositeKey(ident);
  }

  /** True when a foreign key of the table points at the table itself. */
  get selfReferencing(): boolean {
    return this.columns.some((c) => c.references.includes(this.tableName));
  }

  /** The attribute index of a property name, or -1. */
  indexOf(key: string): number {
    return this.indexByKey.get(key) ?? -1;
  }

  /** A fresh value array for a new instance: every attribute unset. */
  newValues(): unknown[] {
    return this.unsetValues.slice();
  }

  /** The primary-key columns as `table.column`, for messages. */
  describePrimaryKey(): string {
    return this.pk.map((i) => `${this.tableName}.${this.columns[i]!.name}`).join(', ');
  }

  /** `Mapper[User(users)]`, as SQLAlchemy prints it. */
  toString(): string {
    return `Mapper[${this.name}(${this.tableName})]`;
  }
}

/** Normalizes an identity given to `get()` (scalar, array, or object by attribute name). */
export function identityFromArgument(mapper: Mapper, ident: unknown): unknown[] {
  const pk = mapper.pk;
  if (Array.isArray(ident)) {
    if (ident.length !== pk.length) throw wrongArity(mapper);
    return ident;
  }
  if (ident !== null && typeof ident === 'object' && !(ident instanceof Date)) {
    const record = ident as Record<string, unknown>;
    const names = pk.map((i) => mapper.keys[i]!);
    if (Object.keys(record).length !== names.length || names.some((n) => !(n in record))) {
      throw new InvalidRequestError(
        `Incorrect names of values in identifier to formulate primary key for session.get(); primary key attribute names are ${names.map((n) => `'${n}'`).join(', ')}`,
      );
    }
    return names.map((n) => record[n]);
  }
  if (pk.length !== 1) throw wrongArity(mapper);
  return [ident];
}

function wrongArity(mapper: Mapper): InvalidRequestError {
  return new InvalidRequestError(
    `Incorrect number of values in identifier to formulate primary key for session.get(); primary key columns are ${mapper
      .describePrimaryKey()
      .split(', ')
      .map((c) => `'${c}'`)
      .join(',')}`,
  );
}
