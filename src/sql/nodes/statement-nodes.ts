/** The statement nodes: SELECT, INSERT, UPDATE, DELETE and the DDL statements. */
import type { AnyColumn } from '../schema/column.js';
import type { AnyTable } from '../schema/table.js';
import type { ForeignKey, IndexSpec } from '../schema/constraints.js';
import type { ExprNode } from './expression-nodes.js';
import type { FromNode } from './from-nodes.js';

/** `FOR UPDATE` / `FOR SHARE` options. */
export interface ForUpdateSpec {
  readonly read: boolean;
  readonly nowait: boolean;
  readonly skipLocked: boolean;
  readonly of: readonly FromNode[];
}

/** A SELECT. */
export interface SelectNode {
  readonly kind: 'select';
  readonly columns: readonly ExprNode[];
  /** Explicit FROM items (joins included); empty means "the tables of the columns". */
  readonly froms: readonly FromNode[];
  readonly where: ExprNode | undefined;
  readonly groupBy: readonly ExprNode[];
  readonly having: ExprNode | undefined;
  readonly orderBy: readonly ExprNode[];
  readonly limit: ExprNode | undefined;
  readonly offset: ExprNode | undefined;
  readonly distinct: boolean;
  readonly distinctOn: readonly ExprNode[];
  readonly forUpdate: ForUpdateSpec | undefined;
}

/** One `column = value` of SET clauses. */
export type SetItem = readonly [AnyColumn, ExprNode];

/** `ON CONFLICT … DO NOTHING | DO UPDATE` (PostgreSQL, SQLite) or `ON DUPLICATE KEY UPDATE`. */
export type ConflictClause =
  | {
      readonly style: 'on-conflict';
      readonly target: readonly AnyColumn[];
      /** Absent for DO NOTHING. */
      readonly set: readonly SetItem[] | undefined;
      readonly where: ExprNode | undefined;
    }
  | { readonly style: 'on-duplicate-key'; readonly set: readonly SetItem[] };

/** Multi-row VALUES held as plain data (see `InsertNode.valueRows`). */
export interface InsertValueRows {
  readonly count: number;
  /** `count × columns.length` values, row by row (`null` for NULL). */
  readonly values: readonly unknown[];
}

/** An INSERT of VALUES rows or of a SELECT. */
export interface InsertNode {
  readonly kind: 'insert';
  readonly table: AnyTable;
  readonly columns: readonly AnyColumn[];
  readonly rows: readonly (readonly ExprNode[])[];
  /**
   * Set instead of `rows` (then empty) when `values()` got only plain data: every cell a JS
   * value already checked against its column's type, or a constant column default. The cache
   * key then describes the rows by count and column types, and the compiler binds each cell
   * straight from `valueRows.values` without a node per cell.
   */
  readonly valueRows?: InsertValueRows | undefined;
  readonly select: SelectNode | undefined;
  readonly returning: readonly ExprNode[];
  readonly conflict: ConflictClause | undefined;
}

/** An UPDATE of one table. */
export interface UpdateNode {
  readonly kind: 'update';
  readonly table: AnyTable;
  readonly set: readonly SetItem[];
  readonly where: ExprNode | undefined;
  readonly returning: readonly ExprNode[];
}

/** A DELETE from one table. */
export interface DeleteNode {
  readonly kind: 'delete';
  readonly table: AnyTable;
  readonly where: ExprNode | undefined;
  readonly returning: readonly ExprNode[];
}

/** `CREATE TABLE`, leaving out the foreign keys in `deferred` (added later by ALTER TABLE). */
export interface CreateTableNode {
  readonly kind: 'create_table';
  readonly table: AnyTable;
  readonly deferred: readonly ForeignKey[];
}

/** `DROP TABLE`. */
export interface DropTableNode {
  readonly kind: 'drop_table';
  readonly table: AnyTable;
}

/** `CREATE [UNIQUE] INDEX`. */
export interface CreateIndexNode {
  readonly kind: 'create_index';
  readonly index: IndexSpec;
}

/** `DROP INDEX`. */
export interface DropIndexNode {
  readonly kind: 'drop_index';
  readonly index: IndexSpec;
}

/** `ALTER TABLE … ADD|DROP CONSTRAINT` for foreign keys in a dependency cycle. */
export interface AlterForeignKeyNode {
  readonly kind: 'alter_foreign_key';
  readonly fk: ForeignKey;
  readonly action: 'add' | 'drop';
}

/** Statements that can be cached (no DDL). */
export type DmlNode = SelectNode | InsertNode | UpdateNode | DeleteNode;

/** DDL statements. */
export type DdlNode =
  CreateTableNode | DropTableNode | CreateIndexNode | DropIndexNode | AlterForeignKeyNode;
