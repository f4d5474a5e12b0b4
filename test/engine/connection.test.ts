import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ArgumentError,
  InvalidRequestError,
  ObjectNotExecutableError,
  PendingRollbackError,
  ResourceClosedError,
} from '../../src/errors.js';
import { createEngine } from '../../src/engine/create-engine.js';
import type { Engine } from '../../src/engine/engine.js';
import { sql, text } from '../../src/sql/text.js';
import { allDatabases } from '../helpers/databases.js';
import { serialPk } from './helpers.js';

const T = 'eng_conn_items';

for (const db of allDatabases()) {
  describe.skipIf(db.url === undefined)(`Connection and transactions on ${db.name}`, () => {
    let engine: Engine;
    const count = async () => {
      const c = await engine.connect();
      try {
        return Number(await c.scalar(text(`SELECT count(*) FROM ${T}`)));
      } finally {
        await c.close();
      }
    };
    const clear = () => engine.begin(async (c) => void (await c.execute(text(`DELETE FROM ${T}`))));

    beforeAll(async () => {
      engine = createEngine(db.url as string);
      await engine.begin(async (c) => {
        await c.execute(text(`DROP TABLE IF EXISTS ${T}`));
        await c.execute(text(`CREATE TABLE ${T} (id INTEGER PRIMARY KEY, name VARCHAR(100))`));
      });
    });

    afterAll(async () => {
      await engine.begin(async (c) => void (await c.execute(text(`DROP TABLE IF EXISTS ${T}`))));
      await engine.dispose();
    });

    it('autobegins on the first execute; close() without commit rolls back', async () => {
      await clear();
      const c = await engine.connect();
      expect(c.inTransaction()).toBe(false);
      await c.execute(text(`INSERT INTO ${T} (id, name) VALUES (1, 'a')`));
      expect(c.inTransaction()).toBe(true);
      await c.close();
      expect(await count()).toBe(0);
    });

    it('commits as you go: commit, autobegin again, rollback', async () => {
      await clear();
      const c = await engine.connect();
      await c.execute(text(`INSERT INTO ${T} (id, name) VALUES (1, 'a')`));
      await c.commit();
      expect(c.inTransaction()).toBe(false);
      await c.execute(text(`INSERT INTO ${T} (id, name) VALUES (2, 'b')`));
      expect(c.inTransaction()).toBe(true);
      await c.rollback();
      expect(c.inTransaction()).toBe(false);
      await c.close();
      expect(await count()).toBe(1);
    });

    it('commit() and rollback() with nothing begun do nothing', async () => {
      const c = await engine.connect();
      await c.commit();
      await c.rollback();
      expect(c.inTransaction()).toBe(false);
      await c.close();
    });

    it('refuses a second begin()', async () => {
      const c = await engine.connect();
      await c.begin();
      await expect(c.begin()).rejects.toThrow(
        "This connection has already initialized a Transaction() object via begin() or autobegin; can't call begin() here unless rollback() or commit() is called first.",
      );
      await c.close();
    });

    it('engine.begin() commits on success and rolls back and rethrows on error', async () => {
      await clear();
      await engine.begin(async (c) => {
        await c.execute(text(`INSERT INTO ${T} (id, name) VALUES (:id, :name)`), {
          id: 1,
          name: 'x',
        });
      });
      expect(await count()).toBe(1);
      const boom = new Error('boom');
      await expect(
        engine.begin(async (c) => {
          await c.execute(text(`INSERT INTO ${T} (id, name) VALUES (2, 'y')`));
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await count()).toBe(1);
      expect(engine.pool.checkedOut).toBe(0);
    });

    it('explicit Transaction objects commit and roll back; inactive commit raises', async () => {
      await clear();
      const c = await engine.connect();
      const tx = await c.begin();
      await c.execute(text(`INSERT INTO ${T} (id, name) VALUES (1, 'a')`));
      await tx.commit();
      expect(tx.isActive).toBe(false);
      await expect(tx.commit()).rejects.toThrow('This transaction is inactive');
      await tx.rollback(); // a no-op
      const tx2 = await c.begin();
      await c.execute(text(`INSERT INTO ${T} (id, name) VALUES (2, 'b')`));
      await tx2.rollback();
      await c.close();
      expect(await count()).toBe(1);
    });

    it('savepoints: an inner rollback keeps the outer work', async () => {
      await clear();
      const c = await engine.connect();
      await c.execute(text(`INSERT INTO ${T} (id, name) VALUES (1, 'outer')`));
      const sp = await c.beginNested();
      expect(c.inNestedTransaction()).toBe(true);
      expect(sp.name).toMatch(/^sa_savepoint_\d+$/);
      await c.execute(text(`INSERT INTO ${T} (id, name) VALUES (2, 'inner')`));
      expect(await c.scalar(text(`SELECT count(*) FROM ${T}`))).toEqual(expect.anything());
      await sp.rollback();
      expect(c.inNestedTransaction()).toBe(false);
      expect(Number(await c.scalar(text(`SELECT count(*) FROM ${T}`)))).toBe(1);
      const sp2 = await c.beginNested();
      await c.execute(text(`INSERT INTO ${T} (id, name) VALUES (3, 'kept')`));
      await sp2.commit();
      await c.commit();
      await c.close();
      expect(await count()).toBe(2);
    });

    it('beginNested(callback) releases on success and rolls back to the savepoint on error', async () => {
      await clear();
      await engine.begin(async (c) => {
        await c.execute(text(`INSERT INTO ${T} (id, name) VALUES (1, 'outer')`));
        await c.beginNested(async () => {
          await c.execute(text(`INSERT INTO ${T} (id, name) VALUES (2, 'kept')`));
        });
        await expect(
          c.beginNested(async () => {
            await c.execute(text(`INSERT INTO ${T} (id, name) VALUES (3, 'dropped')`));
            // A duplicate key: the statement fails inside the savepoint.
            await c.execute(text(`INSERT INTO ${T} (id, name) VALUES (1, 'dup')`));
          }),
        ).rejects.toThrow();
        // The outer transaction is still usable (PostgreSQL too, thanks to ROLLBACK TO).
        await c.execute(text(`INSERT INTO ${T} (id, name) VALUES (4, 'after')`));
      });
      const c = await engine.connect();
      const ids = (await c.execute(text(`SELECT id FROM ${T} ORDER BY id`))).scalars().all();
      await c.close();
      expect(ids.map(Number)).toEqual([1, 2, 4]);
    });

    it('nested savepoints: releasing the outer ends the inner too; root rollback discards all', async () => {
      await clear();
      const c = await engine.connect();
      const sp1 = await c.beginNested();
      const sp2 = await c.beginNested();
      expect(c.getNestedTransaction()).toBe(sp2);
      await sp2.rollback();
      expect(sp2.isActive).toBe(false);
      expect(sp1.isActive).toBe(true);
      await c.execute(text(`INSERT INTO ${T} (id, name) VALUES (1, 'x')`));
      await c.rollback();
      expect(sp1.isActive).toBe(false);
      expect(c.inTransaction()).toBe(false);
      await c.close();
      expect(await count()).toBe(0);
    });

    it('executemany runs one statement per parameter set and sums rowCount', async () => {
      await clear();
      const c = await engine.connect();
      const rows = Array.from({ length: 50 }, (_, i) => ({ id: i + 1, name: `n${i + 1}` }));
      const r = await c.execute(text(`INSERT INTO ${T} (id, name) VALUES (:id, :name)`), rows);
      expect(r.rowCount).toBe(50);
      const u = await c.execute(text(`UPDATE ${T} SET name = :name WHERE id <= :max`), [
        { name: 'a', max: 10 },
        { name: 'b', max: 5 },
      ]);
      expect(u.rowCount).toBe(15);
      await c.commit();
      await c.close();
      expect(await count()).toBe(50);
    });

    it('rowCount of UPDATE counts matched rows, also when the value does not change', async () => {
      await clear();
      await engine.begin(async (c) => {
        await c.execute(text(`INSERT INTO ${T} (id, name) VALUES (1, 'same')`));
        const r = await c.execute(text(`UPDATE ${T} SET name = 'same' WHERE id = 1`));
        expect(r.rowCount).toBe(1);
      });
    });

    it('refuses a plain string, telling to use text() or sql``', async () => {
      const c = await engine.connect();
      await expect(c.execute('SELECT 1' as never)).rejects.toThrow(ObjectNotExecutableError);
      await expect(c.execute('SELECT 1' as never)).rejects.toThrow(
        /Not an executable object: 'SELECT 1'.*text\(/,
      );
      await c.close();
    });

    it('a missing bind is an error naming it, with the statement', async () => {
      const c = await engine.connect();
      const err = await c.execute(text(`SELECT * FROM ${T} WHERE id = :x`), {}).catch((e) => e);
      expect(err).toBeInstanceOf(InvalidRequestError);
      expect(err.message).toContain("A value is required for bind parameter 'x'");
      expect(err.message).toContain(`[SQL: SELECT * FROM ${T} WHERE id = `);
      await c.close();
    });

    it('checks the shape of parameters', async () => {
      const c = await engine.connect();
      await expect(c.execute(text('SELECT 1'), [1, 2] as never)).rejects.toThrow(
        'List argument must consist only of objects',
      );
      await expect(c.execute(text('SELECT 1'), 5 as never)).rejects.toThrow(ArgumentError);
      await expect(c.execute(text('SELECT 1'), 5 as never)).rejects.toThrow(
        'mapping or list expected for parameters',
      );
      await c.close();
    });

    it('execDriverSql uses the driver paramstyle', async () => {
      await clear();
      const c = await engine.connect();
      const mark = db.name === 'postgresql' ? ['$1', '$2'] : ['?', '?'];
      await c.execDriverSql(`INSERT INTO ${T} (id, name) VALUES (${mark[0]}, ${mark[1]})`, [
        7,
        'raw',
      ]);
      await c.execDriverSql(`INSERT INTO ${T} (id, name) VALUES (${mark[0]}, ${mark[1]})`, [
        [8, 'r8'],
        [9, 'r9'],
      ]);
      const r = await c.execDriverSql(`SELECT name FROM ${T} WHERE id = ${mark[0]}`, [7]);
      expect(r.scalar()).toBe('raw');
      await c.commit();
      await c.close();
      expect(await count()).toBe(3);
    });

    it('scalar(), scalars() and the sql`` tag', async () => {
      await clear();
      const c = await engine.connect();
      await c.execute(text(`INSERT INTO ${T} (id, name) VALUES (1, 'a'), (2, 'b')`));
      expect(await c.scalar(sql`SELECT name FROM ${sql.identifier(T)} WHERE id = ${2}`)).toBe('b');
      expect((await c.scalars(text(`SELECT name FROM ${T} ORDER BY id`))).all()).toEqual([
        'a',
        'b',
      ]);
      const ids = [1, 2];
      const r = await c.execute(
        sql`SELECT id FROM ${sql.identifier(T)} WHERE id IN (${sql.join(ids)}) ORDER BY id`,
      );
      expect(r.scalars().all().map(Number)).toEqual([1, 2]);
      await c.close();
    });

    it('a closed connection refuses work; close() twice is harmless; await using closes', async () => {
      const c = await engine.connect();
      await c.close();
      await c.close();
      expect(c.closed).toBe(true);
      await expect(c.execute(text('SELECT 1'))).rejects.toThrow(ResourceClosedError);
      await expect(c.execute(text('SELECT 1'))).rejects.toThrow('This Connection is closed');
      {
        await using d = await engine.connect();
        await d.execute(text('SELECT 1'));
        expect(engine.pool.checkedOut).toBeGreaterThan(0);
      }
      expect(engine.pool.checkedOut).toBe(0);
    });

    it('invalidate() discards the driver connection; the next execute reconnects', async () => {
      const c = await engine.connect();
      const before = c.driverConnection;
      await c.invalidate();
      expect(c.invalidated).toBe(true);
      expect(Number(await c.scalar(text('SELECT 1')))).toBe(1);
      expect(c.driverConnection).not.toBe(before);
      await c.close();
    });

    it('invalidate() inside a transaction requires rollback() before reconnecting', async () => {
      const c = await engine.connect();
      await c.execute(text('SELECT 1'));
      await c.invalidate();
      const err = await c.execute(text('SELECT 1')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PendingRollbackError);
      expect((err as PendingRollbackError).code).toBe('8s2b');
      expect((err as Error).message).toMatch(
        /Can't reconnect until invalid transaction is rolled back/,
      );
      await expect(c.commit()).rejects.toMatchObject({
        code: '8s2b',
        message: expect.stringMatching(/Can't reconnect until/),
      });
      await c.rollback();
      expect(Number(await c.scalar(text('SELECT 1')))).toBe(1);
      await c.close();
    });

    it('refuses to change the isolation level inside a transaction', async () => {
      const c = await engine.connect();
      await c.execute(text('SELECT 1'));
      expect(() => c.executionOptions({ isolationLevel: 'SERIALIZABLE' })).toThrow(
        /isolationLevel may not be altered unless rollback\(\) or commit\(\) is called first/,
      );
      await c.rollback();
      expect(() => c.executionOptions({ isolationLevel: 'SERIALIZABLE' })).not.toThrow();
      await c.close();
    });

    it('executionOptions({ streamResults }) makes execute() point at stream()', async () => {
      const c = await engine.connect();
      c.executionOptions({ streamResults: true });
      await expect(c.execute(text('SELECT 1'))).rejects.toThrow(/use conn.stream\(\)/);
      await c.close();
    });

    it('INSERT … RETURNING with a list of parameter sets returns the rows of every set', async () => {
      await clear();
      const c = await engine.connect();
      const r = await c.execute(
        text(`INSERT INTO ${T} (id, name) VALUES (:id, :name) RETURNING id, name`),
        [
          { id: 1, name: 'a' },
          { id: 2, name: 'b' },
          { id: 3, name: 'c' },
        ],
      );
      expect(r.returnsRows).toBe(true);
      expect(r.all().map((row) => [Number(row.id), row.name])).toEqual([
        [1, 'a'],
        [2, 'b'],
        [3, 'c'],
      ]);
      await c.rollback();
      await c.close();
    });

    it('reports lastInsertId where the driver has it', async () => {
      const auto = `${T}_auto`;
      const pk = serialPk(db);
      await engine.begin(async (c) => {
        await c.execute(text(`DROP TABLE IF EXISTS ${auto}`));
        await c.execute(text(`CREATE TABLE ${auto} (id ${pk}, name VARCHAR(10))`));
      });
      const c = await engine.connect();
      try {
        await c.execute(text(`INSERT INTO ${auto} (name) VALUES ('a')`));
        const r = await c.execute(text(`INSERT INTO ${auto} (name) VALUES ('b')`));
        expect(r.rowCount).toBe(1);
        expect(r.returnsRows).toBe(false);
        if (db.name === 'postgresql') expect(r.lastInsertId).toBeUndefined();
        else expect(Number(r.lastInsertId)).toBe(2);
      } finally {
        await c.close();
        await engine.begin(
          async (d) => void (await d.execute(text(`DROP TABLE IF EXISTS ${auto}`))),
        );
      }
    });

    it('beforeExecute / afterExecute listeners see every statement sent', async () => {
      const seen: string[] = [];
      const counts: number[] = [];
      const off1 = engine.on('beforeExecute', (e) => seen.push(e.statement));
      const off2 = engine.on('afterExecute', (e) => counts.push(e.result?.rowCount ?? -2));
      const c = await engine.connect();
      await c.execute(text('SELECT 1 AS one'));
      off1();
      off2();
      await c.execute(text('SELECT 2 AS two'));
      await c.close();
      expect(seen).toEqual(['SELECT 1 AS one']);
      expect(counts).toHaveLength(1);
    });

    it('engine.executionOptions() shares the pool and dialect', async () => {
      const tokened = engine.executionOptions({ loggingToken: 'x' });
      expect(tokened.pool).toBe(engine.pool);
      expect(tokened.dialect).toBe(engine.dialect);
      const c = await tokened.connect();
      expect(c.getExecutionOptions().loggingToken).toBe('x');
      await c.close();
    });

    it('the SQL flavour is settled once connected', async () => {
      const fresh = createEngine(db.url as string);
      const c = await fresh.connect();
      expect(fresh.dialect.sqlSettled).toBe(true);
      expect(fresh.dialect.serverVersion).not.toBe('');
      expect(fresh.dialect.sql.supportsReturning).toBe(true);
      await c.close();
      await fresh.dispose();
    });
  });
}
