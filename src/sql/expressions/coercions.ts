/**
 * The one place where loose user input becomes statement nodes: JS values become bound
 * parameters (after checking their type against the column they meet), wrappers give up
 * their node, and anything else is refused with an error that names the fix.
 */
import { ArgumentError } from '../../errors.js';
import type { BindNode, ExprNode } from '../nodes/expression-nodes.js';
import type { SelectNode } from '../nodes/statement-nodes.js';
import { describeValue, types, type AnySqlType } from '../types/sql-type.js';

/** Brand carried by every expression wrapper (works across duplicate copies of the package). */
export const EXPRESSION_BRAND = Symbol.for('athanor.sql.expression');

/** Anything that wraps an expression node. */
export interface HasExprNode {
  readonly node: ExprNode;
}

/** True when `value` is an expression wrapper (a column, `func.x()`, `literal()`, …). */
export function isExpression(value: unknown): value is HasExprNode {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[EXPRESSION_BRAND] === true
  );
}

/** The SELECT node of a `select()` statement, or undefined for anything else. */
export function selectNodeOf(value: unknown): SelectNode | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const node = (value as { node?: { kind?: unknown } }).node;
  return node !== undefined && node !== null && node.kind === 'select'
    ? (node as SelectNode)
    : undefined;
}

/** How a node is named in an error: `users.name` for columns, the function name, … */
export function describeTarget(node: ExprNode): string | undefined {
  switch (node.kind) {
    case 'column':
      return node.column ? `${node.column.table.name}.${node.name}` : node.name;
    case 'label':
      return node.name;
    case 'cast':
      return describeTarget(node.element);
    case 'bind':
      return node.target;
    default:
      return undefined;
  }
}

/** Makes a bind node holding `value`, after checking it against `type`. */
export function bindValue(value: unknown, type: AnySqlType, target: string | undefined): BindNode {
  if (value !== null) checkValue(value, type, target);
  return {
    kind: 'bind',
    type,
    value,
    hasValue: true,
    name: undefined,
    generate: undefined,
    target,
  };
}

/** Throws an `ArgumentError` when `value` is not a JS value of `type`. */
export function checkValue(value: unknown, type: AnySqlType, target: string | undefined): void {
  if (value === undefined) {
    throw new ArgumentError(
      `${target ? `Value for ${target}` : 'A value'} is undefined: pass null for SQL NULL, or leave the key out.`,
    );
  }
  if (!type.check(value)) {
    const where = target ? `${target} (${type.kind})` : `a ${type.kind} value`;
    throw new ArgumentError(
      `Wrong value for ${where}: expected ${type.expects}, got ${describeValue(value)}.`,
    );
  }
}

/**
 * Coerces `value` into an expression node that will meet an expression of type `type`
 * (named `target` in errors): expressions pass through (untyped binds take the type),
 * SELECTs must be made scalar first, everything else is bound.
 */
export function coerceValue(value: unknown, type: AnySqlType, target?: string): ExprNode {
  if (isExpression(value)) {
    const node = value.node;
    if (node.kind === 'bind' && node.type.kind === 'null' && type.kind !== 'null') {
      return { ...node, type, target: node.target ?? target };
    }
    return node;
  }
  if (selectNodeOf(value)) {
    throw new ArgumentError(
      'A select() was used where a single value is expected: call .scalarSubquery() on it (or use exists()/in()).',
    );
  }
  return bindValue(value, type, target);
}

/** Coerces a WHERE/HAVING/ON condition: an expression (boolean), never a plain value. */
export function coerceCondition(value: unknown, role: string): ExprNode {
  if (isExpression(value)) return value.node;
  if (typeof value === 'boolean') {
    return { kind: 'keyword', type: types.boolean(), word: value ? 'TRUE' : 'FALSE' };
  }
  throw new ArgumentError(
    `${role} expects a SQL expression such as users.c.id.eq(5), got ${describeValue(value)}.`,
  );
}

/** Coerces a column-clause / ORDER BY / GROUP BY element: an expression, never a plain value. */
export function coerceExpression(value: unknown, role: string): ExprNode {
  if (isExpression(value)) return value.node;
  throw new ArgumentError(
    `${role} expects a column or SQL expression, got ${describeValue(value)}; ` +
      'wrap constant values in literal(value).',
  );
}
