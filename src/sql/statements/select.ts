/**
 * `select(...)`: a SELECT statement built generatively. Its rows are typed from what it
 * selects: `select(users.c.id, users.c.name)` yields `{ id: number; name: string }` rows,
 * `select(users)` the full row.
 */
import { ArgumentError } from '../../errors.js';
import { coerceCondition, coerceExpression } from '../expressions/coercions.js';
import { ColumnExpression } from '../expressions/expression.js';
import { collectFroms } from '../nodes/collect.js';
import type { ExprNode } from '../nodes/expression-nodes.js';
import type { FromNode } from '../nodes/from-nodes.js';
import { nameColumns } from '../nodes/naming.js';
import type { ForUpdateSpec, SelectNode } from '../nodes/statement-nodes.js';
import type { AnyColumn } from '../schema/column.js';
import { types } from '../types/sql-type.js';
import { Subquery, makeJoin, toFrom } from './from-items.js';
import { expandItem } from './returning.js';
import type { RowOfItems, SelectItem, Simplify, TupleOfItems } from './row-types.js';
import { Statement } from './statement.js';
import { andNodes, bindLimit, type Condition } from './clauses.js';

/** One selected column, as the ORM and result loaders see it. */
export interface SelectedColumn {
  /** Key in result rows. */
  readonly key: string;
  readonly node: ExprNode;
  /** The table column behind it, when it is one (possibly through an alias). */
  readonly column: AnyColumn | undefined;
  /** The FROM item it belongs to, for columns. */
  readonly from: FromNode | undefined;
}

/** A `select()` argument and the result positions its columns take. */
export interface SelectedItem {
  /** The argument as given (a column, a table, a mapped class…). */
  readonly raw: unknown;
  readonly start: number;
  readonly count: number;
}

/** Options of `forUpdate()`. */
export interface ForUpdateOptions {
  /** `FOR SHARE` (`LOCK IN SHARE MODE` on MySQL) instead of `FOR UPDATE`. */
  read?: boolean;
  nowait?: boolean;
  skipLocked?: boolean;
  /** Lock only the rows of these tables. */
  of?: readonly unknown[];
}

/**
 * A SELECT statement.
 *
 * @example
 * ```ts
 * const stmt = select(users.c.id, users.c.name).where(users.c.age.ge(18)).orderBy(users.c.name).limit(10);
 * const rows = (await conn.execute(stmt)).all(); // { id: number; name: string }[]
 * ```
 */
export class Select<
  TRow = Record<string, unknown>,
  TTuple extends readonly unknown[] = unknown[],
> extends Statement<TRow, SelectNode> {
  declare readonly '~tuple'?: TTuple;
  /** The arguments of `select()` as given, with the result positions each covers. */
  readonly items: readonly SelectedItem[];
  /** Execution options (not part of the SQL): read by the ORM and the engine. */
  readonly options: Readonly<Record<string, unknown>>;

  /** @internal Use `select()`. */
  constructor(items: readonly unknown[]) {
    const columns: ExprNode[] = [];
    const spans: SelectedItem[] = [];
    for (const raw of items) {
      const nodes = expandItem(raw);
      spans.push({ raw, start: columns.length, count: nodes.length });
      columns.push(...nodes);
    }
    super({
      kind: 'select',
      columns,
      froms: [],
      where: undefined,
      groupBy: [],
      having: undefined,
      orderBy: [],
      limit: undefined,
      offset: undefined,
      distinct: false,
      distinctOn: [],
      forUpdate: undefined,
    });
    this.items = spans;
    this.options = Object.freeze({});
  }

  /** The arguments of `select()` as given. */
  get rawColumns(): readonly unknown[] {
    return this.items.map((i) => i.raw);
  }

  /** The selected columns in result order, with their row keys. */
  get selectedColumns(): readonly SelectedColumn[] {
    const keys = nameColumns(this.node.columns).keys;
    return this.node.columns.map((node, i) => {
      const base = node.kind === 'label' ? node.element : node;
      return {
        key: keys[i]!,
        node,
        column: base.kind === 'column' ? base.column : undefined,
        from: base.kind === 'column' ? base.from : undefined,
      };
    });
  }

  /** Adds WHERE conditions (ANDed with any already there). */
  where(...conditions: readonly (Condition | undefined)[]): this {
    return this.withNode({ where: andNodes(this.node.where, conditions, 'where()') });
  }

  /** Adds columns to the column clause. */
  addColumns<const Items extends readonly SelectItem[]>(
    ...items: Items
  ): Select<Simplify<TRow & RowOfItems<Items>>, [...TTuple, ...TupleOfItems<Items>]> {
    const added = new Select(items);
    const offset = this.node.columns.length;
    const next = this.withNode(
      { columns: [...this.node.columns, ...added.node.columns] },
      {
        items: [...this.items, ...added.items.map((i) => ({ ...i, start: i.start + offset }))],
      },
    );
    return next as unknown as Select<
      Simplify<TRow & RowOfItems<Items>>,
      [...TTuple, ...TupleOfItems<Items>]
    >;
  }

  /** Sets the FROM items explicitly (several make a cross join). */
  selectFrom(...froms: readonly unknown[]): this {
    return this.withNode({
      froms: [...this.node.froms, ...froms.map((f) => toFrom(f, 'selectFrom()'))],
    });
  }

  /**
   * Joins `target` to this select's FROM (its first table when none was given); the ON
   * clause is inferred from the one foreign key between them when omitted.
   */
  join(target: unknown, on?: Condition, options: { outer?: boolean; full?: boolean } = {}): this {
    const right = toFrom(target, 'join()');
    // FROM items the join brings in itself are not kept as separate FROM items.
    const froms = (this.node.froms.length > 0 ? [...this.node.froms] : this.implicitFroms()).filter(
      (f) => !containsFrom(right, f),
    );
    if (froms.length === 0) {
      throw new ArgumentError(
        'This select() has no table to join from; use .selectFrom(left) first, or .joinFrom(left, right).',
      );
    }
    let index = 0;
    if (on !== undefined) {
      const referenced: FromNode[] = [];
      collectFroms(coerceCondition(on, 'join() ON clause'), referenced);
      const hit = froms.findIndex((f) =>
        referenced.some((r) => f === r || (f.kind === 'join' && containsFrom(f, r))),
      );
      if (hit >= 0) index = hit;
    }
    froms[index] = makeJoin(froms[index]!, right, on, options);
    return this.withNode({ froms });
  }

  /** `LEFT OUTER JOIN`; see {@link Select.join}. */
  outerJoin(target: unknown, on?: Condition, options: { full?: boolean } = {}): this {
    return this.join(target, on, { outer: true, full: options.full === true });
  }

  /** Adds `left JOIN right` as a FROM item. */
  joinFrom(
    left: unknown,
    right: unknown,
    on?: Condition,
    options: { outer?: boolean; full?: boolean } = {},
  ): this {
    const j = makeJoin(toFrom(left, 'joinFrom()'), toFrom(right, 'joinFrom()'), on, options);
    return this.withNode({ froms: [...this.node.froms, j] });
  }

  private implicitFroms(): FromNode[] {
    const found: FromNode[] = [];
    for (const col of this.node.columns) collectFroms(col, found);
    return found;
  }

  /** GROUP BY. */
  groupBy(...expressions: readonly unknown[]): this {
    return this.withNode({
      groupBy: [...this.node.groupBy, ...expressions.map((e) => coerceExpression(e, 'groupBy()'))],
    });
  }

  /** HAVING conditions (ANDed). */
  having(...conditions: readonly (Condition | undefined)[]): this {
    return this.withNode({ having: andNodes(this.node.having, conditions, 'having()') });
  }

  /** ORDER BY columns or `asc()`/`desc()` orderings (appended to earlier ones). */
  orderBy(...items: readonly unknown[]): this {
    return this.withNode({
      orderBy: [...this.node.orderBy, ...items.map((e) => coerceExpression(e, 'orderBy()'))],
    });
  }

  /** LIMIT (bound as a parameter); `null` removes it. */
  limit(count: number | null): this {
    return this.withNode({ limit: count === null ? undefined : bindLimit(count, 'limit()') });
  }

  /** OFFSET (bound as a parameter); `null` removes it. */
  offset(count: number | null): this {
    return this.withNode({ offset: count === null ? undefined : bindLimit(count, 'offset()') });
  }

  /** SELECT DISTINCT; with expressions, PostgreSQL's DISTINCT ON (…). */
  distinct(...on: readonly unknown[]): this {
    return this.withNode({
      distinct: true,
      distinctOn: on.map((e) => coerceExpression(e, 'distinct()')),
    });
  }

  /** Locks the selected rows: FOR UPDATE [OF …] [NOWAIT | SKIP LOCKED], or FOR SHARE with `read`. */
  forUpdate(options: ForUpdateOptions = {}): this {
    const spec: ForUpdateSpec = {
      read: options.read === true,
      nowait: options.nowait === true,
      skipLocked: options.skipLocked === true,
      of: (options.of ?? []).map((f) => toFrom(f, 'forUpdate({ of })')),
    };
    return this.withNode({ forUpdate: spec });
  }

  /** Execution options for the engine/ORM (merged with earlier ones; not part of the SQL). */
  executionOptions(options: Readonly<Record<string, unknown>>): this {
    return this.withNode({}, { options: Object.freeze({ ...this.options, ...options }) });
  }

  /** This select as a FROM item named `name`, with its columns in `.c`. */
  subquery(name = 'anon_1'): Subquery<TRow> {
    return new Subquery<TRow>(this.node, name);
  }

  /** This one-column select as a value: `(SELECT …)`. */
  scalarSubquery(): ColumnExpression<TRow[keyof TRow] | null> {
    if (this.node.columns.length !== 1) {
      throw new ArgumentError(
        `scalarSubquery() needs a select() of exactly one column, got ${this.node.columns.length}.`,
      );
    }
    return new ColumnExpression({
      kind: 'scalar_subquery',
      type: this.node.columns[0]!.type,
      select: this.node,
    });
  }

  /** `EXISTS (this select)`. */
  exists(): ColumnExpression<boolean> {
    return new ColumnExpression({ kind: 'exists', type: types.boolean(), select: this.node });
  }
}

function containsFrom(join: FromNode, target: FromNode): boolean {
  if (join === target) return true;
  return (
    join.kind === 'join' && (containsFrom(join.left, target) || containsFrom(join.right, target))
  );
}

/**
 * Starts a SELECT of columns, expressions, tables (all their columns), aliases, subqueries or
 * mapped classes.
 *
 * @example
 * ```ts
 * select(users);                                  // every column of users
 * select(users.c.name, func.count().label('n'));  // { name: string; n: number }
 * ```
 */
export function select<const Items extends readonly SelectItem[]>(
  ...items: Items
): Select<Simplify<RowOfItems<Items>>, TupleOfItems<Items>> {
  if (items.length === 0)
    throw new ArgumentError('select() needs at least one column, table or expression.');
  return new Select(items);
}
