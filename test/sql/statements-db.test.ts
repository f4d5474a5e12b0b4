/**
 * Statements run on SQLite, PostgreSQL and MariaDB: quoting of odd names, computed values,
 * and the statement cache across executions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/index.js';
import type { Executable } from '../../src/sql/executable.js';
import {
  MetaData,
  cast,
  caseValue,
  caseWhen,
  compilerStats,
  deleteFrom,
  func,
  insert,
  literal,
  select,
  types,
  update,
} from '../../src/sql/index.js';
import { allDatabases } from '../helpers/databases.js';

const metadata = new MetaData();

/** Columns named like JS built-ins and SQL reserved words, in a mixed-case (quoted) table. */
const odd = metadata.table('sql_ST_Odd', (t) => ({
  constructor: t.integer().primaryKey(),
  name: t.varchar(50).notNull(),
  length: t.integer(),
  order: t.integer(),
  select: t.text(),
  rank: t.integer('rank'),
  toString: t.text('MixedCase'),
}));

const items = metadata.table('sql_st_items', (t) => ({
  id: t.integer().primaryKey(),
  qty: t.smallint().notNull(),
  flag: t.boolean().notNull(),
  label: t.text(),
}));

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
  describe.skipIf(db.url === undefined)(`statements on ${db.name}`, () => {
    let engine: Engine;

    beforeAll(async () => {
      engine = createEngine(db.url!);
      await metadata.dropAll(engine);
      await metadata.createAll(engine);
      await engine.begin(async (conn) => {
        await conn.execute(
          insert(items).values([
            { qty: -32768, flag: true, label: 'a' },
            { qty: 7, flag: false, label: null },
          ]),
        );
      });
    });

    afterAll(async () => {
      await metadata.dropAll(engine);
      await engine.dispose();
    });

    it('works end to end with columns named constructor, name, length, order, select, rank', async () => {
      await engine.begin(async (conn) => {
        await conn.execute(
          insert(odd).values([
            { name: 'a', length: 3, order: 1, select: 's', rank: 9, toString: 'T' },
            { name: 'b', length: null, order: 2, select: null, rank: null, toString: null },
          ]),
        );
        await conn.execute(
          update(odd)
            .values({ length: odd.c.length.add(1) })
            .where(odd.c.name.eq('a')),
        );
        const stmt = select(odd).where(odd.c.order.ge(1)).orderBy(odd.c.order.desc());
        const rows = byKey(stmt, engine, (await conn.execute(stmt)).tuples().all());
        expect(rows).toEqual([
          {
            constructor: 2,
            name: 'b',
            length: null,
            order: 2,
            select: null,
            rank: null,
            toString: null,
          },
          { constructor: 1, name: 'a', length: 4, order: 1, select: 's', rank: 9, toString: 'T' },
        ]);
        await conn.execute(deleteFrom(odd).where(odd.c.constructor.eq(2)));
        expect((await conn.execute(select(func.count()).selectFrom(odd))).scalar()).toBe(1);
      });
    });

    it('returns computed values (parameters, comparisons, casts) as JS values', async () => {
      await engine.begin(async (conn) => {
        const when = new Date('2024-03-10T09:59:59.999Z');
        const stmt = select(
          literal(true).label('t'),
          literal(7).label('seven'),
          literal(when).label('when'),
          literal(2n ** 60n).label('big'),
          items.c.qty.gt(0).label('positive'),
          cast(items.c.qty, types.text()).label('txt'),
          caseWhen([[items.c.flag, 'yes']], { else: 'no' }).label('yn'),
          caseValue(
            items.c.label,
            [
              ['b', 1],
              ['a', 2],
            ],
            { else: 3 },
          ).label('pick'),
        ).where(items.c.label.eq('a'));
        const [row] = byKey(stmt, engine, (await conn.execute(stmt)).tuples().all());
        expect(row).toEqual({
          t: true,
          seven: 7,
          when,
          big: 2n ** 60n,
          positive: false,
          txt: '-32768',
          yn: 'yes',
          pick: 2,
        });
      });
    });

    it('compiles a statement shape once across executions with new values', async () => {
      const byId = (id: number) => select(items.c.label).where(items.c.id.eq(id));
      await engine.begin(async (conn) => {
        await conn.execute(byId(1)); // may compile (or hit, if another test compiled the shape)
        const before = compilerStats();
        const one = (await conn.execute(byId(1))).scalars().all();
        const two = (await conn.execute(byId(2))).scalars().all();
        const after = compilerStats();
        expect(after.compiles - before.compiles).toBe(0);
        expect(after.hits - before.hits).toBe(2);
        expect([one, two]).toEqual([['a'], [null]]);
      });
    });
  });
}
