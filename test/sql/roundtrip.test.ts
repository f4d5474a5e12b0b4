/**
 * Every column type written and read back exactly on SQLite, PostgreSQL and MariaDB, through
 * the engine: nulls, unicode, empty strings, 64-bit integers, exact decimals, instants across
 * time zones, nested JSON and binary data.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/index.js';
import type { Executable } from '../../src/sql/executable.js';
import {
  MetaData,
  bindParam,
  deleteFrom,
  func,
  insert,
  select,
  update,
  type Condition,
  type InferInsert,
} from '../../src/sql/index.js';
import { allDatabases } from '../helpers/databases.js';
import { EVERY_TYPE_LOWS, EVERY_TYPE_NULLS, everyTypeColumns } from '../helpers/every-type.js';

const metadata = new MetaData();
const values = metadata.table('sql_rt_values', (t) => everyTypeColumns(t, 255));

type Row = InferInsert<typeof values>;

const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const dstEdge = new Date('2024-03-10T01:59:59.999-08:00');
const nested = {
  a: [1, 'two', null, { b: true, c: 1.5 }],
  unicode: 'üñí 😀 漢字',
  nothing: null,
  deep: { x: { y: [[]] } },
};

const rows: Row[] = [
  {
    i: 2147483647,
    small: -32768,
    big: 2n ** 53n + 1n,
    bigNum: 9007199254740991,
    bigStr: '9223372036854775807',
    r: 1.5,
    d: 0.30000000000000004,
    n: '12345678901234567890.123456789',
    txt: 'e\u0301 👍🏽 漢字 O\'Brien \\ "q" \n tab\t',
    vc: 'Ωmega ✓',
    b: true,
    day: '2024-02-29',
    ts: dstEdge,
    tz: dstEdge,
    j: nested,
    jb: nested,
    bin: allBytes,
    u: randomUUID(),
    status: 'published',
  },
  { ...EVERY_TYPE_LOWS },
  { ...EVERY_TYPE_NULLS },
  {
    txt: 'x'.repeat(60_000),
    j: 42,
    jb: true,
    big: 2n ** 63n - 1n,
    day: '9999-12-31',
    ts: new Date(Date.UTC(2038, 0, 19, 3, 14, 8, 999)),
  },
  // 02:30 UTC on the day US clocks spring forward: a wall time that does not exist in Los Angeles.
  {
    ts: new Date('2024-03-10T02:30:00.000Z'),
    tz: new Date('2024-03-31T01:30:00.000Z'),
    day: '2024-03-10',
  },
];

/** Positional rows keyed by the statement's result keys (the values, independent of naming). */
function byKey(
  stmt: Executable,
  engine: Engine,
  tuples: readonly (readonly unknown[])[],
): Record<string, unknown>[] {
  const keys = stmt.compile(engine.dialect.sql).resultKeys!;
  return tuples.map((t) => Object.fromEntries(keys.map((k, i) => [k, t[i]])));
}

for (const db of allDatabases()) {
  describe.skipIf(db.url === undefined)(`round trips on ${db.name}`, () => {
    let engine: Engine;

    beforeAll(async () => {
      engine = createEngine(db.url!);
      await metadata.dropAll(engine);
      await metadata.createAll(engine);
      await engine.begin(async (conn) => {
        for (const row of rows) await conn.execute(insert(values).values(row));
      });
    });

    afterAll(async () => {
      await metadata.dropAll(engine);
      await engine.dispose();
    });

    it('writes every column type and reads it back exactly, nulls included', async () => {
      await engine.begin(async (conn) => {
        const stmt = select(values).orderBy(values.c.id);
        const got = byKey(stmt, engine, (await conn.execute(stmt)).tuples().all());
        expect(got).toHaveLength(rows.length);
        rows.forEach((row, n) => {
          const back = got[n]!;
          for (const [key, value] of Object.entries(row)) {
            expect(back[key as keyof typeof back], `row ${n + 1}, ${key}`).toStrictEqual(value);
          }
        });
        expect(got[2]!.i).toBeNull();
        expect(got[0]!.bin).toBeInstanceOf(Buffer);
        expect((got[0]!.ts as Date).getTime()).toBe(dstEdge.getTime());
      });
    });

    it('keys result rows by property name (lastLogin-style keys, not SQL names)', async () => {
      await engine.begin(async (conn) => {
        const stmt = select(values.c.id, values.c.bigNum, values.c.bigStr).where(
          values.c.i.eq(2147483647),
        );
        const result = await conn.execute(stmt);
        expect(result.keys()).toEqual(['id', 'bigNum', 'bigStr']);
        expect(result.mappings().one()).toMatchObject({
          bigNum: 9007199254740991,
          bigStr: '9223372036854775807',
        });
      });
    });

    it('reads values back through RETURNING where the dialect has it', async () => {
      if (!engine.dialect.sql.compiler?.returning.insert) return;
      await engine.begin(async (conn) => {
        const stmt = insert(values)
          .values(rows[0]!)
          .returning(values.c.id, values.c.big, values.c.ts, values.c.j, values.c.b);
        const [back] = byKey(stmt, engine, (await conn.execute(stmt)).tuples().all()) as [
          { id: number },
        ];
        expect(back).toMatchObject({ big: rows[0]!.big, ts: dstEdge, j: nested, b: true });
        await conn.execute(deleteFrom(values).where(values.c.id.eq(back.id as number)));
      });
    });

    it('filters by every kind of value with bound parameters', async () => {
      await engine.begin(async (conn) => {
        const q = (cond: Condition) =>
          conn
            .execute(select(values.c.id).selectFrom(values).where(cond))
            .then((r) => r.all().length);
        expect(await q(values.c.big.eq(2n ** 53n + 1n)), 'values.c.big.eq(2n ** 53n + 1n)').toBe(1);
        expect(
          await q(values.c.n.eq('12345678901234567890.123456789')),
          "values.c.n.eq('12345678901234567890.123456789')",
        ).toBe(1);
        expect(await q(values.c.ts.eq(dstEdge)), 'values.c.ts.eq(dstEdge)').toBe(1);
        expect(await q(values.c.tz.eq(dstEdge)), 'values.c.tz.eq(dstEdge)').toBe(1);
        expect(await q(values.c.b.eq(false)), 'values.c.b.eq(false)').toBe(1);
        expect(
          await q(values.c.day.between('1899-01-01', '2000-01-01')),
          "values.c.day.between('1899-01-01', '2000-01-01')",
        ).toBe(1);
        expect(
          await q(values.c.txt.contains("O'Brien \\")),
          'values.c.txt.contains("O\'Brien \\\\")',
        ).toBe(1);
        expect(await q(values.c.txt.eq('')), "values.c.txt.eq('')").toBe(1);
        expect(await q(values.c.bin.eq(allBytes)), 'values.c.bin.eq(allBytes)').toBe(1);
        expect(
          await q(values.c.status.in(['draft', 'published'])),
          "values.c.status.in(['draft', 'published'])",
        ).toBe(2);
        expect(await q(values.c.vc.ilike('ΩMEGA%')), "values.c.vc.ilike('ΩMEGA%')").toBe(1);
      });
    });

    it('computes aggregates as JS numbers and bigints', async () => {
      await engine.begin(async (conn) => {
        const stmt = select(
          func.count().label('n'),
          func.sum(values.c.small).label('s'),
          func.max(values.c.big).label('m'),
          func.avg(values.c.r).label('a'),
        );
        const [row] = byKey(stmt, engine, (await conn.execute(stmt)).tuples().all());
        expect(row).toEqual({ n: 5, s: -32768, m: 2n ** 63n - 1n, a: 0.625 });
      });
    });

    it('executes one compiled statement with many parameter sets', async () => {
      await engine.begin(async (conn) => {
        const stmt = update(values)
          .values({ vc: bindParam('v') })
          .where(values.c.i.eq(bindParam('i')));
        const result = await conn.execute(stmt, [
          { v: 'first', i: 2147483647 },
          { v: 'second', i: -2147483648 },
        ]);
        expect(result.rowCount).toBe(2);
        const got = (
          await conn.execute(
            select(values.c.vc)
              .where(values.c.vc.in(['first', 'second']))
              .orderBy(values.c.vc),
          )
        )
          .scalars()
          .all();
        expect(got).toEqual(['first', 'second']);
      });
    });
  });
}
