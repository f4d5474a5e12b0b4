/**
 * `insert(table)`: INSERT of one row, many rows (multi-row VALUES) or a SELECT, with
 * RETURNING and upserts. Client-side column defaults fill the columns a row leaves out
 * (functions are called once per row per execution).
 */
import { ArgumentError } from '../../errors.js';
import { ColumnExpression } from '../expressions/expression.js';
import {
  checkValue,
  coerceCondition,
  isExpression,
  selectNodeOf,
} from '../expressions/coercions.js';
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

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The cells of `rows` as plain values, row by row, checked against their columns' types, or
 * undefined when a cell needs a node: an expression, a per-row default function, or anything
 * the node path refuses (which then raises its own error for it, as it always has).
 */
function plainValues(
  rows: readonly Readonly<Record<string, unknown>>[],
  columns: readonly AnyColumn[],
): unknown[] | undefined {
  const width = columns.length;
  const keys = columns.map((col) => col.key);
  const targets = columns.map((col) => String(col));
  // A missing cell takes the column's constant default: checked once, when first needed.
  const fallbacks = new Array<unknown>(width);
  const out = new Array<unknown>(rows.length * width);
  let at = 0;
  for (const row of rows) {
    for (let j = 0; j < width; j++) {
      const key = keys[j]!;
      let value = Object.hasOwn(row, key) ? row[key] : undefined;
      if (value === undefined) {
        value = fallbacks[j];
        if (value === undefined) {
          const def = columns[j]!.default;
          if (def === undefined || 'fn' in def || def.value === undefined) return undefined;
          value = def.value;
          if (value !== null) checkValue(value, columns[j]!.type, targets[j]);
          fallbacks[j] = value;
        }
      } else if (value !== null) {
        if (typeof value === 'object' && (isExpression(value) || selectNodeOf(value) !== undefined))
          return undefined;
        checkValue(value, columns[j]!.type, targets[j]);
      }
      out[at++] = value;
    }
  }
  return out;
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
    // The keys of a row that set all of them: a row with exactly these keys adds nothing.
    let complete: string[] | undefined;
    for (const row of list) {
      if (typeof row !== 'object' || row === null)
        throw new ArgumentError('insert().values() takes objects of column values.');
      const own = Object.keys(row);
      if (complete !== undefined && sameKeys(own, complete)) continue;
      let setsAll = true;
      for (const key of own) {
        if (row[key] !== undefined) keys.add(key);
        else setsAll = false;
      }
      if (setsAll) complete ??= own;
    }
    const given = [...keys].map((k) => columnByKey(table, k, 'insert().values()'));
    const defaulted = table.columns.filter((c) => c.default !== undefined && !given.includes(c));
    const columns = [...given, ...defaulted].sort((a, b) => a.position - b.position);
    const values = plainValues(list, columns);
    if (values !== undefined) {
      const valueRows = { count: list.length, values };
      return this.withNode({ columns, rows: [], valueRows, select: undefined });
    }
    const nodes = list.map((row, i) =>
      columns.map((col) => {
        const value = Object.hasOwn(row, col.key) ? row[col.key] : undefined;
        return value === undefined ? missingCell(col, i) : valueFor(col, value);
      }),
    );
    return this.withNode({ columns, rows: nodes, valueRows: undefined, select: undefined });
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
      valueRows: undefined,
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
