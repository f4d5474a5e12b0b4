/**
 * The better-sqlite3 adapter runs BEGIN, COMMIT and ROLLBACK synchronously when it can and
 * hands back a settled promise. Failures must still arrive as rejections (never as throws from
 * the call), and the write lock of `beginImmediate` must be held and given back exactly as the
 * general path does: kept while a failed COMMIT leaves the transaction open, freed at its end.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/create-engine.js';
import type { Engine } from '../../src/engine/engine.js';
import type { DriverConnection } from '../../src/dialects/dialect.js';
import { text } from '../../src/sql/text.js';
import { sqliteFileUrl } from '../helpers/databases.js';

const engines: Engine[] = [];

afterEach(async () => {
  for (const e of engines.splice(0)) await e.dispose();
});

async function fileEngine(beginImmediate: boolean): Promise<Engine> {
  const engine = createEngine(sqliteFileUrl(), {
    poolSize: 2,
    maxOverflow: 0,
    connectArgs: { beginImmediate, pragmas: { foreign_keys: true } },
  });
  engines.push(engine);
  await engine.begin(async (c) => {
    await c.execute(text('CREATE TABLE parent (id INTEGER PRIMARY KEY)'));
    await c.execute(
      text(
        'CREATE TABLE child (id INTEGER PRIMARY KEY, ' +
          'parent_id INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)',
      ),
    );
  });
  return engine;
}

describe.each([true, false])('better-sqlite3 transactions (beginImmediate: %s)', (immediate) => {
  it('reports a BEGIN inside a transaction as a rejected promise', async () => {
    const engine = await fileEngine(immediate);
    const handle = await engine.pool.checkout();
    const driver = handle.connection as DriverConnection;
    try {
      await driver.begin();
      let thrown: unknown;
      let second: Promise<void> | undefined;
      try {
        second = driver.begin();
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeUndefined();
      await expect(second).rejects.toThrow(/within a transaction/);
      expect(driver.transactionStatus()).toBe(true);
      await driver.rollback();
      expect(driver.transactionStatus()).toBe(false);
    } finally {
      await handle.release();
    }
  });

  it('a COMMIT that fails rejects, keeps the transaction (and the write lock) until ROLLBACK', async () => {
    const engine = await fileEngine(immediate);
    const first = await engine.pool.checkout();
    const second = await engine.pool.checkout();
    const a = first.connection as DriverConnection;
    const b = second.connection as DriverConnection;
    try {
      await a.begin();
      await a.execute('INSERT INTO child (id, parent_id) VALUES (1, 99)', []);
      const committing = a.commit();
      expect(committing).toBeInstanceOf(Promise);
      await expect(committing).rejects.toThrow(/FOREIGN KEY constraint failed/);
      expect(a.transactionStatus()).toBe(true);
      // The other connection's writer waits while the failed transaction is still open.
      let bBegan = false;
      const bWrite = (async () => {
        if (immediate) await b.begin();
        else await b.begin().then(() => b.execute('INSERT INTO parent (id) VALUES (7)', []));
        bBegan = true;
      })();
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(bBegan).toBe(false);
      await a.rollback();
      await bWrite;
      expect(bBegan).toBe(true);
      if (immediate) await b.execute('INSERT INTO parent (id) VALUES (7)', []);
      await b.commit();
      const rows = await a.execute('SELECT id FROM parent', []);
      expect(rows.rows).toEqual([[7]]);
      const children = await a.execute('SELECT id FROM child', []);
      expect(children.rows).toEqual([]);
    } finally {
      await first.release();
      await second.release();
    }
  });

  it('COMMIT and ROLLBACK without a transaction resolve and leave the lock free', async () => {
    const engine = await fileEngine(immediate);
    const handle = await engine.pool.checkout();
    const driver = handle.connection as DriverConnection;
    try {
      await driver.commit();
      await driver.rollback();
      await driver.begin();
      await driver.commit();
      const other = await engine.pool.checkout();
      try {
        const d2 = other.connection as DriverConnection;
        await d2.begin();
        await d2.execute('INSERT INTO parent (id) VALUES (1)', []);
        await d2.commit();
      } finally {
        await other.release();
      }
    } finally {
      await handle.release();
    }
  });
});
