/**
 * `ColumnExpression<T, K>`: the typed wrapper every column, function call and operator result
 * is. `T` is the JS type of its value (with `null` when it may be NULL), `K` the key it gets
 * in a result row (`never` for unnamed expressions; `label()` names them). Operators are
 * methods, since JS has no operator overloading; each returns a new expression.
 */
import { ArgumentError } from '../../errors.js';
import type { ExprNode, OrderingNode } from '../nodes/expression-nodes.js';
import type { SelectNode } from '../nodes/statement-nodes.js';
import { types, type SqlType } from '../types/sql-type.js';
import { EXPRESSION_BRAND, type HasExprNode } from './coercions.js';
import {
  LIKE_ESCAPE,
  arithmeticNode,
  betweenNode,
  compareNode,
  escapeLike,
  inNode,
  likeNode,
} from './operator-nodes.js';

export { escapeLike };

/** A value or expression that may meet an expression of JS type `T`. */
export type Operand<T> = NonNullable<T> | ColumnExpression<NonNullable<T> | null, any> | null;

/** A one-column `select()` usable in `in()`. */
export interface SelectLike {
  readonly node: SelectNode;
}

const BOOL = types.boolean();

/** Wraps a node as a boolean expression. */
function bool(node: ExprNode): ColumnExpression<boolean> {
  return new ColumnExpression<boolean>(node);
}

/**
 * An expression with a JS value of type `T` and result-row key `K`.
 *
 * @example
 * ```ts
 * const adults = select(users.c.name).where(users.c.age.ge(18));
 * ```
 */
export class ColumnExpression<T, K extends string = never> implements HasExprNode {
  /** The statement-tree node this wraps. */
  readonly node: ExprNode;
  /** Phantom: the JS value type. */
  declare readonly '~value': T;
  /** Phantom: the result-row key. */
  declare readonly '~key': K;

  constructor(node: ExprNode) {
    this.node = node;
  }

  /** The SQL type of the value. */
  get type(): SqlType<NonNullable<T>> {
    return this.node.type as SqlType<NonNullable<T>>;
  }

  /** `=`; `eq(null)` renders `IS NULL`. */
  eq(other: Operand<T>): ColumnExpression<boolean> {
    return bool(compareNode(this.node, '=', other));
  }
  /** `<>`; `ne(null)` renders `IS NOT NULL`. */
  ne(other: Operand<T>): ColumnExpression<boolean> {
    return bool(compareNode(this.node, '<>', other));
  }
  /** `>` */
  gt(other: Operand<T>): ColumnExpression<boolean> {
    return bool(compareNode(this.node, '>', other));
  }
  /** `>=` */
  ge(other: Operand<T>): ColumnExpression<boolean> {
    return bool(compareNode(this.node, '>=', other));
  }
  /** `<` */
  lt(other: Operand<T>): ColumnExpression<boolean> {
    return bool(compareNode(this.node, '<', other));
  }
  /** `<=` */
  le(other: Operand<T>): ColumnExpression<boolean> {
    return bool(compareNode(this.node, '<=', other));
  }
  /** `IS NULL` */
  isNull(): ColumnExpression<boolean> {
    return bool({ kind: 'unary', type: BOOL, operator: 'IS NULL', operand: this.node });
  }
  /** `IS NOT NULL` */
  isNotNull(): ColumnExpression<boolean> {
    return bool({ kind: 'unary', type: BOOL, operator: 'IS NOT NULL', operand: this.node });
  }

  /** `IN (…)` over an array (each value bound) or a one-column select(). */
  in(values: readonly Operand<T>[] | SelectLike): ColumnExpression<boolean> {
    return bool(inNode(this.node, values, false));
  }
  /** `NOT IN (…)` */
  notIn(values: readonly Operand<T>[] | SelectLike): ColumnExpression<boolean> {
    return bool(inNode(this.node, values, true));
  }

  /** `BETWEEN low AND high` */
  between(low: Operand<T>, high: Operand<T>): ColumnExpression<boolean> {
    return bool(betweenNode(this.node, low, high));
  }

  /** `LIKE pattern` (the pattern is bound; `%`/`_` keep their meaning). */
  like(
    this: ColumnExpression<string | null, any>,
    pattern: Operand<string>,
    options?: { escape?: string },
  ): ColumnExpression<boolean> {
    return bool(likeNode(this.node, pattern, false, false, options?.escape));
  }
  /** `NOT LIKE pattern` */
  notLike(
    this: ColumnExpression<string | null, any>,
    pattern: Operand<string>,
    options?: { escape?: string },
  ): ColumnExpression<boolean> {
    return bool(likeNode(this.node, pattern, false, true, options?.escape));
  }
  /** Case-insensitive LIKE: `ILIKE` on PostgreSQL, `lower(x) LIKE lower(p)` elsewhere. */
  ilike(
    this: ColumnExpression<string | null, any>,
    pattern: Operand<string>,
    options?: { escape?: string },
  ): ColumnExpression<boolean> {
    return bool(likeNode(this.node, pattern, true, false, options?.escape));
  }
  /** Case-insensitive NOT LIKE. */
  notIlike(
    this: ColumnExpression<string | null, any>,
    pattern: Operand<string>,
    options?: { escape?: string },
  ): ColumnExpression<boolean> {
    return bool(likeNode(this.node, pattern, true, true, options?.escape));
  }
  /** True when the string contains `value` literally (`%` and `_` in it are escaped). */
  contains(this: ColumnExpression<string | null, any>, value: string): ColumnExpression<boolean> {
    return bool(likeNode(this.node, `%${escapeLike(value)}%`, false, false, LIKE_ESCAPE));
  }
  /** True when the string starts with `value` literally. */
  startsWith(this: ColumnExpression<string | null, any>, value: string): ColumnExpression<boolean> {
    return bool(likeNode(this.node, `${escapeLike(value)}%`, false, false, LIKE_ESCAPE));
  }
  /** True when the string ends with `value` literally. */
  endsWith(this: ColumnExpression<string | null, any>, value: string): ColumnExpression<boolean> {
    return bool(likeNode(this.node, `%${escapeLike(value)}`, false, false, LIKE_ESCAPE));
  }

  /** `+` */
  add(
    this: ColumnExpression<T & (number | bigint | string | null), any>,
    other: Operand<T>,
  ): ColumnExpression<T> {
    return new ColumnExpression<T>(arithmeticNode(this.node, '+', other));
  }
  /** `-` */
  sub(
    this: ColumnExpression<T & (number | bigint | string | null), any>,
    other: Operand<T>,
  ): ColumnExpression<T> {
    return new ColumnExpression<T>(arithmeticNode(this.node, '-', other));
  }
  /** `*` */
  mul(
    this: ColumnExpression<T & (number | bigint | string | null), any>,
    other: Operand<T>,
  ): ColumnExpression<T> {
    return new ColumnExpression<T>(arithmeticNode(this.node, '*', other));
  }
  /** `/` (integer division on integer operands on PostgreSQL and SQLite). */
  div(
    this: ColumnExpression<T & (number | bigint | string | null), any>,
    other: Operand<T>,
  ): ColumnExpression<T> {
    return new ColumnExpression<T>(arithmeticNode(this.node, '/', other));
  }
  /** `%` */
  mod(
    this: ColumnExpression<T & (number | bigint | string | null), any>,
    other: Operand<T>,
  ): ColumnExpression<T> {
    return new ColumnExpression<T>(arithmeticNode(this.node, '%', other));
  }
  /** Unary minus. */
  neg(this: ColumnExpression<T & (number | bigint | string | null), any>): ColumnExpression<T> {
    return new ColumnExpression<T>({
      kind: 'unary',
      type: this.node.type,
      operator: '-',
      operand: this.node,
    });
  }
  /** String concatenation: `||`, or `concat()` on MySQL. */
  concat(this: ColumnExpression<string | null, any>, other: Operand<string>): ColumnExpression<T> {
    return new ColumnExpression<T>(arithmeticNode(this.node, '||', other));
  }

  /** `expr AS name`: the value appears under `name` in result rows. */
  label<N extends string>(name: N): ColumnExpression<T, N> {
    if (typeof name !== 'string' || name.length === 0) {
      throw new ArgumentError('label() needs a non-empty name.');
    }
    return new ColumnExpression<T, N>({
      kind: 'label',
      type: this.node.type,
      element: this.node,
      name,
    });
  }

  /** Ascending order, for `orderBy`. */
  asc(): Ordering {
    return new Ordering({
      kind: 'ordering',
      type: this.node.type,
      element: this.node,
      direction: 'ASC',
      nulls: undefined,
    });
  }
  /** Descending order, for `orderBy`. */
  desc(): Ordering {
    return new Ordering({
      kind: 'ordering',
      type: this.node.type,
      element: this.node,
      direction: 'DESC',
      nulls: undefined,
    });
  }
}
Object.defineProperty(ColumnExpression.prototype, EXPRESSION_BRAND, { value: true });

/**
 * An ORDER BY item: an expression with a direction and optional NULLS FIRST/LAST.
 *
 * @example
 * ```ts
 * select(users).orderBy(users.c.age.desc().nullsLast());
 * ```
 */
export class Ordering implements HasExprNode {
  constructor(readonly node: OrderingNode) {}
  /** `NULLS FIRST` (emulated on MySQL). */
  nullsFirst(): Ordering {
    return new Ordering({ ...this.node, nulls: 'FIRST' });
  }
  /** `NULLS LAST` (emulated on MySQL). */
  nullsLast(): Ordering {
    return new Ordering({ ...this.node, nulls: 'LAST' });
  }
}
Object.defineProperty(Ordering.prototype, EXPRESSION_BRAND, { value: true });

/** Any expression, whatever its value type and key. */
export type AnyExpression = ColumnExpression<any, any>;

/** The JS value type of an expression. */
export type ValueOf<E> = E extends ColumnExpression<infer T, any> ? T : never;
