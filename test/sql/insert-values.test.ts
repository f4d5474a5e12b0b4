/**
 * `insert().values()` with plain data (rows of values, no bind node per cell) against rows
 * that need nodes (an expression, a per-row default function): the same SQL, parameters and
 * errors either way.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  MetaData,
  compilerStats,
  func,
  insert,
  literal,
  resetCompilerStats,
  select,
} from '../../src/sql/index.js';
import { users } from './fixtures.js';
import { DIALECTS, compileFor as compiled } from './helpers.js';

const compileFor = (
  stmt: Parameters<typeof compiled>[0],
  dialect: Parameters<typeof compiled>[1],
) => {
  const { sql, params } = compiled(stmt, dialect);
  return [sql, params] as const;
};

const metadata = new MetaData();
let stamp = 0;
const events = metadata.table('events', (t) => ({
  id: t.integer().primaryKey(),
  kind: t.text().notNull(),
  seq: t
    .integer()
    .notNull()
    .default(() => ++stamp),
  at: t.timestamp(),
}));

const plain = [
  { name: 'Ann', age: 30, active: false },
  { name: 'Bo', age: null, active: true },
];

describe('insert().values() with plain data', () => {
  beforeEach(() => resetCompilerStats());

  it('keeps the rows as values and binds them like value nodes on every dialect', () => {
    const stmt = insert(users).values(plain);
    expect(stmt.node.valueRows).toEqual({ count: 2, values: ['Ann', 30, false, 'Bo', null, true] });
    expect(stmt.node.rows).toEqual([]);
    // The same rows through bind nodes (a shared literal forces the node path) compile alike.
    const viaNodes = insert(users).values([plain[0]!, { ...plain[1]!, name: literal('Bo') }]);
    expect(viaNodes.node.valueRows).toBeUndefined();
    expect(compileFor(stmt, 'sqlite')).toEqual([
      'INSERT INTO users (name, age, active) VALUES (?, ?, ?), (?, ?, ?)',
      ['Ann', 30, 0, 'Bo', null, 1],
    ]);
    expect(compileFor(stmt, 'postgresql')).toEqual([
      'INSERT INTO users (name, age, active) VALUES ($1, $2, $3), ($4, $5, $6)',
      ['Ann', 30, false, 'Bo', null, true],
    ]);
    for (const dialect of ['sqlite', 'postgresql', 'mysql'] as const) {
      const [nodeSql, nodeParams] = compileFor(viaNodes, dialect);
      const [valueSql, valueParams] = compileFor(stmt, dialect);
      expect(valueParams).toEqual(nodeParams);
      expect(valueSql).toBe(nodeSql);
    }
  });

  it('converts values with the dialect bind processor (Date, boolean)', () => {
    const when = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6));
    const stmt = insert(users).values([
      { name: 'A', lastLogin: when },
      { name: 'B', lastLogin: null },
    ]);
    expect(stmt.node.valueRows).toBeDefined();
    const [, sqliteParams] = compileFor(stmt, 'sqlite');
    expect(sqliteParams).toEqual(['A', 1, '2024-01-02T03:04:05.006Z', 'B', 1, null]);
  });

  it('fills a left-out key with the constant default and errs without one', () => {
    expect(() => insert(users).values([{ name: 'A', age: 1 }, { name: 'B' }])).toThrow(
      'insert().values(): row 2 has no value for users.age, which other rows set',
    );
    const withDefault = insert(users).values([{ name: 'A', active: false }, { name: 'B' }]);
    expect(withDefault.node.valueRows?.values).toEqual(['A', false, 'B', true]);
    // undefined is "left out", as before.
    const undef = insert(users).values([{ name: 'A', active: undefined }, { name: 'B' }]);
    expect(undef.node.valueRows?.values).toEqual(['A', true, 'B', true]);
  });

  it('refuses unknown keys and keys only some rows set, as before', () => {
    expect(() => insert(users).values([{ name: 'A', nope: 1 } as never])).toThrow(
      "insert().values(): table users has no column 'nope'",
    );
    expect(() => insert(users).values([{ name: 'A' }, { name: 'B', age: 2 }])).toThrow(
      'row 1 has no value for users.age',
    );
  });

  it('gives the same type errors, at the first bad cell', () => {
    expect(() =>
      insert(users).values([
        { name: 'A', age: 1 },
        { name: 'B', age: 'x' as never },
      ]),
    ).toThrow('Wrong value for users.age (integer): expected');
    expect(() =>
      insert(users).values([{ name: 'A', age: undefined as never, active: 3 as never }]),
    ).toThrow('Wrong value for users.active (boolean)');
    expect(() => insert(users).values([{ name: 'A', age: select(users.c.age) as never }])).toThrow(
      'A select() was used where a single value is expected',
    );
  });

  it('mixes SQL expressions with values through nodes', () => {
    const stmt = insert(users).values([
      { name: func.upper('ann'), age: 1 },
      { name: 'Bo', age: 2 },
    ]);
    expect(stmt.node.valueRows).toBeUndefined();
    expect(compileFor(stmt, 'postgresql')).toEqual([
      'INSERT INTO users (name, age, active) VALUES (upper($1), $2, $3), ($4, $5, $6)',
      ['ann', 1, true, 'Bo', 2, true],
    ]);
  });

  it('calls a default function once per row per execution (node path)', () => {
    stamp = 0;
    const stmt = insert(events).values([{ kind: 'a' }, { kind: 'b' }]);
    expect(stmt.node.valueRows).toBeUndefined();
    const compiled = stmt.compile(DIALECTS.sqlite);
    expect(compiled.bind()).toEqual(['a', 1, 'b', 2]);
    expect(compiled.bind()).toEqual(['a', 3, 'b', 4]);
  });

  it('shares one compiled form between batches of the same row count', () => {
    const batch = (base: number) =>
      Array.from({ length: 100 }, (_, i) => ({ name: `u${base + i}`, age: base + i }));
    const a = insert(users).values(batch(0)).compile(DIALECTS.postgresql);
    const b = insert(users).values(batch(100)).compile(DIALECTS.postgresql);
    expect(compilerStats()).toMatchObject({ compiles: 1, hits: 1 });
    expect(b.sql).toBe(a.sql);
    expect(b.bind().slice(0, 3)).toEqual(['u100', 100, true]);
    expect(b.bind()).toHaveLength(300);
    // Values that follow the rows (RETURNING, upserts) keep their places.
    const upsert = insert(users)
      .values(batch(0).slice(0, 2))
      .onConflictDoUpdate({ target: users.c.id, set: { age: 99 } });
    expect(compileFor(upsert, 'postgresql')).toEqual([
      'INSERT INTO users (name, age, active) VALUES ($1, $2, $3), ($4, $5, $6) ' +
        'ON CONFLICT (id) DO UPDATE SET age = $7',
      ['u0', 0, true, 'u1', 1, true, 99],
    ]);
  });
});
