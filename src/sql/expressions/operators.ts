/**
 * Top-level expression constructors: `and`, `or`, `not`, `literal`, `bindParam`, `sqlNull`,
 * `sqlTrue`, `sqlFalse`, `cast`, `caseWhen`, `caseValue`, `exists`.
 */
import { ArgumentError } from '../../errors.js';
import type { ExprNode } from '../nodes/expression-nodes.js';
import { types, type AnySqlType, type SqlType } from '../types/sql-type.js';
import {
  bindValue,
  coerceCondition,
  coerceValue,
  isExpression,
  selectNodeOf,
} from './coercions.js';
import { ColumnExpression } from './expression.js';

const BOOL = types.boolean();

type BoolExpr = ColumnExpression<boolean | null, any> | ColumnExpression<boolean, any>;

function boolList(
  operator: 'AND' | 'OR',
  conditions: readonly (BoolExpr | undefined)[],
): ColumnExpression<boolean> {
  const items: ExprNode[] = [];
  for (const cond of conditions) {
    if (cond === undefined) continue;
    const node = coerceCondition(cond, operator === 'AND' ? 'and()' : 'or()');
    if (node.kind === 'and_or' && node.operator === operator) items.push(...node.items);
    else items.push(node);
  }
  if (items.length === 0) return operator === 'AND' ? sqlTrue() : sqlFalse();
  if (items.length === 1) return new ColumnExpression(items[0]!);
  return new ColumnExpression({ kind: 'and_or', type: BOOL, operator, items });
}

/**
 * `a AND b AND …` (undefined conditions are skipped; none at all is TRUE).
 *
 * @example
 * ```ts
 * select(users).where(and(users.c.age.ge(18), users.c.name.like('A%')));
 * ```
 */
export function and(...conditions: readonly (BoolExpr | undefined)[]): ColumnExpression<boolean> {
  return boolList('AND', conditions);
}

/**
 * `a OR b OR …` (undefined conditions are skipped; none at all is FALSE).
 *
 * @example
 * ```ts
 * select(users).where(or(users.c.age.lt(13), users.c.age.gt(65)));
 * ```
 */
export function or(...conditions: readonly (BoolExpr | undefined)[]): ColumnExpression<boolean> {
  return boolList('OR', conditions);
}

/**
 * `NOT condition`.
 *
 * @example
 * ```ts
 * select(users).where(not(users.c.active));
 * ```
 */
export function not(condition: BoolExpr): ColumnExpression<boolean> {
  return new ColumnExpression({
    kind: 'unary',
    type: BOOL,
    operator: 'NOT',
    operand: coerceCondition(condition, 'not()'),
  });
}

/** The SQL type a JS value implies, when none is given. */
export function inferType(value: unknown): AnySqlType {
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? types.integer() : types.double();
    case 'bigint':
      return types.bigint();
    case 'string':
      return types.text();
    case 'boolean':
      return types.boolean();
    default:
      if (value instanceof Date) return types.timestamp();
      if (value instanceof Uint8Array) return types.bytes();
      if (value === null) return types.null();
      return types.json();
  }
}

/**
 * A bound value as an expression (for the select list, functions, or the left side of an
 * operator). The type is inferred from the value unless given.
 *
 * @example
 * ```ts
 * select(literal(1).label('one'));
 * ```
 */
export function literal<T>(value: T, type?: SqlType<NonNullable<T>>): ColumnExpression<T> {
  return new ColumnExpression(bindValue(value, type ?? inferType(value), undefined));
}

/**
 * A named parameter whose value is given at execution: `execute(stmt, { name: value })`.
 * Its type comes from the column it meets (or `type`); `defaultValue` applies when omitted.
 *
 * @example
 * ```ts
 * const byId = select(users).where(users.c.id.eq(bindParam('id')));
 * await conn.execute(byId, { id: 5 });
 * ```
 */
export function bindParam<T = any>(
  name: string,
  options: { type?: SqlType<NonNullable<T>>; defaultValue?: T } = {},
): ColumnExpression<T> {
  if (typeof name !== 'string' || name.length === 0)
    throw new ArgumentError('bindParam() needs a name.');
  const type = options.type ?? types.null();
  const hasValue = Object.hasOwn(options, 'defaultValue');
  if (hasValue && options.defaultValue !== null) bindValue(options.defaultValue, type, name);
  return new ColumnExpression({
    kind: 'bind',
    type,
    value: options.defaultValue,
    hasValue,
    name,
    generate: undefined,
    target: undefined,
  });
}

/**
 * SQL `NULL`.
 *
 * @example
 * ```ts
 * update(users).values({ age: sqlNull() });
 * ```
 */
export function sqlNull(): ColumnExpression<null> {
  return new ColumnExpression({ kind: 'keyword', type: types.null(), word: 'NULL' });
}

/**
 * SQL `TRUE` (`1` where booleans are integers).
 *
 * @example
 * ```ts
 * select(users.c.id).where(sqlTrue());
 * ```
 */
export function sqlTrue(): ColumnExpression<boolean> {
  return new ColumnExpression({ kind: 'keyword', type: BOOL, word: 'TRUE' });
}

/**
 * SQL `FALSE` (`0` where booleans are integers).
 *
 * @example
 * ```ts
 * select(sqlFalse().label('f'));
 * ```
 */
export function sqlFalse(): ColumnExpression<boolean> {
  return new ColumnExpression({ kind: 'keyword', type: BOOL, word: 'FALSE' });
}

/**
 * `CAST(expr AS type)`; the result keeps the column's row key.
 *
 * @example
 * ```ts
 * select(cast(users.c.age, types.text()));
 * ```
 */
export function cast<U, K extends string = never>(
  expr: ColumnExpression<any, K>,
  type: SqlType<U>,
): ColumnExpression<U | null, K> {
  if (!isExpression(expr))
    throw new ArgumentError('cast() takes an expression; wrap values in literal().');
  return new ColumnExpression({ kind: 'cast', type, element: expr.node });
}

type CaseResult<W> = W extends readonly [any, infer R]
  ? R extends ColumnExpression<infer T, any>
    ? T
    : R
  : never;

/** The value type of a CASE: any WHEN's result, or the ELSE value (NULL without one). */
type CaseValue<W extends readonly (readonly [unknown, unknown])[], E> =
  | CaseResult<W[number]>
  | (undefined extends E ? null : E extends ColumnExpression<infer T, any> ? T : E);

/**
 * `CASE WHEN c1 THEN r1 … ELSE e END` (`case` is a JS keyword). Results may be values or
 * expressions; without `else`, unmatched rows give NULL.
 *
 * @example
 * ```ts
 * caseWhen([[users.c.age.lt(18), 'minor']], { else: 'adult' }).label('group');
 * ```
 */
export function caseWhen<const W extends readonly (readonly [BoolExpr, unknown])[], E = null>(
  whens: W,
  options: { else?: E } = {},
): ColumnExpression<CaseValue<W, E>> {
  if (!Array.isArray(whens) || whens.length === 0)
    throw new ArgumentError('caseWhen() needs at least one [condition, result] pair.');
  return caseExpression(
    undefined,
    whens.map(([cond]) => coerceCondition(cond, 'caseWhen()')),
    whens,
    options.else,
    'caseWhen()',
  );
}

/**
 * The simple form `CASE operand WHEN v1 THEN r1 … ELSE e END`: the first WHEN value equal to
 * `operand` picks its result. WHEN values are sent with the operand's type; results as in
 * {@link caseWhen}.
 *
 * @example
 * ```ts
 * caseValue(users.c.id, [[1, 'first'], [2, 'second']], { else: 'other' }).label('rank');
 * ```
 */
export function caseValue<
  V,
  const W extends readonly (readonly [V | ColumnExpression<V, any>, unknown])[],
  E = null,
>(
  operand: ColumnExpression<V, any>,
  whens: W,
  options: { else?: E } = {},
): ColumnExpression<CaseValue<W, E>> {
  if (!isExpression(operand)) throw new ArgumentError('caseValue() needs an expression to test.');
  if (!Array.isArray(whens) || whens.length === 0)
    throw new ArgumentError('caseValue() needs at least one [value, result] pair.');
  const type = operand.node.type;
  return caseExpression(
    operand.node,
    whens.map(([value]) => coerceValue(value, type, 'caseValue()')),
    whens,
    options.else,
    'caseValue()',
  );
}

/** The CASE node of both forms; the result type comes from the first typed result. */
function caseExpression(
  operand: ExprNode | undefined,
  tests: readonly ExprNode[],
  whens: readonly (readonly [unknown, unknown])[],
  otherwise: unknown,
  role: string,
): ColumnExpression<any> {
  const first = whens.find(([, r]) => isExpression(r))?.[1] as
    ColumnExpression<unknown> | undefined;
  const firstValue = whens.find(([, r]) => r !== null && !isExpression(r))?.[1];
  const type = first
    ? first.node.type
    : firstValue !== undefined
      ? inferType(firstValue)
      : types.null();
  const pairs = whens.map(([, result], i) => [tests[i]!, coerceValue(result, type, role)] as const);
  const elseNode =
    otherwise === undefined ? undefined : coerceValue(otherwise, type, `${role} else`);
  return new ColumnExpression({ kind: 'case', type, operand, whens: pairs, else: elseNode });
}

/**
 * `EXISTS (select …)`, correlated to the enclosing query.
 *
 * @example
 * ```ts
 * select(users.c.name).where(exists(select(addresses.c.id).where(addresses.c.userId.eq(users.c.id))));
 * ```
 */
export function exists(select: { readonly node: unknown }): ColumnExpression<boolean> {
  const node = selectNodeOf(select);
  if (!node) throw new ArgumentError('exists() takes a select().');
  return new ColumnExpression({ kind: 'exists', type: BOOL, select: node });
}
