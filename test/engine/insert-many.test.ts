/**
 * Executemany of a one-row INSERT (`conn.execute(insert(t), [row, row, …])`) runs as
 * multi-row INSERT pages on every database, with the results one statement per set gives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/create-engine.js';
import type { Engine } from '../../src/engine/engine.js';
import { ArgumentError, IntegrityError } from '../../src/errors.js';
import { MetaData, deleteFrom, insert, select } from '../../src/sql/index.js';
import { text } from '../../src/sql/text.js';
import { allDatabases } from '../helpers/databases.js';
import { serialPk } from './helpers.js';

const metadata = new MetaData();
let seq = 0;
const items = metadata.table('eng_many_items', (t) => ({
  id: t.integer().primaryKey(),
  code: t.integer().notNull(),
  name: t.varchar(40).notNull(),
  flag: t.boolean().notNull().default(false),
  stamp: t.integer().default(() => ++seq),
}));

const rowsOf = (n: number, from = 1) =>
  Array.from({ length: n }, (_, i) => ({
    code: from + i,
    name: `n${from + i}`,
    flag: i % 2 === 0,
  }));

for (const db of allDatabases()) {
  describe.skipIf(db.url === undefined)(`INSERT executemany as pages on ${db.name}`, () => {
    let engine: Engine;

    beforeAll(async () => {
      engine = createEngine(db.url as string);
      const bool = db.name === 'postgresql' ? 'BOOLEAN' : 'INTEGER';
      const pk = serialPk(db);
      await engine.begin(async (c) => {
        await c.execute(text('DROP TABLE IF EXISTS eng_many_items'));
        await c.execute(
          text(
            `CREATE TABLE eng_many_items (id ${pk}, code INTEGER NOT NULL UNIQUE, ` +
              `name VARCHAR(40) NOT NULL, ` +
              `flag ${bool} NOT NULL, stamp INTEGER)`,
          ),
        );
      });
    });

    afterAll(async () => {
      await engine.begin(async (c) => void (await c.execute(text('DROP TABLE eng_many_items'))));
      await engine.dispose();
    });

    it('sends pages of up to 1,000 sets, sums rowCount and keeps every value in order', async () => {
      const sent: { sql: string; params: number; many: boolean }[] = [];
      const off = engine.on('beforeExecute', (e) => {
        if (e.statement.startsWith('INSERT'))
          sent.push({
            sql: e.statement,
            params: (e.parameters as unknown[]).length,
            many: e.isMany,
          });
      });
      seq = 0;
      try {
        await engine.begin(async (c) => {
          await c.execute(deleteFrom(items));
          const r = await c.execute(insert(items), rowsOf(2500));
          expect(r.rowCount).toBe(2500);
          const back = (await c.execute(select(items).orderBy(items.c.code))).all();
          expect(back).toHaveLength(2500);
          expect(back.map((row) => row.name)).toEqual(rowsOf(2500).map((row) => row.name));
          expect(back.map((row) => Boolean(row.flag))).toEqual(rowsOf(2500).map((row) => row.flag));
          // The default function ran once per set, in order.
          expect(back.map((row) => row.stamp)).toEqual(rowsOf(2500).map((_, i) => i + 1));
        });
      } finally {
        off();
      }
      // Drivers naming the first key of a multi-row INSERT get the last set alone.
      const sizes = sent.map((s) => s.params / 4);
      expect(sizes).toEqual(db.name === 'mariadb' ? [1000, 1000, 499, 1] : [1000, 1000, 500]);
      expect(sent.every((s) => !s.many)).toBe(true);
      expect(sent[0]!.sql.match(/\), \(/g)).toHaveLength(999);
    });

    it('reports the lastInsertId of the last set, as one statement per set does', async () => {
      if (db.name === 'postgresql') return;
      await engine.begin(async (c) => {
        await c.execute(deleteFrom(items));
        const one = await c.execute(insert(items), [rowsOf(1, 9)[0]!]);
        const many = await c.execute(insert(items), rowsOf(5, 10));
        expect(Number(many.lastInsertId)).toBe(Number(one.lastInsertId) + 5);
      });
    });

    it('raises the database error of a page, naming its SQL', async () => {
      const c = await engine.connect();
      try {
        await c.execute(deleteFrom(items));
        const rows = rowsOf(10);
        rows[7] = { ...rows[7]!, code: 3 };
        const err = await c.execute(insert(items), rows).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(IntegrityError);
        expect((err as IntegrityError).statement).toMatch(/VALUES \(.+\), \(/);
      } finally {
        await c.close();
      }
    });

    it('checks every set before sending anything', async () => {
      const c = await engine.connect();
      try {
        await c.execute(deleteFrom(items));
        const rows: Record<string, unknown>[] = rowsOf(10);
        rows[6] = { ...rows[6], name: 42 };
        await expect(c.execute(insert(items), rows)).rejects.toThrow(ArgumentError);
        expect(await c.scalar(select(items.c.id).limit(1))).toBeNull();
      } finally {
        await c.close();
      }
    });

    it('runs one statement per set with RETURNING, keeping the rows in order', async () => {
      const sent: string[] = [];
      const off = engine.on('beforeExecute', (e) => void sent.push(e.statement));
      try {
        await engine.begin(async (c) => {
          await c.execute(deleteFrom(items));
          sent.length = 0;
          const r = await c.execute(insert(items).returning(items.c.code), rowsOf(5, 20));
          expect(r.all().map((row) => row.code)).toEqual([20, 21, 22, 23, 24]);
        });
      } finally {
        off();
      }
      expect(sent.filter((s) => s.startsWith('INSERT'))).toHaveLength(1);
      expect(sent.find((s) => s.startsWith('INSERT'))).not.toMatch(/\), \(/);
    });

    it('runs ON CONFLICT DO UPDATE once per set, so sets for the same key both apply', async () => {
      if (db.name === 'mariadb') return;
      const base = insert(items);
      const upsert = base.onConflictDoUpdate({
        target: items.c.code,
        set: { name: base.excluded.name },
      });
      await engine.begin(async (c) => {
        await c.execute(deleteFrom(items));
        await c.execute(upsert, [
          { code: 1, name: 'first', flag: true },
          { code: 1, name: 'second', flag: true },
        ]);
        expect(await c.scalar(select(items.c.name).where(items.c.code.eq(1)))).toBe('second');
      });
    });
  });
}
