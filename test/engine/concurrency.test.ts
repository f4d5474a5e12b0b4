import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/create-engine.js';
import type { Engine } from '../../src/engine/engine.js';
import type { DriverConnection } from '../../src/dialects/dialect.js';
import { text } from '../../src/sql/text.js';
import { allDatabases } from '../helpers/databases.js';
import type { Admin } from './helpers.js';
import { adminFor, backendId, sleep } from './helpers.js';

const T = 'eng_conc_counter';
const TASKS = 200;

for (const db of allDatabases()) {
  describe.skipIf(db.url === undefined)(`${TASKS} concurrent transactions on ${db.name}`, () => {
    let engine: Engine;
    let admin: Admin | undefined;
    const backends: number[] = [];

    beforeAll(async () => {
      engine = createEngine(db.url as string, { poolSize: 5, maxOverflow: 5, poolTimeout: 30 });
      engine.on('connect', (conn: DriverConnection) => backends.push(backendId(conn.info)));
      if (db.name !== 'sqlite') admin = await adminFor(db);
      await engine.begin(async (c) => {
        await c.execute(text(`DROP TABLE IF EXISTS ${T}`));
        await c.execute(text(`CREATE TABLE ${T} (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)`));
        await c.execute(text(`INSERT INTO ${T} (id, n) VALUES (1, 0)`));
      });
    });

    afterAll(async () => {
      await engine.begin(async (c) => void (await c.execute(text(`DROP TABLE IF EXISTS ${T}`))));
      await engine.dispose();
      await admin?.close();
    });

    it('every task succeeds, nothing leaks, and at most poolSize + maxOverflow connections exist', async () => {
      let maxOut = 0;
      let maxServer = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          maxOut = Math.max(maxOut, engine.pool.checkedOut);
          if (admin) maxServer = Math.max(maxServer, await admin.countAlive(backends));
          await sleep(5);
        }
      })();
      const results = await Promise.allSettled(
        Array.from({ length: TASKS }, (_, i) =>
          engine.begin(async (c) => {
            // A write first, so that on SQLite the transaction holds the write lock throughout.
            await c.execute(text(`UPDATE ${T} SET n = n + 1 WHERE id = 1`));
            await sleep(i % 3);
            return Number(await c.scalar(text(`SELECT n FROM ${T} WHERE id = 1`)));
          }),
        ),
      );
      sampling = false;
      await sampler;
      const failures = results.filter((r) => r.status === 'rejected');
      expect(failures).toEqual([]);
      const c = await engine.connect();
      expect(Number(await c.scalar(text(`SELECT n FROM ${T} WHERE id = 1`)))).toBe(TASKS);
      await c.close();
      expect(maxOut).toBeLessThanOrEqual(10);
      expect(maxOut).toBeGreaterThan(1);
      expect(engine.pool.checkedOut).toBe(0);
      expect(engine.pool.status()).toBe(
        'Pool size: 5  Connections in pool: 5 Current Overflow: 0 Current Checked out connections: 0',
      );
      if (admin) {
        expect(maxServer).toBeGreaterThan(1);
        expect(maxServer).toBeLessThanOrEqual(10);
        expect(await admin.countAlive(backends)).toBe(5);
      }
    });
  });
}
