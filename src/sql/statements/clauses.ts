/** Small helpers shared by the statement builders: WHERE accumulation, LIMIT binds. */
import { ArgumentError } from '../../errors.js';
import { coerceCondition } from '../expressions/coercions.js';
import type { ColumnExpression } from '../expressions/expression.js';
import type { ExprNode } from '../nodes/expression-nodes.js';
import { types } from '../types/sql-type.js';

/** A WHERE/HAVING/ON condition: a boolean expression. */
export type Condition = ColumnExpression<boolean | null, any> | ColumnExpression<boolean, any>;

const BOOL = types.boolean();
const INT = types.integer();

/** ANDs `conditions` (undefined ones skipped) onto `existing`. */
export function andNodes(
  existing: ExprNode | undefined,
  conditions: readonly (Condition | undefined)[],
  role: string,
): ExprNode | undefined {
  const items: ExprNode[] = [];
  if (existing) items.push(existing);
  for (const cond of conditions) {
    if (cond === undefined) continue;
    items.push(coerceCondition(cond, role));
  }
  if (items.length === 0) return undefined;
  if (items.length === 1) return items[0];
  return { kind: 'and_or', type: BOOL, operator: 'AND', items: flatten(items, 'AND') };
}

/** Inlines nested lists of the same operator: `a AND (b AND c)` → `a AND b AND c`. */
export function flatten(items: readonly ExprNode[], operator: 'AND' | 'OR'): ExprNode[] {
  const out: ExprNode[] = [];
  for (const item of items) {
    if (item.kind === 'and_or' && item.operator === operator) out.push(...item.items);
    else out.push(item);
  }
  return out;
}

/** A LIMIT/OFFSET value as an integer bind. */
export function bindLimit(count: number, role: string): ExprNode {
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new ArgumentError(`${role} takes an integer ≥ 0, got ${String(count)}.`);
  }
  return {
    kind: 'bind',
    type: INT,
    value: count,
    hasValue: true,
    name: undefined,
    generate: undefined,
    target: role,
  };
}
