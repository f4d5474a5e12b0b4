/** INSERT, UPDATE and DELETE, with RETURNING and upserts per dialect. */
import { CompileError } from '../../errors.js';
import type { ExprNode } from '../nodes/expression-nodes.js';
import type { DeleteNode, InsertNode, SetItem, UpdateNode } from '../nodes/statement-nodes.js';
import { types } from '../types/sql-type.js';
import type { SqlCompiler } from './compiler.js';
import { columnClause, compileSubquerySelect } from './compile-select.js';

function returning(
  c: SqlCompiler,
  columns: readonly ExprNode[],
  kind: 'insert' | 'update' | 'delete',
): string {
  if (columns.length === 0) return '';
  if (!c.hooks.returning[kind]) {
    throw c.unsupported(
      `RETURNING on ${kind.toUpperCase()}`,
      kind === 'insert'
        ? 'read the generated key from the result (lastInsertId) or select the row afterwards'
        : 'select the rows before or after the statement',
    );
  }
  const saved = c.unqualified;
  c.unqualified = true;
  try {
    return ` RETURNING ${columnClause(c, columns)}`;
  } finally {
    c.unqualified = saved;
  }
}

function setClause(c: SqlCompiler, items: readonly SetItem[]): string {
  return items.map(([col, value]) => `${c.quote(col.name)} = ${c.process(value)}`).join(', ');
}

function conflict(c: SqlCompiler, n: InsertNode): string {
  const cf = n.conflict;
  if (!cf) return '';
  if (cf.style !== c.hooks.upsert) {
    throw cf.style === 'on-conflict'
      ? c.unsupported('ON CONFLICT', 'use onDuplicateKeyUpdate({ set }) for MySQL/MariaDB')
      : c.unsupported(
          'ON DUPLICATE KEY UPDATE',
          'use onConflictDoUpdate({ target, set }) or onConflictDoNothing()',
        );
  }
  c.conflictStyle = cf.style;
  try {
    if (cf.style === 'on-duplicate-key') return ` ON DUPLICATE KEY UPDATE ${setClause(c, cf.set)}`;
    const target =
      cf.target.length > 0 ? ` (${cf.target.map((col) => c.quote(col.name)).join(', ')})` : '';
    if (!cf.set) return ` ON CONFLICT${target} DO NOTHING`;
    if (!target)
      throw new CompileError(
        'onConflictDoUpdate() needs a target: the columns of a unique constraint or the primary key.',
      );
    const where = cf.where ? ` WHERE ${c.process(cf.where)}` : '';
    return ` ON CONFLICT${target} DO UPDATE SET ${setClause(c, cf.set)}${where}`;
  } finally {
    c.conflictStyle = undefined;
  }
}

function insert(c: SqlCompiler, n: InsertNode): string {
  return c.withScope([n.table], () => {
    let sql = `INSERT INTO ${c.quote(n.table.name)}`;
    if (n.select) {
      const cols = n.columns.map((col) => c.quote(col.name)).join(', ');
      let select = n.select;
      // SQLite cannot tell an upsert's ON from a join's without a WHERE in the SELECT.
      if (n.conflict && !select.where) {
        select = { ...select, where: { kind: 'keyword', type: types.boolean(), word: 'TRUE' } };
      }
      sql += ` (${cols}) ${compileSubquerySelect(c, select, false)}`;
    } else if (n.columns.length === 0) {
      sql += c.hooks.emptyInsert === 'default-values' ? ' DEFAULT VALUES' : ' () VALUES ()';
    } else {
      const valueRows = n.valueRows;
      const rowCount = valueRows === undefined ? n.rows.length : valueRows.count;
      if (rowCount > 1 && !c.dialect.supportsMultiValuesInsert) {
        throw c.unsupported('multi-row VALUES', 'execute one insert per row');
      }
      sql += ` (${n.columns.map((col) => c.quote(col.name)).join(', ')}) VALUES `;
      sql +=
        valueRows === undefined
          ? n.rows.map((row) => `(${row.map((v) => c.process(v)).join(', ')})`).join(', ')
          : c.valueRows(valueRows, n.columns);
    }
    return sql + conflict(c, n) + returning(c, n.returning, 'insert');
  });
}

function update(c: SqlCompiler, n: UpdateNode): string {
  if (n.set.length === 0) {
    throw new CompileError(
      `update(${n.table.name}) has no values: call .values({ column: value }).`,
    );
  }
  return c.withScope([n.table], () => {
    let sql = `UPDATE ${c.quote(n.table.name)} SET ${setClause(c, n.set)}`;
    if (n.where) sql += ` WHERE ${c.process(n.where)}`;
    return sql + returning(c, n.returning, 'update');
  });
}

function del(c: SqlCompiler, n: DeleteNode): string {
  return c.withScope([n.table], () => {
    let sql = `DELETE FROM ${c.quote(n.table.name)}`;
    if (n.where) sql += ` WHERE ${c.process(n.where)}`;
    return sql + returning(c, n.returning, 'delete');
  });
}

export const dmlVisitors = { insert, update, delete: del };
