/**
 * The shapes `execute()` accepts for parameters (SQLAlchemy's rules): nothing, one object
 * (single execution), or a list of objects (executemany).
 */
import { ArgumentError } from '../errors.js';

/** Named parameters of one execution. */
export type Params = Readonly<Record<string, unknown>>;

function isMapping(value: unknown): value is Params {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof Uint8Array)
  );
}

/**
 * Sorts `params` into none (undefined), one set (an object) or several (an array, for
 * executemany), refusing other shapes with SQLAlchemy's messages. Allocates nothing.
 *
 * @example
 * ```ts
 * Array.isArray(distillParams([{ id: 1 }, { id: 2 }])); // true: executemany
 * ```
 */
export function distillParams(params: unknown): Params | readonly Params[] | undefined {
  if (params === undefined || params === null) return undefined;
  if (Array.isArray(params)) {
    if (params.length === 0) return undefined;
    for (const p of params) {
      if (!isMapping(p)) throw new ArgumentError('List argument must consist only of objects');
    }
    return params.length === 1 ? (params[0] as Params) : (params as Params[]);
  }
  if (isMapping(params)) return params;
  throw new ArgumentError('mapping or list expected for parameters');
}

/** Positional driver parameters for `execDriverSql()`: one list, or a list of lists. */
export function distillDriverParams(
  params: unknown,
): { many: false; params: unknown[] } | { many: true; sets: unknown[][] } {
  if (params === undefined || params === null) return { many: false, params: [] };
  if (!Array.isArray(params)) {
    throw new ArgumentError(
      'execDriverSql() takes positional parameters: an array, or a list of arrays for executemany',
    );
  }
  if (params.length > 0 && params.every((p) => Array.isArray(p))) {
    return { many: true, sets: params as unknown[][] };
  }
  if (params.some((p) => Array.isArray(p))) {
    throw new ArgumentError('List argument must consist only of arrays or only of values');
  }
  return { many: false, params };
}
