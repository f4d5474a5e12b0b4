/** Finding the FROM items an expression refers to. */
import type { ExprNode } from './expression-nodes.js';
import type { FromNode } from './from-nodes.js';

/** Adds the FROM items columns of `node` belong to (not looking into subqueries). */
export function collectFroms(node: ExprNode, out: FromNode[]): void {
  switch (node.kind) {
    case 'column':
      if (!out.includes(node.from)) out.push(node.from);
      return;
    case 'binary':
      collectFroms(node.left, out);
      collectFroms(node.right, out);
      return;
    case 'and_or':
      for (const item of node.items) collectFroms(item, out);
      return;
    case 'unary':
      collectFroms(node.operand, out);
      return;
    case 'like':
      collectFroms(node.operand, out);
      collectFroms(node.pattern, out);
      return;
    case 'in':
      collectFroms(node.operand, out);
      if (Array.isArray(node.values))
        for (const v of node.values as ExprNode[]) collectFroms(v, out);
      return;
    case 'between':
      collectFroms(node.operand, out);
      collectFroms(node.low, out);
      collectFroms(node.high, out);
      return;
    case 'function':
      for (const a of node.args) collectFroms(a, out);
      return;
    case 'label':
    case 'cast':
    case 'ordering':
      collectFroms(node.element, out);
      return;
    case 'case':
      if (node.operand) collectFroms(node.operand, out);
      for (const [cond, result] of node.whens) {
        collectFroms(cond, out);
        collectFroms(result, out);
      }
      if (node.else) collectFroms(node.else, out);
      return;
    default:
      return;
  }
}
