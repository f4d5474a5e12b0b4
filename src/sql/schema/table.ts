/**
 * `Table`: a named set of columns with constraints, created by `metadata.table(...)`. Its
 * columns live in `table.c` (a prototype-less object, so a column called `constructor` or
 * `toString` is just a column) and in order in `table.columns`.
 */
import { ArgumentError } from '../../errors.js';
import type { AnyColumnBuilder, ColumnBuilder } from './column-builder.js';
import { Column, resolveAutoincrement, type AnyColumn } from './column.js';
import {
  ForeignKey,
  defaultIndexName,
  type CheckSpec,
  type IndexSpec,
  type TableConstraint,
  type UniqueSpec,
} from './constraints.js';
import { constraintBuilders, type ConstraintBuilders } from './constraint-builders.js';
import type { MetaData } from './metadata.js';
import { Alias, makeJoin, toFrom, type Join } from '../statements/from-items.js';
import type { DDLBind, DDLOptions } from './ddl-runner.js';
import { createTable, dropTable } from './table-ddl.js';

/** The columns a builder map produces: property key → typed `Column`. */
export type ColumnsOf<B> = {
  readonly [K in keyof B & string]: B[K] extends ColumnBuilder<infer T, infer N, infer D, any>
    ? Column<K, T, N, D>
    : never;
};

/** Any map of property key → column. */
export type ColumnMap = { readonly [key: string]: AnyColumn };

let nextTableId = 1;

/**
 * A table. `TName` is its SQL name and `TCols` its columns by property key.
 *
 * @example
 * ```ts
 * const users = metadata.table('users', (t) => ({ id: t.integer().primaryKey(), name: t.text() }));
 * users.c.name;          // Column<'name', string, false, false>
 * users.columns.length;  // 2
 * ```
 */
export class Table<TName extends string = string, TCols extends ColumnMap = ColumnMap> {
  readonly kind = 'table' as const;
  /** Identifies this table object in statement cache keys. */
  readonly id: number = nextTableId++;
  readonly name: TName;
  readonly metadata: MetaData;
  /** The columns by property key. */
  readonly c: TCols;
  /** The columns in declaration order. */
  readonly columns: readonly AnyColumn[];
  /** The primary-key columns in order (empty when the table has none). */
  readonly primaryKey: readonly AnyColumn[];
  readonly primaryKeyName: string | undefined;
  readonly foreignKeys: readonly ForeignKey[];
  readonly uniques: readonly UniqueSpec[];
  readonly checks: readonly CheckSpec[];
  readonly indexes: readonly IndexSpec[];

  /** @internal Use `metadata.table(...)`. */
  constructor(
    metadata: MetaData,
    name: TName,
    builders: Record<string, AnyColumnBuilder>,
    constraints?: (c: TCols, t: ConstraintBuilders) => readonly TableConstraint[],
  ) {
    this.metadata = metadata;
    this.name = name;
    const entries = Object.entries(builders);
    if (entries.length === 0) throw new ArgumentError(`Table '${name}' needs at least one column.`);
    const pkCount = entries.filter(([, b]) => b.config.primaryKey).length;
    const c = Object.create(null) as Record<string, AnyColumn>;
    const byName = new Map<string, string>();
    const columns = entries.map(([key, builder], i) => {
      if (!builder || !(builder.config && builder.config.type)) {
        throw new ArgumentError(
          `Table '${name}', property '${key}': expected a column builder such as t.integer().`,
        );
      }
      const col = new Column(
        this as AnyTable,
        key,
        builder.config,
        i,
        resolveAutoincrement(builder.config, builder.config.type, pkCount),
      );
      const clash = byName.get(col.name);
      if (clash !== undefined) {
        throw new ArgumentError(
          `Table '${name}': properties '${clash}' and '${key}' both map to column '${col.name}'.`,
        );
      }
      byName.set(col.name, key);
      c[key] = col;
      return col;
    });
    this.c = c as unknown as TCols;
    this.columns = columns;

    const fks: ForeignKey[] = [];
    const uniques: UniqueSpec[] = [];
    const checks: CheckSpec[] = [];
    const indexes: IndexSpec[] = [];
    let pk = columns.filter((col) => col.primaryKey);
    let pkName: string | undefined;
    for (const col of columns) {
      const ref = entries[col.position]![1].config.references;
      if (ref)
        fks.push(
          new ForeignKey(this as AnyTable, [col], ref.target, ref.options.name, ref.options),
        );
      if (col.unique) uniques.push({ kind: 'unique', columns: [col], name: undefined });
      if (col.index)
        indexes.push({
          kind: 'index',
          table: this as AnyTable,
          columns: [col],
          name: defaultIndexName(name, [col]),
          unique: false,
        });
    }
    for (const spec of constraints?.(this.c, constraintBuilders) ?? []) {
      this.checkOwnColumns(spec);
      switch (spec.kind) {
        case 'primary_key':
          if (pk.length > 0 && !sameColumns(pk, spec.columns)) {
            throw new ArgumentError(
              `Table '${name}' declares its primary key twice: on the columns and as a constraint.`,
            );
          }
          pk = [...spec.columns];
          pkName = spec.name;
          break;
        case 'unique':
          uniques.push(spec);
          break;
        case 'check':
          checks.push(spec);
          break;
        case 'foreign_key':
          fks.push(
            new ForeignKey(
              this as AnyTable,
              spec.columns,
              spec.target,
              spec.options.name,
              spec.options,
            ),
          );
          break;
        case 'index_decl':
          indexes.push({
            kind: 'index',
            table: this as AnyTable,
            columns: spec.columns,
            name: spec.name ?? defaultIndexName(name, spec.columns),
            unique: spec.unique,
          });
          break;
      }
    }
    this.applyPrimaryKey(
      pk,
      entries.map(([, b]) => b),
    );
    this.primaryKey = pk;
    this.primaryKeyName = pkName;
    this.foreignKeys = fks;
    this.uniques = uniques;
    this.checks = checks;
    this.indexes = indexes;
  }

  private checkOwnColumns(spec: TableConstraint): void {
    if (spec.kind === 'check') return;
    if (spec.columns.length === 0) {
      throw new ArgumentError(
        `Table '${this.name}': a ${spec.kind.replace('_decl', '')} constraint needs at least one column.`,
      );
    }
    for (const col of spec.columns) {
      if (col.table !== (this as AnyTable)) {
        throw new ArgumentError(
          `Table '${this.name}': constraint column ${String(col)} belongs to another table.`,
        );
      }
    }
  }

  /** Marks table-level primary-key columns NOT NULL and settles autoincrement. */
  private applyPrimaryKey(pk: readonly AnyColumn[], builders: readonly AnyColumnBuilder[]): void {
    for (const col of this.columns) {
      const inPk = pk.includes(col);
      const config = { ...builders[col.position]!.config, primaryKey: inPk };
      const writable = col as {
        -readonly [P in 'primaryKey' | 'nullable' | 'autoincrement']: boolean;
      };
      writable.primaryKey = inPk;
      if (inPk) writable.nullable = false;
      writable.autoincrement = resolveAutoincrement(config, col.type, pk.length);
    }
  }

  /**
   * Creates this table and its indexes (`checkFirst` defaults to false: an existing table is
   * an error, as in SQLAlchemy).
   */
  async create(bind: DDLBind, options: DDLOptions = {}): Promise<void> {
    await createTable(this as unknown as AnyTable, bind, options);
  }

  /** Drops this table (`checkFirst` defaults to false). */
  async drop(bind: DDLBind, options: DDLOptions = {}): Promise<void> {
    await dropTable(this as unknown as AnyTable, bind, options);
  }

  /** This table under another name, for self-joins: `users.alias('boss')`. */
  alias(name: string): Alias<TName, TCols> {
    return new Alias(this, name);
  }

  /** `this JOIN target ON …`, inferred from the one foreign key between them when omitted. */
  join(target: unknown, on?: unknown, options: { outer?: boolean; full?: boolean } = {}): Join {
    return makeJoin(this as unknown as AnyTable, toFrom(target, 'join()'), on, options);
  }

  /** `this LEFT OUTER JOIN target ON …`. */
  outerJoin(target: unknown, on?: unknown): Join {
    return makeJoin(this as unknown as AnyTable, toFrom(target, 'outerJoin()'), on, {
      outer: true,
    });
  }

  /** The column with SQL name `name`, if any. */
  columnByName(name: string): AnyColumn | undefined {
    return this.columns.find((col) => col.name === name);
  }

  /** The table's name. */
  toString(): string {
    return this.name;
  }
}

function sameColumns(a: readonly AnyColumn[], b: readonly AnyColumn[]): boolean {
  return a.length === b.length && a.every((col, i) => col === b[i]);
}

/** Any table. */
export type AnyTable = Table<string, ColumnMap>;

/** A table with the given columns. */
export type TableOf<TCols extends ColumnMap> = Table<string, TCols>;
