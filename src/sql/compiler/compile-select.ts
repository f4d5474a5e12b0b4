/**
 * SELECT: the FROM clause (explicit, or the single table the statement's columns come from,
 * with correlation to enclosing queries), the column clause with its labels, and the
 * trailing clauses (LIMIT forms and row locking per dialect).
 */
import { CompileError } from '../../errors.js';
import type { ExprNode } from '../nodes/expression-nodes.js';
import { collectFroms } from '../nodes/collect.js';
import { leafFroms, type FromNode } from '../nodes/from-nodes.js';
import { nameColumns } from '../nodes/naming.js';
import type { SelectNode } from '../nodes/statement-nodes.js';
import type { SqlCompiler } from './compiler.js';
import { fromName } from './compile-expressions.js';

function nameOf(from: FromNode): string {
  return from.kind === 'join' ? 'a join' : from.name;
}

/** The FROM items of a SELECT: explicit ones, or those its expressions reference. */
function resolveFroms(c: SqlCompiler, n: SelectNode): readonly FromNode[] {
  if (n.froms.length > 0) return n.froms;
  const found: FromNode[] = [];
  for (const col of n.columns) collectFroms(col, found);
  if (n.where) collectFroms(n.where, found);
  for (const g of n.groupBy) collectFroms(g, found);
  if (n.having) collectFroms(n.having, found);
  for (const o of n.orderBy) collectFroms(o, found);
  let froms = found;
  if (c.correlating) {
    // Auto-correlation: tables of enclosing queries are not repeated in a subquery.
    const own = found.filter((f) => !c.isVisible(f));
    if (own.length > 0) froms = own;
  }
  if (froms.length > 1) {
    const names = froms.map(nameOf);
    throw new CompileError(
      `This select() uses columns of ${names.join(' and ')} but has no join between them; ` +
        `use .join(${names[1]}) (the ON clause is inferred from a foreign key), ` +
        `or .selectFrom(${names.join(', ')}) if you want a cross join.`,
    );
  }
  return froms;
}

function forUpdate(c: SqlCompiler, n: SelectNode): string {
  const f = n.forUpdate;
  if (!f) return '';
  const can = c.hooks.forUpdate;
  const what = f.read ? 'FOR SHARE' : 'FOR UPDATE';
  if (!can.supported)
    throw c.unsupported(what, 'remove forUpdate() (it locks the whole database for writes anyway)');
  let sql = ` ${f.read ? can.share : 'FOR UPDATE'}`;
  if (f.of.length > 0) {
    if (!can.of) throw c.unsupported(`${what} OF`, 'remove the `of` option');
    sql += ` OF ${f.of.map((from) => fromName(c, from)).join(', ')}`;
  }
  if (f.nowait) {
    if (!can.nowait) throw c.unsupported(`${what} NOWAIT`);
    sql += ' NOWAIT';
  }
  if (f.skipLocked) {
    if (!can.skipLocked) throw c.unsupported(`${what} SKIP LOCKED`);
    sql += ' SKIP LOCKED';
  }
  return sql;
}

/** The column clause with labels, as SELECT and RETURNING render it. */
export function columnClause(c: SqlCompiler, columns: readonly ExprNode[]): string {
  const { labels } = nameColumns(columns);
  return columns
    .map((col, i) => {
      const sql = c.process(col);
      const label = labels[i];
      return label === undefined ? sql : `${sql} AS ${c.quote(label)}`;
    })
    .join(', ');
}

function compileSelect(c: SqlCompiler, n: SelectNode): string {
  if (n.columns.length === 0) throw new CompileError('select() needs at least one column.');
  const froms = resolveFroms(c, n);
  const leaves: FromNode[] = [];
  for (const from of froms) leafFroms(from, leaves);
  return c.withScope(leaves, () => {
    let sql = 'SELECT ';
    if (n.distinctOn.length > 0) {
      if (!c.hooks.distinctOn)
        throw c.unsupported('DISTINCT ON', 'use distinct() without expressions or a GROUP BY');
      sql += `DISTINCT ON (${n.distinctOn.map((e) => c.process(e)).join(', ')}) `;
    } else if (n.distinct) {
      sql += 'DISTINCT ';
    }
    sql += columnClause(c, n.columns);
    if (froms.length > 0) sql += ` FROM ${froms.map((f) => c.process(f)).join(', ')}`;
    if (n.where) sql += ` WHERE ${c.process(n.where)}`;
    if (n.groupBy.length > 0) sql += ` GROUP BY ${n.groupBy.map((g) => c.process(g)).join(', ')}`;
    if (n.having) sql += ` HAVING ${c.process(n.having)}`;
    if (n.orderBy.length > 0) sql += ` ORDER BY ${n.orderBy.map((o) => c.process(o)).join(', ')}`;
    if (n.limit) sql += ` LIMIT ${c.process(n.limit)}`;
    if (n.offset) {
      if (!n.limit && c.hooks.offsetWithoutLimit) sql += ` ${c.hooks.offsetWithoutLimit}`;
      sql += ` OFFSET ${c.process(n.offset)}`;
    }
    return sql + forUpdate(c, n);
  });
}

/**
 * Compiles a SELECT nested in another statement: correlated (scalar subqueries, EXISTS, IN)
 * or not (a derived table in FROM, which sees no enclosing query).
 */
export function compileSubquerySelect(
  c: SqlCompiler,
  select: SelectNode,
  correlate: boolean,
): string {
  const saved = { correlating: c.correlating, unqualified: c.unqualified, scopes: c.scopes };
  c.correlating = correlate;
  c.unqualified = false;
  if (!correlate) c.scopes = [];
  try {
    return compileSelect(c, select);
  } finally {
    c.correlating = saved.correlating;
    c.unqualified = saved.unqualified;
    c.scopes = saved.scopes;
  }
}

export const selectVisitors = {
  select: (c: SqlCompiler, n: SelectNode): string => compileSelect(c, n),
};
