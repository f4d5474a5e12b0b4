/** Shared pieces of INSERT/UPDATE/DELETE: target tables, SET lists, defaults, RETURNING. */
import { ArgumentError } from '../../errors.js';
import { coerceValue, isExpression } from '../expressions/coercions.js';
import type { BindNode, ExprNode } from '../nodes/expression-nodes.js';
import type { SetItem } from '../nodes/statement-nodes.js';
import type { ColumnDefault } from '../schema/column-builder.js';
import type { AnyColumn } from '../schema/column.js';
import type { AnyTable } from '../schema/table.js';
import { bindValue } from '../expressions/coercions.js';
import { toFrom } from './from-items.js';

/** The table a DML statement targets (a table or a mapped class). */
export function toTable(value: unknown, role: string): AnyTable {
  const from = toFrom(value, role);
  if (from.kind !== 'table')
    throw new ArgumentError(`${role} takes a table (or a mapped class), not a ${from.kind}.`);
  return from;
}

/** The column of `table` with property key `key`, or an error listing the keys. */
export function columnByKey(table: AnyTable, key: string, role: string): AnyColumn {
  const col = Object.hasOwn(table.c, key) ? table.c[key] : undefined;
  if (!col) {
    throw new ArgumentError(
      `${role}: table ${table.name} has no column '${key}'; its columns are ${Object.keys(table.c).join(', ')}.`,
    );
  }
  return col;
}

/** A value (or expression) for `col`, checked against its type. */
export function valueFor(col: AnyColumn, value: unknown): ExprNode {
  return coerceValue(value, col.type, String(col));
}

/** The node a client-side default produces: the constant, or a per-execution call. */
export function defaultNode(col: AnyColumn, def: ColumnDefault<unknown>): BindNode {
  if ('value' in def) return bindValue(def.value, col.type, String(col));
  return {
    kind: 'bind',
    type: col.type,
    value: undefined,
    hasValue: false,
    name: undefined,
    generate: def.fn,
    target: String(col),
  };
}

/** Turns `{ key: value }` into SET items for `table`, in table column order. */
export function setItems(
  table: AnyTable,
  values: Readonly<Record<string, unknown>>,
  role: string,
): SetItem[] {
  if (typeof values !== 'object' || values === null || Array.isArray(values)) {
    throw new ArgumentError(`${role} takes an object of column values.`);
  }
  const items: SetItem[] = [];
  for (const key of Object.keys(values)) {
    const value = values[key];
    if (value === undefined) continue;
    const col = columnByKey(table, key, role);
    items.push([col, valueFor(col, value)]);
  }
  return items.sort((a, b) => a[0].position - b[0].position);
}

/** True when `value` is an expression (not a plain value). */
export { isExpression };
