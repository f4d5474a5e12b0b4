/** Visit functions for expression nodes. */
import { CompileError } from '../../errors.js';
import type { ColumnNode, ExprNode, OrderingNode } from '../nodes/expression-nodes.js';
import type { FromNode } from '../nodes/from-nodes.js';
import type { SqlCompiler } from './compiler.js';
import { compileSubquerySelect } from './compile-select.js';
import { quoteString } from './literal.js';
import { COMPARISON, precedence } from './precedence.js';
import type { NodeKind, NodeOf } from './visitors.js';

type ExprKind = ExprNode['kind'];

/** The name a FROM item is referred to by in column references. */
export function fromName(c: SqlCompiler, from: FromNode): string {
  switch (from.kind) {
    case 'table':
    case 'alias':
    case 'subquery':
      return c.quote(from.name);
    case 'join':
      throw new CompileError('A column cannot belong to a join.');
  }
}

function describeFrom(from: FromNode): string {
  return from.kind === 'table'
    ? `table ${from.name}`
    : `${from.kind} ${(from as { name: string }).name}`;
}

function column(c: SqlCompiler, n: ColumnNode): string {
  if (c.scopes.length > 0 && !c.isVisible(n.from)) {
    const owner = n.from.kind === 'table' ? n.from.name : (n.from as { name: string }).name;
    throw new CompileError(
      `Column ${owner}.${n.name} is from ${describeFrom(n.from)}, which is not in the FROM clause of this statement; ` +
        `add it with .join(${owner}) (the ON clause is inferred from a foreign key) or .selectFrom(${owner}).`,
    );
  }
  return c.unqualified ? c.quote(n.name) : `${fromName(c, n.from)}.${c.quote(n.name)}`;
}

function ordering(c: SqlCompiler, n: OrderingNode): string {
  const base = `${c.expr(n.element)} ${n.direction}`;
  if (n.nulls === undefined) return base;
  if (c.hooks.nullsOrdering) return `${base} NULLS ${n.nulls}`;
  // Emulation: sort on "is null" first (false < true), then on the value.
  const key = `${c.expr(n.element, COMPARISON)} ${n.nulls === 'LAST' ? 'IS NULL' : 'IS NOT NULL'}`;
  return `${key}, ${c.expr(n.element)} ${n.direction}`;
}

/** Renders `(SELECT …)` for a subquery in an expression, correlated to enclosing queries. */
function subquery(c: SqlCompiler, select: NodeOf<'select'>): string {
  return `(${compileSubquerySelect(c, select, true)})`;
}

export const expressionVisitors: {
  readonly [K in ExprKind & NodeKind]: (c: SqlCompiler, n: NodeOf<K>) => string;
} = {
  column,
  bind: (c, n) => c.bind(n),
  binary: (c, n) => {
    const p = precedence(n);
    if (n.operator === '||' && c.hooks.concat === 'function') {
      return `concat(${c.expr(n.left)}, ${c.expr(n.right)})`;
    }
    const nonAssoc = p === COMPARISON;
    return `${c.expr(n.left, p, nonAssoc)} ${n.operator} ${c.expr(n.right, p, true)}`;
  },
  and_or: (c, n) => {
    if (n.items.length === 1) return c.process(n.items[0]!);
    const p = precedence(n);
    return n.items.map((item) => c.expr(item, p)).join(` ${n.operator} `);
  },
  unary: (c, n) => {
    switch (n.operator) {
      case 'NOT':
        return precedence(n.operand) >= 10
          ? `NOT ${c.process(n.operand)}`
          : `NOT (${c.process(n.operand)})`;
      case '-':
        return `-${c.expr(n.operand, 8, true)}`;
      default:
        return `${c.expr(n.operand, COMPARISON, true)} ${n.operator}`;
    }
  },
  like: (c, n) => {
    const not = n.negated ? 'NOT ' : '';
    const escape =
      n.escape === undefined ? '' : ` ESCAPE ${quoteString(n.escape, c.hooks.backslashEscapes)}`;
    if (n.caseInsensitive && !c.hooks.nativeIlike) {
      return `lower(${c.process(n.operand)}) ${not}LIKE lower(${c.process(n.pattern)})${escape}`;
    }
    const op = n.caseInsensitive ? 'ILIKE' : 'LIKE';
    return `${c.expr(n.operand, COMPARISON, true)} ${not}${op} ${c.expr(n.pattern, COMPARISON, true)}${escape}`;
  },
  in: (c, n) => {
    const not = n.negated ? 'NOT ' : '';
    if (Array.isArray(n.values)) {
      const values = n.values as readonly ExprNode[];
      if (values.length === 0) return n.negated ? '1 = 1' : '1 <> 1';
      return `${c.expr(n.operand, COMPARISON, true)} ${not}IN (${values.map((v) => c.process(v)).join(', ')})`;
    }
    return `${c.expr(n.operand, COMPARISON, true)} ${not}IN ${subquery(c, n.values as NodeOf<'select'>)}`;
  },
  between: (c, n) =>
    `${c.expr(n.operand, COMPARISON, true)} ${n.negated ? 'NOT ' : ''}BETWEEN ${c.expr(n.low, COMPARISON, true)} AND ${c.expr(n.high, COMPARISON, true)}`,
  function: (c, n) => {
    if (n.star) return `${n.name}(*)`;
    const args = n.args.map((a) => c.process(a)).join(', ');
    return `${n.name}(${n.distinct ? 'DISTINCT ' : ''}${args})`;
  },
  label: (c, n) => c.process(n.element),
  cast: (c, n) => `CAST(${c.process(n.element)} AS ${c.hooks.castTypeName(n.type)})`,
  case: (c, n) => {
    // The operand comes first in the SQL: process it first, so placeholders stay in order.
    const operand = n.operand === undefined ? '' : ` ${c.process(n.operand)}`;
    const whens = n.whens.map(
      ([cond, result]) => ` WHEN ${c.process(cond)} THEN ${c.process(result)}`,
    );
    const otherwise = n.else === undefined ? '' : ` ELSE ${c.process(n.else)}`;
    return `CASE${operand}${whens.join('')}${otherwise} END`;
  },
  keyword: (c, n) => {
    if (n.word === 'NULL' || c.hooks.booleanLiterals === 'keyword') return n.word;
    return n.word === 'TRUE' ? '1' : '0';
  },
  scalar_subquery: (c, n) => subquery(c, n.select),
  exists: (c, n) => `EXISTS ${subquery(c, n.select)}`,
  ordering,
  raw: (_c, n) => n.sql,
  excluded: (c, n) => {
    if (c.conflictStyle === 'on-duplicate-key') return `VALUES(${c.quote(n.name)})`;
    if (c.conflictStyle === 'on-conflict') return `excluded.${c.quote(n.name)}`;
    throw new CompileError('stmt.excluded columns can only be used in the set/where of an upsert.');
  },
};
