/**
 * FROM items besides tables: aliases (`alias(users, 'u2')`), subqueries
 * (`select(...).subquery('sq')`) and joins. Aliases and subqueries have a `.c` of their own
 * columns, which remember the table columns they stand for (foreign-key inference, the ORM).
 */
import { ArgumentError } from '../../errors.js';
import { ColumnExpression } from '../expressions/expression.js';
import { coerceCondition } from '../expressions/coercions.js';
import type { ColumnNode, ExprNode } from '../nodes/expression-nodes.js';
import type { AliasNode, FromNode, JoinNode, SubqueryNode } from '../nodes/from-nodes.js';
import { nameColumns } from '../nodes/naming.js';
import type { SelectNode } from '../nodes/statement-nodes.js';
import type { AnyColumn } from '../schema/column.js';
import type { ColumnMap, Table } from '../schema/table.js';
import { inferOnClause } from './join-inference.js';

/** The columns of an alias of a table with columns `C`. */
export type AliasColumns<C> = {
  readonly [K in keyof C]: C[K] extends ColumnExpression<infer T, infer Key>
    ? ColumnExpression<T, Key>
    : never;
};

/** The columns of a subquery whose rows are `R`. */
export type SubqueryColumns<R> = { readonly [K in keyof R & string]: ColumnExpression<R[K], K> };

function columnMap<C>(nodes: readonly ColumnNode[]): C {
  const c = Object.create(null) as Record<string, ColumnExpression<unknown, string>>;
  for (const node of nodes) c[node.key] = new ColumnExpression<unknown, string>(node);
  return c as C;
}

/**
 * A table under another name, for self-joins and joining a table twice.
 *
 * @example
 * ```ts
 * const manager = alias(employees, 'manager');
 * select(employees.c.name, manager.c.name.label('manager'))
 *   .join(manager, employees.c.managerId.eq(manager.c.id));
 * ```
 */
export class Alias<
  TName extends string = string,
  TCols extends ColumnMap = ColumnMap,
> implements AliasNode {
  readonly kind = 'alias' as const;
  readonly c: AliasColumns<TCols>;
  readonly columnNodes: readonly ColumnNode[];

  constructor(
    readonly table: Table<TName, TCols>,
    readonly name: string,
  ) {
    if (typeof name !== 'string' || name.length === 0)
      throw new ArgumentError('alias() needs a name.');
    this.columnNodes = table.columns.map((col) => ({
      kind: 'column' as const,
      name: col.name,
      key: col.key,
      type: col.type,
      from: this,
      column: col,
      ref: `ca${table.id}/${name.length}:${name}.${col.name.length}:${col.name}`,
    }));
    this.c = columnMap(this.columnNodes);
  }
}

/**
 * A SELECT used as a FROM item, with its columns in `.c` under their result keys.
 *
 * @example
 * ```ts
 * const counts = select(addresses.c.userId, func.count().label('n')).groupBy(addresses.c.userId).subquery('counts');
 * select(users.c.name, counts.c.n).join(counts, counts.c.userId.eq(users.c.id));
 * ```
 */
export class Subquery<TRow = Record<string, unknown>> implements SubqueryNode {
  readonly kind = 'subquery' as const;
  readonly c: SubqueryColumns<TRow>;
  readonly columnNodes: readonly ColumnNode[];

  constructor(
    readonly select: SelectNode,
    readonly name: string,
  ) {
    const naming = nameColumns(select.columns);
    this.columnNodes = select.columns.map((node, i) => ({
      kind: 'column' as const,
      name: naming.names[i]!,
      key: naming.keys[i]!,
      type: node.type,
      from: this,
      column: proxied(node),
    }));
    this.c = columnMap(this.columnNodes);
  }
}

function proxied(node: ExprNode): AnyColumn | undefined {
  if (node.kind === 'label') return proxied(node.element);
  return node.kind === 'column' ? node.column : undefined;
}

/** Coerces a join target or FROM item (tables, aliases, subqueries, joins, mapped classes). */
export function toFrom(value: unknown, role: string): FromNode {
  if ((typeof value === 'object' || typeof value === 'function') && value !== null) {
    const v = value as { kind?: unknown; __clauseElement__?: () => unknown };
    if (typeof v.__clauseElement__ === 'function') return toFrom(v.__clauseElement__(), role);
    if (v.kind === 'table' || v.kind === 'alias' || v.kind === 'subquery' || v.kind === 'join') {
      return value as FromNode;
    }
    if (v.kind === 'select') {
      throw new ArgumentError(
        `${role}: a select() must be made a subquery first: call .subquery('name') on it.`,
      );
    }
  }
  throw new ArgumentError(
    `${role} expects a table, alias, subquery or join, got ${String(value)}.`,
  );
}

/**
 * A join of two FROM items; chain `.join()`/`.outerJoin()` to join more.
 *
 * @example
 * ```ts
 * select(users.c.name, addresses.c.email).selectFrom(users.join(addresses));
 * ```
 */
export class Join implements JoinNode {
  readonly kind = 'join' as const;
  constructor(
    readonly left: FromNode,
    readonly right: FromNode,
    readonly on: ExprNode,
    readonly outer: boolean,
    readonly full: boolean,
  ) {}

  /** `this JOIN target ON …` (inferred from the one foreign key between them when omitted). */
  join(target: unknown, on?: unknown, options: { outer?: boolean; full?: boolean } = {}): Join {
    return makeJoin(this, toFrom(target, 'join()'), on, options);
  }

  /** `this LEFT OUTER JOIN target ON …`. */
  outerJoin(target: unknown, on?: unknown, options: { full?: boolean } = {}): Join {
    return makeJoin(this, toFrom(target, 'outerJoin()'), on, { outer: true, full: options.full });
  }
}

/** Builds a join, inferring the ON clause when `on` is undefined. */
export function makeJoin(
  left: FromNode,
  right: FromNode,
  on: unknown,
  options: { outer?: boolean | undefined; full?: boolean | undefined },
): Join {
  const cond =
    on === undefined ? inferOnClause(left, right) : coerceCondition(on, 'join() ON clause');
  return new Join(
    left,
    right,
    cond,
    options.outer === true || options.full === true,
    options.full === true,
  );
}

/**
 * `left JOIN right ON on` as a FROM item; the ON clause is inferred from the one foreign key
 * between them when omitted.
 *
 * @example
 * ```ts
 * select(users.c.name, addresses.c.email).selectFrom(join(users, addresses));
 * ```
 */
export function join(
  left: unknown,
  right: unknown,
  on?: unknown,
  options: { outer?: boolean; full?: boolean } = {},
): Join {
  return makeJoin(toFrom(left, 'join()'), toFrom(right, 'join()'), on, options);
}

/**
 * `left LEFT OUTER JOIN right ON on`.
 *
 * @example
 * ```ts
 * select(users.c.name, addresses.c.email).selectFrom(outerJoin(users, addresses));
 * ```
 */
export function outerJoin(
  left: unknown,
  right: unknown,
  on?: unknown,
  options: { full?: boolean } = {},
): Join {
  return makeJoin(toFrom(left, 'outerJoin()'), toFrom(right, 'outerJoin()'), on, {
    outer: true,
    full: options.full,
  });
}

/**
 * The same table under another name.
 *
 * @example
 * ```ts
 * const parent = alias(nodes, 'parent');
 * ```
 */
export function alias<TName extends string, TCols extends ColumnMap>(
  table: Table<TName, TCols>,
  name: string,
): Alias<TName, TCols> {
  return new Alias(table, name);
}
