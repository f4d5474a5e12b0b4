/**
 * Evaluates WHERE criteria and SET values in JS against in-memory objects, for bulk
 * `update()`/`delete()` with `synchronizeSession: 'evaluate'` (SQLAlchemy's evaluator).
 * Comparisons follow SQL's three-valued logic (NULL compares as unknown). Constructs whose JS
 * meaning could differ from the database's (LIKE, functions, casts, subqueries) are refused
 * with {@link UnevaluatableError}; `'auto'` then falls back to `'fetch'`.
 */
import { InvalidRequestError } from '../../errors.js';
import type { ExprNode } from '../../sql/nodes/expression-nodes.js';
import type { Mapper } from '../mapping/mapper.js';
import type { InstanceState } from '../state/instance-state.js';
import { EXPIRED } from '../state/sentinels.js';

/**
 * The criteria of a bulk update/delete cannot be evaluated in JS (`synchronizeSession:
 * 'evaluate'`); `'auto'` falls back to `'fetch'` on it.
 *
 * @example
 * ```ts
 * await session.query(User).filter(User.c.name.like('a%')).delete({ synchronizeSession: 'fetch' });
 * ```
 */
export class UnevaluatableError extends InvalidRequestError {}

/** The value of an attribute that is not loaded: the object's outcome is unknown. */
export const UNKNOWN: unique symbol = Symbol('athanor.unknown');

type Value = unknown;
/** A compiled expression: its value for one object (or {@link UNKNOWN}). */
export type Evaluator = (state: InstanceState) => Value;

function fail(what: string): never {
  throw new UnevaluatableError(
    `Could not evaluate current criteria in Python: "Cannot evaluate ${what}". Specify 'fetch' or false for the synchronizeSession parameter.`,
  );
}

function norm(v: Value): Value {
  return v instanceof Date ? v.getTime() : typeof v === 'bigint' ? Number(v) : v;
}

function compare(op: string, a: Value, b: Value): Value {
  if (a === UNKNOWN || b === UNKNOWN) return UNKNOWN;
  if (op === 'IS') return norm(a) === norm(b) || (a == null && b == null);
  if (op === 'IS NOT') return !(norm(a) === norm(b) || (a == null && b == null));
  if (a === null || b === null || a === undefined || b === undefined) return null;
  const x = norm(a) as number;
  const y = norm(b) as number;
  switch (op) {
    case '=':
      return x === y;
    case '<>':
      return x !== y;
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      return x / y;
    case '%':
      return x % y;
    case '||':
      return String(a) + String(b);
    default:
      return fail(`operator ${op}`);
  }
}

/** Compiles `node` for objects of `mapper`; throws UnevaluatableError when it cannot. */
export function compileEvaluator(node: ExprNode, mapper: Mapper): Evaluator {
  switch (node.kind) {
    case 'column': {
      if (node.column === undefined || node.column.table !== mapper.table) {
        return fail(`column ${node.name} of another table`);
      }
      const i = mapper.indexOf(node.key);
      if (i < 0) return fail(`column ${node.name}`);
      return (s) => {
        const v = s.values[i];
        return v === EXPIRED ? UNKNOWN : v;
      };
    }
    case 'bind': {
      if (!node.hasValue) return fail(`bind parameter ${node.name ?? '?'}`);
      const value = node.value;
      return () => value;
    }
    case 'keyword': {
      const value = node.word === 'NULL' ? null : node.word === 'TRUE';
      return () => value;
    }
    case 'label':
      return compileEvaluator(node.element, mapper);
    case 'binary': {
      const left = compileEvaluator(node.left, mapper);
      const right = compileEvaluator(node.right, mapper);
      const op = node.operator;
      return (s) => compare(op, left(s), right(s));
    }
    case 'and_or': {
      const items = node.items.map((n) => compileEvaluator(n, mapper));
      const isAnd = node.operator === 'AND';
      return (s) => {
        let sawNull = false;
        for (const item of items) {
          const v = item(s);
          if (v === UNKNOWN) return UNKNOWN;
          if (v === null || v === undefined) sawNull = true;
          else if (Boolean(v) !== isAnd) return !isAnd;
        }
        return sawNull ? null : isAnd;
      };
    }
    case 'unary': {
      const operand = compileEvaluator(node.operand, mapper);
      switch (node.operator) {
        case 'NOT':
          return (s) => {
            const v = operand(s);
            return v === UNKNOWN || v === null || v === undefined ? v : !v;
          };
        case '-':
          return (s) => {
            const v = operand(s);
            return v === UNKNOWN || v === null || v === undefined ? v : -(norm(v) as number);
          };
        case 'IS NULL':
          return (s) => {
            const v = operand(s);
            return v === UNKNOWN ? v : v === null || v === undefined;
          };
        case 'IS NOT NULL':
          return (s) => {
            const v = operand(s);
            return v === UNKNOWN ? v : v !== null && v !== undefined;
          };
      }
      return fail('operator');
    }
    case 'in': {
      if (!Array.isArray(node.values)) return fail('IN (subquery)');
      const operand = compileEvaluator(node.operand, mapper);
      const values = (node.values as readonly ExprNode[]).map((n) => compileEvaluator(n, mapper));
      const negated = node.negated;
      return (s) => {
        const v = operand(s);
        if (v === UNKNOWN) return UNKNOWN;
        if (v === null || v === undefined) return null;
        let sawNull = false;
        for (const e of values) {
          const x = e(s);
          if (x === UNKNOWN) return UNKNOWN;
          if (x === null) sawNull = true;
          else if (norm(x) === norm(v)) return !negated;
        }
        return sawNull ? null : negated;
      };
    }
    case 'between': {
      const operand = compileEvaluator(node.operand, mapper);
      const low = compileEvaluator(node.low, mapper);
      const high = compileEvaluator(node.high, mapper);
      const negated = node.negated;
      return (s) => {
        const ge = compare('>=', operand(s), low(s));
        const le = compare('<=', operand(s), high(s));
        if (ge === UNKNOWN || le === UNKNOWN) return UNKNOWN;
        if (ge === false || le === false) return negated;
        if (ge === null || le === null) return null;
        return !negated;
      };
    }
    default:
      return fail(`${node.kind} expressions`);
  }
}
