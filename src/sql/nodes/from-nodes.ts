/** The FROM-clause nodes: tables, aliases, subqueries and joins. */
import type { AnyTable } from '../schema/table.js';
import type { ExprNode } from './expression-nodes.js';
import type { SelectNode } from './statement-nodes.js';

/** A table of a `MetaData`. */
export type TableNode = AnyTable;

/** `table AS name`. */
export interface AliasNode {
  readonly kind: 'alias';
  readonly name: string;
  readonly table: AnyTable;
}

/** `(SELECT …) AS name`. */
export interface SubqueryNode {
  readonly kind: 'subquery';
  readonly name: string;
  readonly select: SelectNode;
}

/** `left [LEFT OUTER | FULL OUTER] JOIN right ON on`. */
export interface JoinNode {
  readonly kind: 'join';
  readonly left: FromNode;
  readonly right: FromNode;
  readonly on: ExprNode;
  readonly outer: boolean;
  readonly full: boolean;
}

/** Anything that can stand in a FROM clause. */
export type FromNode = TableNode | AliasNode | SubqueryNode | JoinNode;

/** The tables, aliases and subqueries a FROM item is made of (joins flattened). */
export function leafFroms(from: FromNode, out: FromNode[] = []): FromNode[] {
  if (from.kind === 'join') {
    leafFroms(from.left, out);
    leafFroms(from.right, out);
  } else {
    out.push(from);
  }
  return out;
}
