/**
 * Inferring a join's ON clause from foreign keys, as SQLAlchemy does: exactly one foreign
 * key between the two sides gives the condition; none or several is an error that says how
 * to pass the ON clause.
 */
import { ArgumentError } from '../../errors.js';
import type { ColumnNode, ExprNode } from '../nodes/expression-nodes.js';
import { leafFroms, type FromNode } from '../nodes/from-nodes.js';
import type { AnyColumn } from '../schema/column.js';
import type { ForeignKey } from '../schema/constraints.js';
import type { AnyTable } from '../schema/table.js';
import { types } from '../types/sql-type.js';

const BOOL = types.boolean();

/** Table columns and the nodes that stand for them in a FROM item. */
function proxies(from: FromNode): Map<AnyColumn, ColumnNode> {
  const map = new Map<AnyColumn, ColumnNode>();
  switch (from.kind) {
    case 'table':
      for (const col of from.columns) map.set(col, col.node);
      break;
    case 'alias':
    case 'subquery':
      for (const node of (from as unknown as { columnNodes: readonly ColumnNode[] }).columnNodes) {
        if (node.column && !map.has(node.column)) map.set(node.column, node);
      }
      break;
    default:
      break;
  }
  return map;
}

function tablesOf(p: Map<AnyColumn, ColumnNode>): Set<AnyTable> {
  const out = new Set<AnyTable>();
  for (const col of p.keys()) out.add(col.table);
  return out;
}

interface Candidate {
  readonly fk: ForeignKey;
  readonly on: ExprNode;
}

/** Conditions for the keys from `from` (child side) to `to` (parent side). */
function keysBetween(
  from: Map<AnyColumn, ColumnNode>,
  to: Map<AnyColumn, ColumnNode>,
  out: Candidate[],
): void {
  for (const table of tablesOf(from)) {
    for (const fk of table.foreignKeys) {
      const referred = fk.referred;
      if (!fk.columns.every((col) => from.has(col)) || !referred.every((col) => to.has(col)))
        continue;
      const parts: ExprNode[] = fk.columns.map((col, i) => ({
        kind: 'binary' as const,
        type: BOOL,
        left: from.get(col)!,
        operator: '=' as const,
        right: to.get(referred[i]!)!,
      }));
      const on: ExprNode =
        parts.length === 1
          ? parts[0]!
          : { kind: 'and_or', type: BOOL, operator: 'AND', items: parts };
      out.push({ fk, on });
    }
  }
}

function label(from: FromNode): string {
  return leafFroms(from)
    .map((f) => (f as { name: string }).name)
    .join(', ');
}

/** The ON clause joining `left` to `right`, from their one foreign key. */
export function inferOnClause(left: FromNode, right: FromNode): ExprNode {
  const found: Candidate[] = [];
  const rights = leafFroms(right);
  for (const lf of leafFroms(left)) {
    const pl = proxies(lf);
    for (const rf of rights) {
      if (rf === lf) continue;
      const pr = proxies(rf);
      keysBetween(pr, pl, found);
      keysBetween(pl, pr, found);
    }
  }
  const unique = found;
  const l = label(left);
  const r = label(right);
  if (unique.length === 1) return unique[0]!.on;
  if (unique.length === 0) {
    throw new ArgumentError(
      `Can't find any foreign key relationships between '${l}' and '${r}'; ` +
        `pass the ON clause explicitly, e.g. .join(${r}, ${r}.c.<fk>.eq(${l}.c.<pk>)).`,
    );
  }
  const keys = unique.map(
    (u) => `${u.fk.table.name}(${u.fk.columns.map((c) => c.name).join(', ')})`,
  );
  throw new ArgumentError(
    `Can't determine the join between '${l}' and '${r}': they are related by more than one foreign key ` +
      `(${keys.join('; ')}); pass the ON clause explicitly as the second argument of join().`,
  );
}
