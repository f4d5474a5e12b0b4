import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MultipleResultsFound } from '../../src/errors.js';
import { createEngine } from '../../src/engine/create-engine.js';
import type { Engine } from '../../src/engine/engine.js';
import { Result } from '../../src/engine/result.js';
import { rowKey, valueKey } from '../../src/engine/unique.js';
import type { DriverResult } from '../../src/dialects/dialect.js';
import { text } from '../../src/sql/text.js';
import { allDatabases } from '../helpers/databases.js';

function result(rows: unknown[][], columns = ['id', 'name']): Result {
  const driver: DriverResult = {
    columns,
    rows: rows.map((r) => r.slice()),
    rowCount: rows.length,
    returnsRows: true,
  };
  return new Result(driver);
}

const ROWS = [
  [1, 'Ann'],
  [2, 'Bob'],
  [1, 'Ann'],
  [1, 'Bo'],
  [2, 'Bob'],
];

describe('Result.unique()', () => {
  it('drops rows equal to an earlier row, keeping the first in order', () => {
    const rows = result(ROWS).unique().all();
    expect(rows.map((r) => [...r])).toEqual([
      [1, 'Ann'],
      [2, 'Bob'],
      [1, 'Bo'],
    ]);
  });

  it('filters every fetch method: iteration, fetchOne, fetchMany, partitions', () => {
    expect([...result(ROWS).unique()].length).toBe(3);
    const r = result(ROWS).unique();
    expect([...r.fetchOne()!]).toEqual([1, 'Ann']);
    expect(r.fetchMany(2).map((x) => x.name)).toEqual(['Bob', 'Bo']);
    expect(r.fetchMany(2)).toEqual([]);
    const parts = [...result(ROWS).unique().partitions(2)];
    expect(parts.map((p) => p.length)).toEqual([2, 1]);
  });

  it('one() and oneOrNone() count distinct rows', () => {
    const same = [
      [1, 'Ann'],
      [1, 'Ann'],
    ];
    expect(() => result(same).one()).toThrow(MultipleResultsFound);
    expect([...result(same).unique().one()]).toEqual([1, 'Ann']);
    expect(result(same).unique().oneOrNone()!.name).toBe('Ann');
    expect(() => result(ROWS).unique().one()).toThrow(MultipleResultsFound);
  });

  it('scalars() of a unique result compares the column values', () => {
    expect(result(ROWS).unique().scalars().all()).toEqual([1, 2]);
    expect(result(ROWS).scalars(1).unique().all()).toEqual(['Ann', 'Bob', 'Bo']);
    const twice = [
      [7, 'x'],
      [7, 'y'],
    ];
    expect(() => result(twice).scalarOne()).toThrow(MultipleResultsFound);
    expect(result(twice).unique().scalarOne()).toBe(7);
  });

  it('mappings() and tuples() of a unique result filter whole rows', () => {
    expect(result(ROWS).unique().mappings().all()).toEqual([
      { id: 1, name: 'Ann' },
      { id: 2, name: 'Bob' },
      { id: 1, name: 'Bo' },
    ]);
    expect(result(ROWS).unique().tuples().all().length).toBe(3);
  });

  it('a strategy decides what counts as equal', () => {
    const byId = result(ROWS)
      .unique((row) => row.id)
      .all();
    expect(byId.map((r) => r.name)).toEqual(['Ann', 'Bob']);
    const lower = result([['A'], ['a'], ['b']], ['s'])
      .scalars()
      .unique((s) => String(s).toLowerCase())
      .all();
    expect(lower).toEqual(['A', 'b']);
  });

  it('scalars compare objects by identity and values by value', () => {
    const ann = { name: 'Ann' };
    class Entity {
      constructor(readonly id: number) {}
    }
    const e1 = new Entity(1);
    const e1again = new Entity(1);
    const values = result([[e1], [e1], [e1again], [ann]], ['x'])
      .scalars()
      .unique()
      .all();
    expect(values).toEqual([e1, e1again, ann]);
    expect(values[0]).toBe(e1);
    expect(values[1]).toBe(e1again);
  });
});

describe('unique keys', () => {
  it('equal values give equal keys; different types and splits never collide', () => {
    expect(rowKey([1, 'a'])).toBe(rowKey([1, 'a']));
    expect(rowKey([1, 'a'])).not.toBe(rowKey(['1', 'a']));
    expect(rowKey(['ab', 'c'])).not.toBe(rowKey(['a', 'bc']));
    expect(rowKey([1n])).not.toBe(rowKey([1]));
    expect(rowKey([null])).not.toBe(rowKey([undefined]));
    expect(rowKey([0])).toBe(rowKey([-0]));
    expect(rowKey([NaN])).toBe(rowKey([NaN]));
    expect(rowKey([new Date(5)])).toBe(rowKey([new Date(5)]));
    expect(rowKey([new Date(5)])).not.toBe(rowKey([5]));
    expect(rowKey([Buffer.from('xy')])).toBe(rowKey([new Uint8Array([120, 121])]));
    expect(rowKey([{ a: [1] }])).toBe(rowKey([{ a: [1] }]));
    expect(rowKey([{ a: 1 }])).not.toBe(rowKey(['{"a":1}']));
    expect(valueKey(new Date(5))).toBe(valueKey(new Date(5)));
    expect(valueKey('d5;')).not.toBe(valueKey(new Date(5)));
    expect(valueKey([1, 2])).toBe(valueKey([1, 2]));
  });

  it('objects that are not JSON-shaped compare by identity', () => {
    class Thing {}
    const t = new Thing();
    expect(rowKey([t])).toBe(rowKey([t]));
    expect(rowKey([t])).not.toBe(rowKey([new Thing()]));
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(rowKey([cyclic])).toBe(rowKey([cyclic]));
    expect(rowKey([{ n: 1n }])).not.toBe(rowKey([{ n: 1n }]));
  });
});

for (const db of allDatabases()) {
  describe.skipIf(db.url === undefined)(`unique() on ${db.name}`, () => {
    const T = 'eng_unique_visits';
    let engine: Engine;

    beforeAll(async () => {
      engine = createEngine(db.url as string);
      await engine.begin(async (c) => {
        await c.execute(text(`DROP TABLE IF EXISTS ${T}`));
        await c.execute(text(`CREATE TABLE ${T} (id INTEGER PRIMARY KEY, city VARCHAR(20))`));
        await c.execute(
          text(`INSERT INTO ${T} (id, city) VALUES (:id, :city)`),
          ['Oslo', 'Rome', 'Oslo', null, 'Rome', null, 'Lima'].map((city, i) => ({
            id: i + 1,
            city,
          })),
        );
      });
    });

    afterAll(async () => {
      await engine.begin(async (c) => void (await c.execute(text(`DROP TABLE IF EXISTS ${T}`))));
      await engine.dispose();
    });

    it('buffered and streamed results give the distinct values in first-seen order', async () => {
      const conn = await engine.connect();
      try {
        const q = text(`SELECT city FROM ${T} ORDER BY id`);
        const expected = ['Oslo', 'Rome', null, 'Lima'];
        expect((await conn.execute(q)).unique().scalars().all()).toEqual(expected);
        expect((await conn.scalars(q)).unique().all()).toEqual(expected);
        const stream = await conn.stream(q, {}, { yieldPer: 2 });
        const seen: unknown[] = [];
        for await (const city of stream.unique().scalars()) seen.push(city);
        expect(seen).toEqual(expected);
        const partial = (await conn.stream(q, {}, { yieldPer: 2 })).unique();
        expect((await partial.fetchMany(3)).map((r) => r.city)).toEqual(['Oslo', 'Rome', null]);
        await partial.close();
        const s = await conn.stream(text(`SELECT city FROM ${T} WHERE id IN (1, 3)`));
        expect((await s.unique().one()).city).toBe('Oslo');
      } finally {
        await conn.close();
      }
    });
  });
}
