/**
 * Positional execution: `executePositional()` / `executePositionalMany()` with values laid
 * out by `compiled.bindNames`, on every database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/create-engine.js';
import type { Engine } from '../../src/engine/engine.js';
import { ArgumentError, IntegrityError, InvalidRequestError } from '../../src/errors.js';
import { MetaData, bindParam, deleteFrom, insert, select, update } from '../../src/sql/index.js';
import { sql, text } from '../../src/sql/text.js';
import { allDatabases } from '../helpers/databases.js';
import { captureLogger } from './helpers.js';

const metadata = new MetaData();
const things = metadata.table('eng_pos_things', (t) => ({
  id: t.integer().primaryKey(),
  name: t.varchar(40).notNull(),
  flag: t.boolean().notNull(),
  qty: t.integer(),
}));

/** A multi-row INSERT with named binds `r<row>_<key>`. */
function insertRows(rows: number) {
  const values = Array.from({ length: rows }, (_, r) => ({
    id: bindParam(`r${r}_id`),
    name: bindParam(`r${r}_name`),
    flag: bindParam(`r${r}_flag`),
    qty: bindParam(`r${r}_qty`),
  }));
  return insert(things).values(values);
}

/** Lays out rows of objects by the statement's bind names (`r<row>_<key>`). */
function layout(names: readonly (string | undefined)[], rows: Record<string, unknown>[]) {
  return names.map((name) => {
    const [, r, key] = /^r(\d+)_(\w+)$/.exec(name!)!;
    return rows[Number(r)]![key!];
  });
}

for (const db of allDatabases()) {
  describe.skipIf(db.url === undefined)(`positional execution on ${db.name}`, () => {
    let engine: Engine;

    beforeAll(async () => {
      engine = createEngine(db.url as string);
      await engine.begin(async (c) => {
        await c.execute(text('DROP TABLE IF EXISTS eng_pos_things'));
        await c.execute(createTable());
      });
    });

    function createTable() {
      const bool = db.name === 'postgresql' ? 'BOOLEAN' : 'INTEGER';
      return text(
        `CREATE TABLE eng_pos_things (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL, ` +
          `flag ${bool} NOT NULL, qty INTEGER)`,
      );
    }

    afterAll(async () => {
      await engine.begin(async (c) => void (await c.execute(text('DROP TABLE eng_pos_things'))));
      await engine.dispose();
    });

    it('runs a multi-row INSERT from values laid out by bindNames, converting each value', async () => {
      const stmt = insertRows(3);
      const rows = [
        { id: 1, name: 'Ann', flag: true, qty: 5 },
        { id: 2, name: 'Bob', flag: false, qty: null },
        { id: 3, name: "O'Brien", flag: true, qty: 7 },
      ];
      await engine.begin(async (c) => {
        await c.execute(deleteFrom(things));
        const names = stmt.compile(c.engine.dialect.sql).bindNames!;
        expect(names).toHaveLength(12);
        expect(new Set(names).size).toBe(12);
        // One frozen array per compiled shape: a second statement of the same shape shares it.
        expect(insertRows(3).compile(c.engine.dialect.sql).bindNames).toBe(names);
        const result = await c.executePositional(stmt, layout(names, rows));
        expect(result.rowCount).toBe(3);
      });
      const c = await engine.connect();
      try {
        const got = (await c.execute(select(things).orderBy(things.c.id))).mappings().all();
        expect(got).toEqual(rows);
      } finally {
        await c.close();
      }
    });

    it('returns typed rows of a SELECT with result processors applied', async () => {
      const stmt = select(things.c.name, things.c.flag).where(things.c.id.eq(bindParam('id')));
      const c = await engine.connect();
      try {
        const row = (await c.executePositional(stmt, [2])).one();
        expect(row.name).toBe('Bob');
        expect(row.flag).toBe(false);
        expect(c.inTransaction()).toBe(true); // autobegin, as execute()
      } finally {
        await c.close();
      }
    });

    it('executemany with positional lists totals rowCount', async () => {
      const stmt = update(things)
        .values({ qty: bindParam('q') })
        .where(things.c.id.eq(bindParam('k')));
      await engine.begin(async (c) => {
        const names = stmt.compile(c.engine.dialect.sql).bindNames!;
        expect(names).toEqual(['q', 'k']);
        const result = await c.executePositionalMany(stmt, [
          [10, 1],
          [20, 2],
          [30, 99],
        ]);
        expect(result.rowCount).toBe(2);
        const qty = (await c.execute(select(things.c.qty).orderBy(things.c.id))).scalars().all();
        expect(qty).toEqual([10, 20, 7]);
      });
    });

    it('undefined falls back to the embedded value; a missing value is refused before sending', async () => {
      const stmt = select(things.c.id).where(
        things.c.qty.eq(bindParam('q', { defaultValue: 20 })),
        things.c.name.ne(bindParam('n')),
      );
      const c = await engine.connect();
      const sent: string[] = [];
      const off = engine.on('beforeExecute', (e) => void sent.push(e.statement));
      try {
        expect((await c.executePositional(stmt, [undefined, 'x'])).scalars().all()).toEqual([2]);
        expect((await c.executePositional(stmt, [7, 'x'])).scalars().all()).toEqual([3]);
        sent.length = 0;
        await expect(c.executePositional(stmt, [20, undefined])).rejects.toThrow(
          InvalidRequestError,
        );
        await expect(c.executePositional(stmt, [20, undefined])).rejects.toThrow(
          /A value is required for bind parameter 'n'[\s\S]*\[SQL: SELECT/,
        );
        await expect(c.executePositional(stmt, [20])).rejects.toThrow(
          /takes 2 positional parameters, got 1/,
        );
        await expect(c.executePositional(stmt, ['twenty', 'x'])).rejects.toThrow(ArgumentError);
        await expect(c.executePositionalMany(stmt, [[20, 'x'], 'y' as never])).rejects.toThrow(
          /list of positional parameter lists/,
        );
        expect(sent).toEqual([]);
      } finally {
        off();
        await c.close();
      }
    });

    it('text() takes positional values; sql`` refuses them', async () => {
      const stmt = text('SELECT name FROM eng_pos_things WHERE id = :id OR qty = :q ORDER BY id');
      const c = await engine.connect();
      try {
        expect(stmt.compile(c.engine.dialect.sql).bindNames).toEqual(['id', 'q']);
        expect((await c.executePositional(stmt, [1, 7])).scalars().all()).toEqual([
          'Ann',
          "O'Brien",
        ]);
        const withDefault = stmt.bindparams({ q: 20 });
        expect((await c.executePositional(withDefault, [1, undefined])).scalars().all()).toEqual([
          'Ann',
          'Bob',
        ]);
        await expect(c.executePositional(sql`SELECT ${1}`, [1])).rejects.toThrow(
          /does not take positional parameters/,
        );
      } finally {
        await c.close();
      }
    });

    it('logs like execute() and wraps driver errors with the positional parameters', async () => {
      const logger = captureLogger();
      const logged = createEngine(db.url as string, { echo: true, logger });
      try {
        const c = await logged.connect();
        const stmt = insertRows(1);
        const names = stmt.compile(c.engine.dialect.sql).bindNames!;
        const values = layout(names, [{ id: 1, name: 'dup', flag: false, qty: 1 }]);
        const err = await c.executePositional(stmt, values).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(IntegrityError);
        const params = (err as IntegrityError).params as unknown[];
        expect(params).toHaveLength(4);
        expect(params.slice(0, 2)).toEqual([1, 'dup']);
        expect(logger.text()).toContain('INSERT INTO eng_pos_things');
        expect(logger.text()).toMatch(/\[(generated in|cached since) [^\]]+\] \[1, "dup"/);
        await c.close();
      } finally {
        await logged.dispose();
      }
    });
  });
}
