/** Operator precedence, to parenthesise only where SQL needs it. */
import type { ExprNode } from '../nodes/expression-nodes.js';

/** Comparison operators (non-associative: nested comparisons are always parenthesised). */
export const COMPARISON = 4;

/** How tightly `node` binds: higher binds tighter; atoms are 10. */
export function precedence(node: ExprNode): number {
  switch (node.kind) {
    case 'and_or':
      return node.items.length === 1 ? precedence(node.items[0]!) : node.operator === 'OR' ? 1 : 2;
    case 'unary':
      return node.operator === 'NOT' ? 3 : node.operator === '-' ? 8 : COMPARISON;
    case 'binary':
      switch (node.operator) {
        case '||':
          return 5;
        case '+':
        case '-':
          return 6;
        case '*':
        case '/':
        case '%':
          return 7;
        default:
          return COMPARISON;
      }
    case 'like':
    case 'in':
    case 'between':
      return COMPARISON;
    case 'label':
      return precedence(node.element);
    default:
      return 10;
  }
}
