/**
 * `MetaData`: a collection of tables, with `createAll`/`dropAll` in foreign-key order.
 */
import { ArgumentError } from '../../errors.js';
import type { AnyColumnBuilder } from './column-builder.js';
import { columnTypes, type ColumnTypes } from './column-types.js';
import type { ConstraintBuilders } from './constraint-builders.js';
import type { TableConstraint } from './constraints.js';
import { createTables, dropTables, type DDLBind, type DDLOptions } from './ddl-runner.js';
import { reflectTables, type ReflectOptions } from './reflect.js';
import { sortTables, type SortedTables } from './sort.js';
import { Table, type AnyTable, type ColumnsOf } from './table.js';

/**
 * A collection of table definitions.
 *
 * @example
 * ```ts
 * const metadata = new MetaData();
 * const users = metadata.table('users', (t) => ({
 *   id: t.integer().primaryKey(),
 *   name: t.text().notNull(),
 * }));
 * await metadata.createAll(engine);
 * ```
 */
export class MetaData {
  private readonly byName = new Map<string, AnyTable>();

  /** The tables by SQL name, in declaration order. */
  get tables(): ReadonlyMap<string, AnyTable> {
    return this.byName;
  }

  /**
   * Defines a table. `columns` receives the column builders (`t.integer()`, `t.text()`…) and
   * returns them by property name; the optional `constraints` callback receives the columns
   * and the constraint builders and returns table-level constraints.
   */
  table<TName extends string, B extends Record<string, AnyColumnBuilder>>(
    name: TName,
    columns: (t: ColumnTypes) => B,
    constraints?: (c: ColumnsOf<B>, t: ConstraintBuilders) => readonly TableConstraint[],
  ): Table<TName, ColumnsOf<B>> {
    if (typeof name !== 'string' || name.length === 0) {
      throw new ArgumentError('metadata.table() needs a non-empty table name.');
    }
    if (this.byName.has(name)) {
      throw new ArgumentError(
        `Table '${name}' is already defined for this MetaData instance; define each table once.`,
      );
    }
    const table = new Table<TName, ColumnsOf<B>>(this, name, columns(columnTypes), constraints);
    this.byName.set(name, table as unknown as AnyTable);
    return table;
  }

  /** @internal Adds a table built elsewhere (reflection). */
  adopt(table: AnyTable): void {
    if (this.byName.has(table.name))
      throw new ArgumentError(
        `Table '${table.name}' is already defined for this MetaData instance.`,
      );
    this.byName.set(table.name, table);
  }

  /** Removes a table from this collection (the database is not touched). */
  remove(table: AnyTable): void {
    if (this.byName.get(table.name) === table) this.byName.delete(table.name);
  }

  /** The tables in foreign-key dependency order (referred tables first). */
  get sortedTables(): readonly AnyTable[] {
    return this.sort().tables;
  }

  /** @internal The dependency order plus the keys cut to break cycles. */
  sort(tables: readonly AnyTable[] = [...this.byName.values()]): SortedTables {
    return sortTables(tables);
  }

  /**
   * Creates every table (and its indexes) in dependency order. With `checkFirst` (the
   * default) tables that already exist are skipped.
   */
  async createAll(bind: DDLBind, options: DDLOptions = {}): Promise<void> {
    await createTables(bind, this.sort(), options);
  }

  /** Drops every table in reverse dependency order; with `checkFirst` missing ones are skipped. */
  async dropAll(bind: DDLBind, options: DDLOptions = {}): Promise<void> {
    await dropTables(bind, this.sort(), options);
  }

  /**
   * Reads the tables of the database (all, or `only` those named) into this MetaData, with
   * their columns, primary keys and nullability. Tables already defined are kept as they are.
   */
  async reflect(bind: DDLBind, options: ReflectOptions = {}): Promise<void> {
    await reflectTables(this, bind, options);
  }
}
