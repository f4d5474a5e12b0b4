/**
 * `Connection._positionalRows()`, the row-only positional execution the ORM's `get()` uses:
 * the same rows as `executePositional()`, answered without a promise when the transaction is
 * open and the driver answered synchronously, and through the general path otherwise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/create-engine.js';
import type { Engine } from '../../src/engine/engine.js';
import { ArgumentError } from '../../src/errors.js';
import { MetaData, bindParam, insert, select, update } from '../../src/sql/index.js';
import { text } from '../../src/sql/text.js';
import { allDatabases } from '../helpers/databases.js';

const metadata = new MetaData();
const things = metadata.table('eng_posrows_things', (t) => ({
  id: t.integer().primaryKey(),
  flag: t.boolean().notNull(),
}));
const byId = select(things).where(things.c.id.eq(bindParam('id')));
const setFlag = update(things)
  .values({ flag: bindParam('flag') })
  .where(things.c.id.eq(bindParam('id')));
const addThing = insert(things).values({ id: bindParam('id'), flag: bindParam('flag') });

for (const db of allDatabases()) {
  describe.skipIf(db.url === undefined)(`_positionalRows on ${db.name}`, () => {
    let engine: Engine;

    beforeAll(async () => {
      engine = createEngine(db.url as string);
      const bool = db.name === 'postgresql' ? 'BOOLEAN' : 'INTEGER';
      await engine.begin(async (c) => {
        await c.execute(text('DROP TABLE IF EXISTS eng_posrows_things'));
        await c.execute(
          text(`CREATE TABLE eng_posrows_things (id INTEGER PRIMARY KEY, flag ${bool} NOT NULL)`),
        );
        await c.execute(text('INSERT INTO eng_posrows_things (id, flag) VALUES (1, :f)'), {
          f: db.name === 'postgresql' ? true : 1,
        });
      });
    });

    afterAll(async () => {
      await engine.begin(
        async (c) => void (await c.execute(text('DROP TABLE eng_posrows_things'))),
      );
      await engine.dispose();
    });

    it('gives the rows executePositional() gives, processed, before and after BEGIN', async () => {
      const conn = await engine.connect();
      try {
        // No transaction yet: the general path (it begins one), always a promise.
        const first = conn._positionalRows(byId, [1]);
        expect(first).toBeInstanceOf(Promise);
        expect(await first).toEqual([[1, true]]);
        const general = (await conn.executePositional(byId, [1])).tuples().all();
        const direct = await conn._positionalRows(byId, [1]);
        expect(direct).toEqual(general);
        expect(await conn._positionalRows(byId, [2])).toEqual([]);
        if (db.name === 'sqlite') {
          // An open transaction on a synchronous driver: the rows themselves.
          expect(conn._positionalRows(byId, [1])).toEqual([[1, true]]);
        }
      } finally {
        await conn.close();
      }
    });

    it('_positionalOutcome gives the row count and key executePositional() gives', async () => {
      const conn = await engine.connect();
      try {
        await conn.begin();
        const names = setFlag.compile(engine.dialect.sql).bindNames!;
        const args = (flag: boolean, id: number) => names.map((n) => (n === 'flag' ? flag : id));
        const general = await conn.executePositional(setFlag, args(false, 1));
        const direct = await conn._positionalOutcome(setFlag, args(true, 1));
        expect(direct).toEqual({
          rows: [],
          rowCount: general.rowCount,
          lastInsertId: general.lastInsertId,
        });
        expect((await conn._positionalOutcome(setFlag, args(true, 999))).rowCount).toBe(0);
        const insertNames = addThing.compile(engine.dialect.sql).bindNames!;
        const inserted = await conn._positionalOutcome(
          addThing,
          insertNames.map((n) => (n === 'flag' ? true : 7)),
        );
        expect(inserted.rowCount).toBe(1);
        if (db.name === 'sqlite') expect(Number(inserted.lastInsertId)).toBe(7);
        expect(await conn._positionalRows(byId, [7])).toEqual([[7, true]]);
        await conn.rollback();
      } finally {
        await conn.close();
      }
    });

    it('reads the same one row with atMostOne, exact integers included', async () => {
      const conn = await engine.connect();
      try {
        await conn.begin();
        expect(await conn._positionalRows(byId, [1], true)).toEqual([[1, true]]);
        expect(await conn._positionalRows(byId, [404], true)).toEqual([]);
        // Beyond 2^53 on SQLite (64-bit INTEGER PRIMARY KEY): read exactly, as execute() does.
        const big = db.name === 'sqlite' ? 2n ** 60n + 1n : 5n;
        await conn.execDriverSql(
          db.name === 'postgresql'
            ? 'INSERT INTO eng_posrows_things (id, flag) VALUES ($1, false)'
            : 'INSERT INTO eng_posrows_things (id, flag) VALUES (?, 0)',
          [big],
        );
        const lookup = text('SELECT id FROM eng_posrows_things WHERE id = :id');
        const general = (await conn.executePositional(lookup, [big])).tuples().all();
        expect(general).toEqual([[db.name === 'sqlite' ? big : 5]]);
        expect(await conn._positionalRows(lookup, [big], true)).toEqual(general);
        await conn.rollback();
      } finally {
        await conn.close();
      }
    });

    it('raises what executePositional() raises for bad arguments', async () => {
      const conn = await engine.connect();
      try {
        await conn.begin();
        const wrongCount = async (run: () => Promise<unknown>) =>
          run().then(
            () => undefined,
            (err: unknown) => err as Error,
          );
        const general = await wrongCount(() => conn.executePositional(byId, [1, 2]));
        const direct = await wrongCount(async () => conn._positionalRows(byId, [1, 2]));
        expect(general).toBeInstanceOf(ArgumentError);
        expect(direct).toBeInstanceOf(ArgumentError);
        expect(direct!.message).toBe(general!.message);
        const outcome = await wrongCount(async () => conn._positionalOutcome(byId, [1, 2]));
        expect(outcome).toBeInstanceOf(ArgumentError);
        expect(outcome!.message).toBe(general!.message);
      } finally {
        await conn.close();
      }
    });
  });
}
