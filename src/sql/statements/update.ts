/** `update(table)` and `delete(table)` (exported as `delete_`/`deleteFrom`: `delete` is a keyword). */
import type { DeleteNode, SetItem, UpdateNode } from '../nodes/statement-nodes.js';
import type { ColumnMap, Table } from '../schema/table.js';
import { andNodes, type Condition } from './clauses.js';
import { defaultNode, setItems, toTable } from './dml-helpers.js';
import { expandItems } from './returning.js';
import type {
  ColumnsOfLike,
  RowOfItems,
  SelectItem,
  Simplify,
  TableLike,
  UpdateRow,
} from './row-types.js';
import { Statement } from './statement.js';

/** SET items plus the `onUpdate` defaults of columns they leave out. */
function withOnUpdate(table: Table<string, ColumnMap>, assigned: readonly SetItem[]): SetItem[] {
  const set = [...assigned];
  for (const col of table.columns) {
    if (col.onUpdate !== undefined && !assigned.some(([c]) => c === col))
      set.push([col, defaultNode(col, col.onUpdate)]);
  }
  return set.sort((a, b) => a[0].position - b[0].position);
}

/**
 * An UPDATE statement.
 *
 * @example
 * ```ts
 * await conn.execute(update(users).where(users.c.id.eq(5)).values({ age: users.c.age.add(1) }));
 * ```
 */
export class Update<
  TCols extends ColumnMap = ColumnMap,
  TRow = Record<string, never>,
> extends Statement<TRow, UpdateNode> {
  /** The SET items given by `values()` (without `onUpdate` defaults). */
  readonly assigned: readonly SetItem[] = [];

  /** @internal Use `update()`. */
  constructor(readonly table: Table<string, TCols>) {
    super({ kind: 'update', table, set: [], where: undefined, returning: [] });
  }

  /** Column values to SET (merged with earlier calls); keys are property names. */
  values(values: UpdateRow<TCols>): this {
    const added = setItems(this.table, values as Record<string, unknown>, 'update().values()');
    const assigned = [...this.assigned.filter(([c]) => !added.some(([a]) => a === c)), ...added];
    return this.withNode({ set: withOnUpdate(this.table, assigned) }, { assigned });
  }

  /** WHERE conditions (ANDed). */
  where(...conditions: readonly (Condition | undefined)[]): this {
    return this.withNode({ where: andNodes(this.node.where, conditions, 'where()') });
  }

  /** RETURNING (PostgreSQL, SQLite; not MySQL or MariaDB). */
  returning<const Items extends readonly SelectItem[]>(
    ...items: Items
  ): Update<TCols, Simplify<RowOfItems<Items>>> {
    return this.withNode({ returning: expandItems(items, 'returning()') }) as unknown as Update<
      TCols,
      Simplify<RowOfItems<Items>>
    >;
  }
}

/**
 * A DELETE statement.
 *
 * @example
 * ```ts
 * await conn.execute(deleteFrom(users).where(users.c.id.eq(5)));
 * ```
 */
export class Delete<
  TCols extends ColumnMap = ColumnMap,
  TRow = Record<string, never>,
> extends Statement<TRow, DeleteNode> {
  /** @internal Use `deleteFrom()`. */
  constructor(readonly table: Table<string, TCols>) {
    super({ kind: 'delete', table, where: undefined, returning: [] });
  }

  /** WHERE conditions (ANDed). Without one, every row is deleted. */
  where(...conditions: readonly (Condition | undefined)[]): this {
    return this.withNode({ where: andNodes(this.node.where, conditions, 'where()') });
  }

  /** RETURNING (PostgreSQL, SQLite, MariaDB; not MySQL). */
  returning<const Items extends readonly SelectItem[]>(
    ...items: Items
  ): Delete<TCols, Simplify<RowOfItems<Items>>> {
    return this.withNode({ returning: expandItems(items, 'returning()') }) as unknown as Delete<
      TCols,
      Simplify<RowOfItems<Items>>
    >;
  }
}

/**
 * Starts an UPDATE of a table (or a mapped class's table).
 *
 * @example
 * ```ts
 * update(users).values({ active: false }).where(users.c.lastLogin.lt(cutoff));
 * ```
 */
export function update<T extends TableLike>(table: T): Update<ColumnsOfLike<T>> {
  return new Update(toTable(table, 'update()') as unknown as Table<string, ColumnsOfLike<T>>);
}

/**
 * Starts a DELETE from a table (or a mapped class's table). Also exported as `delete_`.
 *
 * @example
 * ```ts
 * deleteFrom(users).where(users.c.id.in([1, 2, 3]));
 * ```
 */
export function deleteFrom<T extends TableLike>(table: T): Delete<ColumnsOfLike<T>> {
  return new Delete(toTable(table, 'delete()') as unknown as Table<string, ColumnsOfLike<T>>);
}

/** SQLAlchemy's `delete()`, named so because `delete` is a JS keyword. */
export const delete_ = deleteFrom;
