/**
 * `insert(table)`: INSERT of one row, many rows (multi-row VALUES) or a SELECT, with
 * RETURNING and upserts. Client-side column defaults fill the columns a row leaves out
 * (functions are called once per row per execution).
 */
import { ArgumentError } from '../../errors.js';
import { ColumnExpression } from '../expressions/expression.js';
import { coerceCondition, isExpression } from '../expressions/coercions.js';
import type { BindNode, ExprNode } from '../nodes/expression-nodes.js';
import type { InsertNode } from '../nodes/statement-nodes.js';
import type { AnyColumn } from '../schema/column.js';
import type { ColumnMap, Table } from '../schema/table.js';
import type { Condition } from './clauses.js';
import { columnByKey, defaultNode, setItems, toTable, valueFor } from './dml-helpers.js';
import type {
  InsertRow,
  RowOfItems,
  SelectItem,
  Simplify,
  TableLike,
  ColumnsOfLike,
  UpdateRow,
} from './row-types.js';
import { expandItems } from './returning.js';
import type { Select } from './select.js';
import { Statement } from './statement.js';

/** Columns standing for the values an upsert proposed (`excluded.x` / `VALUES(x)`). */
export type ExcludedColumns<C> = {
  readonly [K in keyof C]: C[K] extends ColumnExpression<infer T, infer Key>
    ? ColumnExpression<T, Key>
    : never;
};

function targetList(
  target: AnyColumn | readonly AnyColumn[] | undefined,
  table: Table<string, ColumnMap>,
): AnyColumn[] {
  const list =
    target === undefined
      ? []
      : Array.isArray(target)
        ? [...(target as AnyColumn[])]
        : [target as AnyColumn];
  for (const col of list) {
    if (col.table !== table)
      throw new ArgumentError(`Conflict target ${String(col)} is not a column of ${table.name}.`);
  }
  return list;
}

/** The fallback of a named column parameter: the client default, else NULL when allowed. */
function paramFallback(col: AnyColumn): (() => unknown) | undefined {
  const def = col.default;
  if (def) return 'fn' in def ? def.fn : () => def.value;
  return col.nullable ? () => null : undefined;
}

/**
 * Without values(): one named parameter per column (keyed by property name), so that
 * `execute(insert(t), rows)` inserts each row's values. Autoincrement and server-defaulted
 * columns are left to the database.
 */
function allColumnsNode(table: Table<string, ColumnMap>): InsertNode {
  const columns = table.columns.filter((c) => !c.autoincrement && c.serverDefault === undefined);
  const row: ExprNode[] = columns.map((col) => ({
    kind: 'bind',
    type: col.type,
    value: undefined,
    hasValue: false,
    name: col.key,
    generate: paramFallback(col),
    target: String(col),
  }));
  return {
    kind: 'insert',
    table,
    columns,
    rows: [row],
    select: undefined,
    returning: [],
    conflict: undefined,
  };
}

/** The node for a value a row leaves out: the column's default, else an error. */
function missingCell(col: AnyColumn, row: number): BindNode {
  if (col.default !== undefined) return defaultNode(col, col.default);
  throw new ArgumentError(
    `insert().values(): row ${row + 1} has no value for ${String(col)}, which other rows set; ` +
      'give every row the same keys (null for NULL), or insert them separately.',
  );
}

/**
 * An INSERT statement.
 *
 * @example
 * ```ts
 * await conn.execute(insert(users).values([{ name: 'Ann' }, { name: 'Bo', age: 7 }]));
 * const [row] = (await conn.execute(insert(users).values({ name: 'Cy' }).returning(users.c.id))).all();
 * ```
 */
export class Insert<
  TCols extends ColumnMap = ColumnMap,
  TRow = Record<string, never>,
> extends Statement<TRow, InsertNode> {
  /** @internal Use `insert()`. */
  constructor(readonly table: Table<string, TCols>) {
    super(allColumnsNode(table));
  }

  /** The row(s) to insert; keys are property names. Every row must set the same keys. */
  values(rows: InsertRow<TCols> | readonly InsertRow<TCols>[]): this {
    const list = (Array.isArray(rows) ? rows : [rows]) as readonly Readonly<
      Record<string, unknown>
    >[];
    if (list.length === 0) throw new ArgumentError('insert().values() needs at least one row.');
    const table = this.table;
    const keys = new Set<string>();
    for (const row of list) {
      if (typeof row !== 'object' || row === null)
        throw new ArgumentError('insert().values() takes objects of column values.');
      for (const key of Object.keys(row)) if (row[key] !== undefined) keys.add(key);
    }
    const given = [...keys].map((k) => columnByKey(table, k, 'insert().values()'));
    const defaulted = table.columns.filter((c) => c.default !== undefined && !given.includes(c));
    const columns = [...given, ...defaulted].sort((a, b) => a.position - b.position);
    // Values as given, row by row, while every cell is a fresh bind with a value.
    let fresh: unknown[] | undefined = new Array<unknown>(list.length * columns.length);
    let at = 0;
    const nodes = list.map((row, i) =>
      columns.map((col) => {
        const value = Object.hasOwn(row, col.key) ? row[col.key] : undefined;
        if (value === undefined) {
          const cell = missingCell(col, i);
          if (fresh !== undefined && cell.hasValue && cell.generate === undefined) {
            fresh[at++] = cell.value;
          } else fresh = undefined;
          return cell;
        }
        // Expressions are the caller's nodes (maybe shared): key them node by node.
        if (typeof value === 'object' && value !== null && isExpression(value)) fresh = undefined;
        else if (fresh !== undefined) fresh[at++] = value;
        return valueFor(col, value);
      }),
    );
    return this.withNode({ columns, rows: nodes, freshValues: fresh, select: undefined });
  }

  /** `INSERT INTO t (columns) SELECT …`. */
  fromSelect(columns: readonly AnyColumn[], select: Select<any, any>): this {
    for (const col of columns) {
      if (col.table !== (this.table as unknown))
        throw new ArgumentError(
          `fromSelect(): ${String(col)} is not a column of ${this.table.name}.`,
        );
    }
    if (select.node.columns.length !== columns.length) {
      throw new ArgumentError(
        `fromSelect(): ${columns.length} column(s) but the select() has ${select.node.columns.length}.`,
      );
    }
    return this.withNode({
      columns: [...columns],
      rows: [],
      freshValues: undefined,
      select: select.node,
    });
  }

  /** RETURNING the given columns (PostgreSQL, SQLite, MariaDB). */
  returning<const Items extends readonly SelectItem[]>(
    ...items: Items
  ): Insert<TCols, Simplify<RowOfItems<Items>>> {
    return this.withNode({ returning: expandItems(items, 'returning()') }) as unknown as Insert<
      TCols,
      Simplify<RowOfItems<Items>>
    >;
  }

  /** The values an upsert proposed, for `set`: `excluded.x` (PostgreSQL/SQLite), `VALUES(x)` (MySQL). */
  get excluded(): ExcludedColumns<TCols> {
    const out = Object.create(null) as Record<string, ColumnExpression<unknown, string>>;
    for (const col of this.table.columns) {
      out[col.key] = new ColumnExpression({ kind: 'excluded', type: col.type, name: col.name });
    }
    return out as ExcludedColumns<TCols>;
  }

  /** `ON CONFLICT [(target)] DO NOTHING` (PostgreSQL, SQLite). */
  onConflictDoNothing(options: { target?: AnyColumn | readonly AnyColumn[] } = {}): this {
    const target = targetList(options.target, this.table);
    return this.withNode({
      conflict: { style: 'on-conflict', target, set: undefined, where: undefined },
    });
  }

  /** `ON CONFLICT (target) DO UPDATE SET … [WHERE …]` (PostgreSQL, SQLite). */
  onConflictDoUpdate(options: {
    target: AnyColumn | readonly AnyColumn[];
    set: UpdateRow<TCols>;
    where?: Condition;
  }): this {
    const target = targetList(options.target, this.table);
    if (target.length === 0)
      throw new ArgumentError('onConflictDoUpdate() needs a target column (or columns).');
    const set = setItems(
      this.table,
      options.set as Record<string, unknown>,
      'onConflictDoUpdate({ set })',
    );
    if (set.length === 0)
      throw new ArgumentError('onConflictDoUpdate() needs at least one column in set.');
    const where =
      options.where === undefined
        ? undefined
        : coerceCondition(options.where, 'onConflictDoUpdate({ where })');
    return this.withNode({ conflict: { style: 'on-conflict', target, set, where } });
  }

  /** `ON DUPLICATE KEY UPDATE …` (MySQL, MariaDB). */
  onDuplicateKeyUpdate(options: { set: UpdateRow<TCols> }): this {
    const set = setItems(
      this.table,
      options.set as Record<string, unknown>,
      'onDuplicateKeyUpdate({ set })',
    );
    if (set.length === 0)
      throw new ArgumentError('onDuplicateKeyUpdate() needs at least one column in set.');
    return this.withNode({ conflict: { style: 'on-duplicate-key', set } });
  }
}

/**
 * Starts an INSERT into a table (or a mapped class's table).
 *
 * @example
 * ```ts
 * insert(users).values({ name: 'Ann', age: 30 });
 * ```
 */
export function insert<T extends TableLike>(table: T): Insert<ColumnsOfLike<T>> {
  return new Insert(toTable(table, 'insert()') as unknown as Table<string, ColumnsOfLike<T>>);
}
