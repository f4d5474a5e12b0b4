/**
 * `func`: SQL function calls. Common functions are typed (`func.count()` is a number,
 * `func.max(col)` has the column's type); any other name works through a proxy
 * (`func.json_extract(col, '$.a')`) with an unknown result type.
 */
import { ArgumentError } from '../../errors.js';
import type { ExprNode } from '../nodes/expression-nodes.js';
import { types, type AnySqlType, type SqlType } from '../types/sql-type.js';
import { coerceValue, isExpression } from './coercions.js';
import { ColumnExpression } from './expression.js';
import { inferType } from './operators.js';

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

type Arg<T = unknown> = ColumnExpression<T, any> | T;

function argType(args: readonly unknown[]): AnySqlType {
  for (const a of args) if (isExpression(a)) return a.node.type;
  for (const a of args) if (a !== null && a !== undefined) return inferType(a);
  return types.null();
}

/**
 * A call of the SQL function `name` with a result of `type` (for functions `func` does not
 * type, and for strict settings where `func.anyName` may be undefined).
 *
 * @example
 * ```ts
 * callFunction('json_extract', [docs.c.body, '$.title'], types.text()).label('title');
 * ```
 */
export function callFunction<T = unknown>(
  name: string,
  args: readonly unknown[],
  type?: SqlType<T>,
): ColumnExpression<T | null> {
  return call<T | null>(name, args, type ?? types.null());
}

/** Builds a function-call expression; plain arguments are bound with the first expression's type. */
export function call<T, K extends string = never>(
  name: string,
  args: readonly unknown[],
  type: AnySqlType,
  options: { star?: boolean; distinct?: boolean } = {},
): ColumnExpression<T, K> {
  if (!NAME_RE.test(name))
    throw new ArgumentError(`Invalid SQL function name ${JSON.stringify(name)}.`);
  const shared = argType(args);
  const nodes: ExprNode[] = args.map((a) =>
    coerceValue(a, isExpression(a) ? a.node.type : shared, `${name}()`),
  );
  return new ColumnExpression<T, K>({
    kind: 'function',
    type,
    name,
    args: nodes,
    star: options.star === true,
    distinct: options.distinct === true,
  });
}

const typeOf = (a: unknown): AnySqlType => (isExpression(a) ? a.node.type : inferType(a));

/** The typed functions; other names go through the proxy. */
interface KnownFunctions {
  /** `count(*)`, or `count(expr)` / `count(DISTINCT expr)`. */
  count(expr?: Arg, options?: { distinct?: boolean }): ColumnExpression<number, 'count'>;
  sum<T>(expr: ColumnExpression<T, any>): ColumnExpression<NonNullable<T> | null, 'sum'>;
  /** Average as a JS number. */
  avg(expr: ColumnExpression<any, any>): ColumnExpression<number | null, 'avg'>;
  min<T>(expr: ColumnExpression<T, any>): ColumnExpression<NonNullable<T> | null, 'min'>;
  max<T>(expr: ColumnExpression<T, any>): ColumnExpression<NonNullable<T> | null, 'max'>;
  lower<T extends string | null>(expr: Arg<T>): ColumnExpression<T, 'lower'>;
  upper<T extends string | null>(expr: Arg<T>): ColumnExpression<T, 'upper'>;
  /** Length in characters (`char_length` on MySQL). */
  length(expr: Arg<string | null>): ColumnExpression<number | null, 'length'>;
  abs<T extends number | bigint | string | null>(
    expr: ColumnExpression<T, any>,
  ): ColumnExpression<T, 'abs'>;
  round(
    expr: Arg<number | string | null>,
    digits?: number,
  ): ColumnExpression<number | null, 'round'>;
  /** The first non-NULL argument. */
  coalesce<T>(
    first: ColumnExpression<T, any>,
    ...rest: readonly Arg<NonNullable<T>>[]
  ): ColumnExpression<T | (typeof rest extends readonly [] ? never : NonNullable<T>), 'coalesce'>;
  /** The current instant (millisecond precision on SQLite, UTC on MySQL). */
  now(): ColumnExpression<Date, 'now'>;
  /** String concatenation of all arguments. */
  concat(...args: readonly Arg<string | number | null>[]): ColumnExpression<string, 'concat'>;
}

/** `func`: typed SQL functions plus any other by name. */
export type Func = KnownFunctions & {
  readonly [name: string]: (...args: readonly unknown[]) => ColumnExpression<any, any>;
};

const known: KnownFunctions = {
  count: (expr, options) =>
    expr === undefined
      ? call('count', [], types.integer(), { star: true })
      : call('count', [expr], types.integer(), { distinct: options?.distinct }),
  sum: (expr) => call('sum', [expr], expr.node.type),
  avg: (expr) => call('avg', [expr], types.double()),
  min: (expr) => call('min', [expr], expr.node.type),
  max: (expr) => call('max', [expr], expr.node.type),
  lower: (expr) => call('lower', [expr], types.text()),
  upper: (expr) => call('upper', [expr], types.text()),
  length: (expr) => call('length', [expr], types.integer()),
  abs: (expr) => call('abs', [expr], expr.node.type),
  round: (expr, digits) =>
    call('round', digits === undefined ? [expr] : [expr, digits], types.double()),
  coalesce: (first, ...rest) => call('coalesce', [first, ...rest], typeOf(first)),
  now: () => call('now', [], types.timestamp({ withTimezone: true })),
  concat: (...args) => call('concat', args, types.text()),
};

/**
 * SQL functions: `func.count()`, `func.max(users.c.age)`, `func.lower(users.c.name)`…, and
 * any other name (`func.json_extract(...)`) with an unknown result type.
 *
 * @example
 * ```ts
 * select(users.c.country, func.count().label('n')).groupBy(users.c.country);
 * ```
 */
export const func: Func = new Proxy(known as Func, {
  get(target, name) {
    if (typeof name !== 'string') return undefined;
    if (Object.hasOwn(target, name)) return target[name];
    return (...args: readonly unknown[]) => call<unknown>(name, args, types.null());
  },
});
