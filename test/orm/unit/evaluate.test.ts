import { describe, expect, it } from 'vitest';
import { MetaData, and, func, or, not } from '../../../src/sql/index.js';
import { Model } from '../../../src/orm/index.js';
import { compileEvaluator, UNKNOWN, UnevaluatableError } from '../../../src/orm/query/evaluate.js';
import { mapperOfClass } from '../../../src/orm/mapping/registry.js';
import { stateOf } from '../../../src/orm/state/instance-state.js';
import { EXPIRED } from '../../../src/orm/state/sentinels.js';

const metadata = new MetaData();
const users = metadata.table('eval_users', (t) => ({
  id: t.integer().primaryKey(),
  name: t.text().notNull(),
  age: t.integer(),
}));
const other = metadata.table('eval_other', (t) => ({ id: t.integer().primaryKey() }));
class User extends Model(users) {}
const mapper = mapperOfClass(User)!;

const evaluate = (expr: { node: unknown }, values: Record<string, unknown>) =>
  compileEvaluator(expr.node as never, mapper)(stateOf(new User(values as never))!);

describe('the synchronizeSession evaluator', () => {
  it('compares like SQL, with NULL as unknown', () => {
    expect(evaluate(User.c.age.ge(18), { age: 20 })).toBe(true);
    expect(evaluate(User.c.age.ge(18), { age: 2 })).toBe(false);
    expect(evaluate(User.c.age.ge(18), { age: null })).toBeNull();
    expect(evaluate(User.c.age.isNull(), { age: null })).toBe(true);
    expect(evaluate(User.c.age.eq(null), { age: null })).toBe(true);
    expect(evaluate(User.c.name.in(['a', 'b']), { name: 'b' })).toBe(true);
    expect(evaluate(User.c.name.notIn(['a', 'b']), { name: 'c' })).toBe(true);
    expect(evaluate(User.c.age.between(1, 3), { age: 3 })).toBe(true);
  });

  it('follows three-valued AND / OR / NOT', () => {
    expect(evaluate(and(User.c.age.ge(18), User.c.name.eq('a')), { age: null, name: 'b' })).toBe(
      false,
    );
    expect(
      evaluate(and(User.c.age.ge(18), User.c.name.eq('a')), { age: null, name: 'a' }),
    ).toBeNull();
    expect(evaluate(or(User.c.age.ge(18), User.c.name.eq('a')), { age: null, name: 'a' })).toBe(
      true,
    );
    expect(evaluate(not(User.c.age.ge(18)), { age: null })).toBeNull();
  });

  it('evaluates arithmetic for SET values', () => {
    expect(evaluate(User.c.age.add(1), { age: 4 })).toBe(5);
  });

  it('reports expired attributes as unknown', () => {
    const s = stateOf(new User({ age: 1 }))!;
    s.values[2] = EXPIRED;
    expect(compileEvaluator(User.c.age.eq(1).node, mapper)(s)).toBe(UNKNOWN);
  });

  it('refuses what JS could evaluate differently from the database', () => {
    expect(() => compileEvaluator(User.c.name.like('a%').node, mapper)).toThrow(UnevaluatableError);
    expect(() => compileEvaluator(func.lower(User.c.name).eq('a').node, mapper)).toThrow(
      /Could not evaluate current criteria/,
    );
    expect(() => compileEvaluator(other.c.id.eq(1).node, mapper)).toThrow(UnevaluatableError);
  });
});
