import { beforeEach, describe, expect, it } from 'vitest';
import { buildTemplate } from '../../src/sql/compiler/compile.js';
import { structuralKey } from '../../src/sql/compiler/keys.js';
import {
  and,
  clearCompiledCache,
  compiledCacheSize,
  compilerStats,
  func,
  insert,
  literal,
  resetCompilerStats,
  select,
  setCompiledCacheSize,
  type SqlDialect,
} from '../../src/sql/index.js';
import { sqliteFlavour } from '../../src/dialects/sqlite/flavour.js';
import { addresses, users } from './fixtures.js';
import { DIALECTS } from './helpers.js';

const byId = (id: number) => select(users.c.id, users.c.name).where(users.c.id.eq(id));

describe('the compiled-statement cache', () => {
  let dialect: SqlDialect;

  beforeEach(() => {
    // A private dialect object has a private cache: other test files cannot disturb counts.
    dialect = { ...sqliteFlavour };
    resetCompilerStats();
  });

  it('reuses the compiled SQL for the same shape with new values (a hit, no compile)', () => {
    const first = byId(1).compile(dialect);
    const second = byId(2).compile(dialect);
    expect(compilerStats()).toMatchObject({ compiles: 1, hits: 1, misses: 1 });
    expect(second.sql).toBe(first.sql);
    expect(first.bind()).toEqual([1]);
    expect(second.bind()).toEqual([2]);
  });

  it('returns the statement’s own compiled form when the same object runs again', () => {
    const stmt = byId(3);
    const a = stmt.compile(dialect);
    const b = stmt.compile(dialect);
    expect(b).toBe(a);
    expect(compilerStats()).toMatchObject({ compiles: 1, memoHits: 1 });
  });

  it('compiles different shapes separately (misses)', () => {
    byId(1).compile(dialect);
    select(users.c.id, users.c.name).where(users.c.id.gt(1)).compile(dialect);
    select(users.c.id, users.c.name)
      .where(users.c.id.in([1, 2]))
      .compile(dialect);
    select(users.c.id, users.c.name)
      .where(users.c.id.in([1, 2, 3]))
      .compile(dialect);
    select(users.c.id).where(users.c.id.eq(1)).compile(dialect);
    select(users.c.id, users.c.name.label('n')).where(users.c.id.eq(1)).compile(dialect);
    select(users.c.id, users.c.name).where(users.c.id.eq(1)).limit(3).compile(dialect);
    expect(compilerStats()).toMatchObject({ compiles: 7, hits: 0, misses: 7 });
    expect(compiledCacheSize(dialect)).toBe(7);
  });

  it('keeps one cache per dialect object', () => {
    const other = { ...sqliteFlavour };
    byId(1).compile(dialect);
    byId(1).compile(other);
    byId(2).compile(other);
    expect(compilerStats()).toMatchObject({ compiles: 2, hits: 1 });
  });

  it('never lets values leak into the key', () => {
    const a = structuralKey(
      select(users.c.name).where(users.c.name.eq("'; DROP TABLE users; --")).node,
    );
    const b = structuralKey(select(users.c.name).where(users.c.name.eq('x')).node);
    expect(a.key).toBe(b.key);
    expect(a.key).not.toContain('DROP');
    expect(a.values).toEqual(["'; DROP TABLE users; --"]);
  });

  it('keeps a shared bind node in the shape, so equal keys always mean equal binding', () => {
    const five = users.c.age.eq(5);
    const shared = select(users.c.id).where(five, five);
    const distinct = select(users.c.id).where(users.c.age.eq(5), users.c.age.eq(6));
    expect(structuralKey(shared.node).key).not.toBe(structuralKey(distinct.node).key);
    expect(distinct.compile(dialect).bind()).toEqual([5, 6]);
    expect(shared.compile(dialect).bind()).toEqual([5, 5]);
  });

  it('keys multi-row VALUES by row count and column types, binding every row in order', () => {
    const rows = (n: number, base: number) =>
      Array.from({ length: n }, (_, i) => ({ name: `u${base + i}`, age: base + i }));
    const a = insert(users).values(rows(3, 0));
    const b = insert(users).values(rows(3, 10));
    const keyA = structuralKey(a.node);
    expect(keyA.key).toBe(structuralKey(b.node).key);
    // The key stays short whatever the row count: no per-value text.
    expect(structuralKey(insert(users).values(rows(500, 0)).node).key.length).toBeLessThan(
      keyA.key.length + 10,
    );
    expect(keyA.key).not.toBe(structuralKey(insert(users).values(rows(4, 0)).node).key);
    const ca = a.compile(dialect);
    const cb = b.compile(dialect);
    expect(compilerStats()).toMatchObject({ compiles: 1, hits: 1 });
    expect(cb.sql).toBe(ca.sql);
    // `active` has a constant default: bound per row after the given columns, in column order.
    expect(ca.bind()).toEqual(['u0', 0, 1, 'u1', 1, 1, 'u2', 2, 1]);
    expect(cb.bind()).toEqual(['u10', 10, 1, 'u11', 11, 1, 'u12', 12, 1]);
    // A null in a row is a value like any other: same shape.
    const withNull = insert(users).values([...rows(2, 0), { name: 'n', age: null }]);
    expect(structuralKey(withNull.node).key).toBe(keyA.key);
    expect(withNull.compile(dialect).bind()).toEqual(['u0', 0, 1, 'u1', 1, 1, 'n', null, 1]);
  });

  it('keys VALUES node by node when a row holds an expression, even one shared by rows', () => {
    const shared = literal(5);
    const stmt = insert(users).values([
      { name: 'a', age: shared },
      { name: 'b', age: shared },
    ]);
    const plain = insert(users).values([
      { name: 'a', age: 5 },
      { name: 'b', age: 5 },
    ]);
    expect(structuralKey(stmt.node).key).not.toBe(structuralKey(plain.node).key);
    expect(structuralKey(stmt.node).key).toContain('@');
    expect(stmt.compile(dialect).bind()).toEqual(['a', 5, 1, 'b', 5, 1]);
    expect(plain.compile(dialect).bind()).toEqual(['a', 5, 1, 'b', 5, 1]);
  });

  it('respects its LRU bound, evicting the least recently used shape', () => {
    const small: SqlDialect = { ...sqliteFlavour, compiledCacheSize: 3 };
    const shapes = [
      () => select(users.c.id),
      () => select(users.c.name),
      () => select(users.c.age),
      () => select(users.c.active),
    ];
    shapes[0]!().compile(small);
    shapes[1]!().compile(small);
    shapes[2]!().compile(small);
    shapes[0]!().compile(small); // 0 is now the most recent; 1 is the oldest
    shapes[3]!().compile(small); // evicts 1
    expect(compiledCacheSize(small)).toBe(3);
    expect(compilerStats()).toMatchObject({ compiles: 4, hits: 1, evictions: 1 });
    shapes[0]!().compile(small);
    expect(compilerStats().hits).toBe(2);
    shapes[1]!().compile(small);
    expect(compilerStats().compiles).toBe(5);
  });

  it('can be resized and disabled per dialect, and cleared', () => {
    setCompiledCacheSize(0, dialect);
    byId(1).compile(dialect);
    byId(1).compile(dialect);
    expect(compilerStats()).toMatchObject({ compiles: 2, hits: 0 });
    setCompiledCacheSize(10, dialect);
    byId(1).compile(dialect);
    byId(2).compile(dialect);
    expect(compilerStats()).toMatchObject({ compiles: 3, hits: 1 });
    clearCompiledCache(dialect);
    expect(compiledCacheSize(dialect)).toBe(0);
    expect(() => setCompiledCacheSize(-1)).toThrow(
      'The compiled cache size must be an integer ≥ 0, got -1.',
    );
  });

  it('computes a key much faster than it compiles', () => {
    const stmt = select(users.c.name, func.count(addresses.c.id).label('n'))
      .join(addresses)
      .where(
        and(users.c.age.between(18, 65), users.c.name.ilike('%a%'), users.c.id.in([1, 2, 3, 4, 5])),
      )
      .groupBy(users.c.name)
      .orderBy(users.c.name.desc().nullsLast())
      .limit(10);
    // Interleaved batches after a warm-up, so JIT tiering and a busy machine hit both sides
    // alike; the fastest batch of each is compared (the least noisy estimate of CPU cost).
    const walk = structuralKey(stmt.node);
    for (let i = 0; i < 500; i++) {
      structuralKey(stmt.node);
      buildTemplate(stmt.node, DIALECTS.mysql, walk.bindIndex);
    }
    const keyRuns: number[] = [];
    const compileRuns: number[] = [];
    for (let batch = 0; batch < 15; batch++) {
      let t = performance.now();
      for (let i = 0; i < 200; i++) structuralKey(stmt.node);
      keyRuns.push(performance.now() - t);
      t = performance.now();
      for (let i = 0; i < 200; i++) buildTemplate(stmt.node, DIALECTS.mysql, walk.bindIndex);
      compileRuns.push(performance.now() - t);
    }
    const fastest = (xs: number[]) => Math.min(...xs) / 200;
    const keyCost = fastest(keyRuns);
    const compileCost = fastest(compileRuns);
    expect(keyCost, `key ${keyCost} ms vs compile ${compileCost} ms`).toBeLessThan(compileCost);
    expect(structuralKey(insert(users).values({ name: 'a', age: 1 }).node).values).toEqual([
      'a',
      1,
      true,
    ]);
    console.info(
      `structural key ${(keyCost * 1000).toFixed(2)} µs, compile ${(compileCost * 1000).toFixed(2)} µs (${(compileCost / keyCost).toFixed(1)}×)`,
    );
  });
});
