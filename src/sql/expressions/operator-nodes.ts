/**
 * Builders of operator nodes, used by the `ColumnExpression` methods: they coerce the other
 * operand against the left side's type (so a wrong JS value is refused here, naming the
 * column) and return plain nodes.
 */
import { ArgumentError } from '../../errors.js';
import type { BinaryOperator, ExprNode } from '../nodes/expression-nodes.js';
import { types } from '../types/sql-type.js';
import { coerceValue, describeTarget, selectNodeOf } from './coercions.js';

const BOOL = types.boolean();

/** The character `contains`/`startsWith`/`endsWith` escape with. */
export const LIKE_ESCAPE = '/';

/**
 * Escapes `%`, `_` and the escape character (`/`) for a LIKE pattern with `ESCAPE '/'`.
 *
 * @example
 * ```ts
 * users.c.name.like(`${escapeLike(input)}%`, { escape: '/' });
 * ```
 */
export function escapeLike(value: string): string {
  return value.replace(/[/%_]/g, (ch) => LIKE_ESCAPE + ch);
}

/** `left op other`; `= null` / `<> null` become IS [NOT] NULL. */
export function compareNode(left: ExprNode, operator: BinaryOperator, other: unknown): ExprNode {
  if (other === null && (operator === '=' || operator === '<>')) {
    return {
      kind: 'unary',
      type: BOOL,
      operator: operator === '=' ? 'IS NULL' : 'IS NOT NULL',
      operand: left,
    };
  }
  if (other === null) {
    throw new ArgumentError(
      `Comparing ${describeTarget(left) ?? 'an expression'} with null using ${operator} is always unknown in SQL; use isNull()/isNotNull().`,
    );
  }
  const right = coerceValue(other, left.type, describeTarget(left));
  return { kind: 'binary', type: BOOL, left, operator, right };
}

/** `operand [NOT] IN (values | select)`. */
export function inNode(operand: ExprNode, values: unknown, negated: boolean): ExprNode {
  const select = selectNodeOf(values);
  if (select) {
    if (select.columns.length !== 1) {
      throw new ArgumentError(
        `in() takes a select() of exactly one column, got ${select.columns.length} columns.`,
      );
    }
    return { kind: 'in', type: BOOL, operand, values: select, negated };
  }
  if (!Array.isArray(values)) {
    throw new ArgumentError('in() takes an array of values or a one-column select().');
  }
  const target = describeTarget(operand);
  const nodes = values.map((v: unknown) => coerceValue(v, operand.type, target));
  return { kind: 'in', type: BOOL, operand, values: nodes, negated };
}

/** `operand BETWEEN low AND high`. */
export function betweenNode(operand: ExprNode, low: unknown, high: unknown): ExprNode {
  const target = describeTarget(operand);
  return {
    kind: 'between',
    type: BOOL,
    operand,
    low: coerceValue(low, operand.type, target),
    high: coerceValue(high, operand.type, target),
    negated: false,
  };
}

/** `operand [NOT] [I]LIKE pattern [ESCAPE c]`. */
export function likeNode(
  operand: ExprNode,
  pattern: unknown,
  caseInsensitive: boolean,
  negated: boolean,
  escape: string | undefined,
): ExprNode {
  if (escape !== undefined && escape.length !== 1) {
    throw new ArgumentError(`A LIKE escape must be one character, got ${JSON.stringify(escape)}.`);
  }
  return {
    kind: 'like',
    type: BOOL,
    operand,
    pattern: coerceValue(pattern, types.text(), describeTarget(operand)),
    escape,
    caseInsensitive,
    negated,
  };
}

/** `left op other` for arithmetic and concatenation (the result has the left side's type). */
export function arithmeticNode(left: ExprNode, operator: BinaryOperator, other: unknown): ExprNode {
  const right = coerceValue(other, left.type, describeTarget(left));
  return { kind: 'binary', type: left.type, left, operator, right };
}
