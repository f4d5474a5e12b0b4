import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/create-engine.js';
import type { Engine } from '../../src/engine/engine.js';
import { text } from '../../src/sql/text.js';
import { allDatabases } from '../helpers/databases.js';

const T = 'eng_iso_items';
const DEFAULT_LEVEL = {
  sqlite: 'SERIALIZABLE',
  postgresql: 'READ COMMITTED',
  mariadb: 'REPEATABLE READ',
};

for (const db of allDatabases()) {
  describe.skipIf(db.url === undefined)(`isolation on ${db.name}`, () => {
    let engine: Engine;
    const count = async (conn: Awaited<ReturnType<Engine['connect']>>) =>
      Number(await conn.scalar(text(`SELECT count(*) FROM ${T}`)));

    beforeAll(async () => {
      engine = createEngine(db.url as string);
      await engine.begin(async (c) => {
        await c.execute(text(`DROP TABLE IF EXISTS ${T}`));
        await c.execute(text(`CREATE TABLE ${T} (id INTEGER PRIMARY KEY)`));
      });
    });

    afterAll(async () => {
      await engine.begin(async (c) => void (await c.execute(text(`DROP TABLE IF EXISTS ${T}`))));
      await engine.dispose();
    });

    it("two connections see each other's changes only after commit", async () => {
      await engine.begin(async (c) => void (await c.execute(text(`DELETE FROM ${T}`))));
      const writer = await engine.connect();
      const reader = await engine.connect();
      await writer.execute(text(`INSERT INTO ${T} (id) VALUES (1)`));
      expect(await count(writer)).toBe(1);
      expect(await count(reader)).toBe(0);
      await reader.rollback();
      expect(await count(reader)).toBe(0);
      await writer.commit();
      await reader.rollback(); // a new transaction takes a new snapshot
      expect(await count(reader)).toBe(1);
      await writer.close();
      await reader.close();
    });

    it('reports the default isolation level', async () => {
      const c = await engine.connect();
      expect(await c.getIsolationLevel()).toBe(DEFAULT_LEVEL[db.name]);
      expect(engine.dialect.defaultIsolationLevel).toBe(DEFAULT_LEVEL[db.name]);
      await c.close();
    });

    it('isolationLevel applies to every connection of the engine', async () => {
      const level = db.name === 'sqlite' ? 'READ UNCOMMITTED' : 'SERIALIZABLE';
      const e = createEngine(db.url as string, {
        isolationLevel: level.toLowerCase().replace(' ', '_'),
      });
      const c = await e.connect();
      expect(await c.getIsolationLevel()).toBe(level);
      await c.close();
      await e.dispose();
    });

    it('a per-connection isolation level is put back when the connection returns to the pool', async () => {
      const e = createEngine(
        db.url as string,
        db.name === 'sqlite' ? {} : { poolSize: 1, maxOverflow: 0 },
      );
      const c = await e.connect();
      const id = c.driverConnection;
      const level = db.name === 'sqlite' ? 'READ UNCOMMITTED' : 'SERIALIZABLE';
      c.executionOptions({ isolationLevel: level });
      await c.execute(text('SELECT 1'));
      expect(await c.getIsolationLevel()).toBe(level);
      await c.close();
      const d = await e.connect();
      expect(d.driverConnection).toBe(id);
      expect(await d.getIsolationLevel()).toBe(DEFAULT_LEVEL[db.name]);
      await d.close();
      await e.dispose();
    });

    it('AUTOCOMMIT: each statement commits, rollback() has no effect', async () => {
      await engine.begin(async (c) => void (await c.execute(text(`DELETE FROM ${T}`))));
      const auto = engine.executionOptions({ isolationLevel: 'AUTOCOMMIT' });
      const c = await auto.connect();
      expect(await c.getIsolationLevel()).toBe('AUTOCOMMIT');
      await c.execute(text(`INSERT INTO ${T} (id) VALUES (5)`));
      expect(c.inTransaction()).toBe(true);
      await c.rollback();
      const other = await engine.connect();
      expect(await count(other)).toBe(1);
      await other.close();
      await c.close();
    });

    it('a connection switched to AUTOCOMMIT goes back to transactions in the pool', async () => {
      const c = await engine.connect();
      c.executionOptions({ isolationLevel: 'AUTOCOMMIT' });
      expect(await c.getIsolationLevel()).toBe('AUTOCOMMIT');
      await c.close();
      const d = await engine.connect();
      expect(await d.getIsolationLevel()).toBe(DEFAULT_LEVEL[db.name]);
      await d.close();
    });
  });
}
