/** Turning `select()`/`returning()` arguments into column nodes. */
import { ArgumentError } from '../../errors.js';
import { isExpression } from '../expressions/coercions.js';
import type { ExprNode } from '../nodes/expression-nodes.js';
import { toFrom, type Alias, type Subquery } from './from-items.js';

/** The column nodes one argument stands for (a table or alias: all its columns). */
export function expandItem(item: unknown, role = 'select()'): ExprNode[] {
  if (isExpression(item)) {
    if (item.node.kind === 'ordering')
      throw new ArgumentError(`asc()/desc() belong in orderBy(), not in ${role}.`);
    return [item.node];
  }
  const from = toFrom(item, role);
  switch (from.kind) {
    case 'table':
      return from.columns.map((c) => c.node);
    case 'alias':
    case 'subquery':
      return [...(from as Alias | Subquery).columnNodes];
    default:
      throw new ArgumentError(`${role} cannot take a join; pass the tables and use .join().`);
  }
}

/** The column nodes of several arguments. */
export function expandItems(items: readonly unknown[], role: string): ExprNode[] {
  if (items.length === 0) throw new ArgumentError(`${role} needs at least one column.`);
  return items.flatMap((item) => expandItem(item, role));
}
