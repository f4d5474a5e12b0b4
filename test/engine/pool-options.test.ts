import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OperationalError, PoolTimeoutError } from '../../src/errors.js';
import { createEngine } from '../../src/engine/create-engine.js';
import type { Connection } from '../../src/engine/connection.js';
import type { Engine, EngineOptions } from '../../src/engine/index.js';
import { text } from '../../src/sql/text.js';
import { allDatabases } from '../helpers/databases.js';
import type { Admin } from './helpers.js';
import { adminFor, backendId, sleep, waitFor } from './helpers.js';

const T = 'eng_pool_items';

for (const db of allDatabases()) {
  const server = db.name !== 'sqlite';
  /** Server-side kills do not apply to SQLite: these tests exist only for the servers. */
  const onServers: typeof it = server ? it : ((() => undefined) as unknown as typeof it);
  describe.skipIf(db.url === undefined)(`pool options through the engine on ${db.name}`, () => {
    const engines: Engine[] = [];
    let admin: Admin | undefined;
    const make = (options: EngineOptions = {}) => {
      const e = createEngine(db.url as string, options);
      engines.push(e);
      return e;
    };
    /** Something that identifies the physical connection. */
    const identity = (c: Connection): unknown =>
      server ? backendId(c.driverInfo) : c.driverConnection;

    beforeAll(async () => {
      if (server) admin = await adminFor(db);
      const e = make();
      await e.begin(async (c) => {
        await c.execute(text(`DROP TABLE IF EXISTS ${T}`));
        await c.execute(text(`CREATE TABLE ${T} (id INTEGER PRIMARY KEY)`));
      });
    });

    afterAll(async () => {
      const e = make();
      await e.begin(async (c) => void (await c.execute(text(`DROP TABLE IF EXISTS ${T}`))));
      for (const e2 of engines) await e2.dispose();
      await admin?.close();
    });

    it('opens overflow connections on demand and closes them when returned', async () => {
      const engine = make({ poolSize: 2, maxOverflow: 2 });
      const conns = await Promise.all([1, 2, 3, 4].map(() => engine.connect()));
      expect(engine.pool.checkedOut).toBe(4);
      expect(engine.pool.overflow).toBe(2);
      const ids = conns.map(identity);
      expect(new Set(ids).size).toBe(4);
      if (admin) expect(await admin.countAlive(ids as number[])).toBe(4);
      for (const c of conns) await c.close();
      expect(engine.pool.checkedIn).toBe(2);
      expect(engine.pool.overflow).toBe(0);
      expect(engine.pool.status()).toBe(
        'Pool size: 2  Connections in pool: 2 Current Overflow: 0 Current Checked out connections: 0',
      );
      if (admin) await waitFor(async () => (await admin!.countAlive(ids as number[])) === 2);
    });

    it('raises PoolTimeoutError after poolTimeout when the pool is exhausted', async () => {
      const engine = make({ poolSize: 1, maxOverflow: 0, poolTimeout: 0.3 });
      const held = await engine.connect();
      const started = Date.now();
      const err = await engine.connect().catch((e: unknown) => e);
      const waited = Date.now() - started;
      expect(err).toBeInstanceOf(PoolTimeoutError);
      expect((err as Error).message).toBe(
        'QueuePool limit of size 1 overflow 0 reached, connection timed out, timeout 0.30',
      );
      expect(waited).toBeGreaterThanOrEqual(280);
      expect(waited).toBeLessThan(2000);
      await held.close();
      const again = await engine.connect();
      await again.close();
    });

    it('poolRecycle replaces a connection older than the limit at checkout', async () => {
      const engine = make({ poolRecycle: 0.5 });
      const c1 = await engine.connect();
      const first = identity(c1);
      await c1.close();
      const c2 = await engine.connect();
      expect(identity(c2)).toBe(first);
      await c2.close();
      await sleep(700);
      const c3 = await engine.connect();
      expect(identity(c3)).not.toBe(first);
      await c3.close();
      if (admin) await waitFor(async () => (await admin!.countAlive([first as number])) === 0);
    });

    it('poolUseLifo hands out the most recently returned connection; FIFO the oldest', async () => {
      for (const lifo of [true, false]) {
        const engine = make({ poolSize: 3, poolUseLifo: lifo });
        const [a, b, c] = await Promise.all([engine.connect(), engine.connect(), engine.connect()]);
        const ids = [identity(a!), identity(b!), identity(c!)];
        await a!.close();
        await b!.close();
        await c!.close();
        const next = await engine.connect();
        expect(identity(next)).toBe(lifo ? ids[2] : ids[0]);
        await next.close();
      }
    });

    it('poolResetOnReturn rolls back (default) or commits a transaction left open', async () => {
      const mark = db.name === 'postgresql' ? '$1' : '?';
      for (const [mode, expected] of [
        ['rollback', 0],
        ['commit', 1],
      ] as const) {
        const engine = make({ isolationLevel: 'AUTOCOMMIT', poolResetOnReturn: mode, poolSize: 1 });
        const c = await engine.connect();
        await c.execDriverSql(`DELETE FROM ${T}`);
        // Behind the engine's back: a raw transaction the Connection does not know about.
        await c.execDriverSql('BEGIN');
        await c.execDriverSql(`INSERT INTO ${T} (id) VALUES (${mark})`, [1]);
        await c.close();
        const check = make();
        const d = await check.connect();
        expect(Number(await d.scalar(text(`SELECT count(*) FROM ${T}`)))).toBe(expected);
        await d.close();
        // The pooled connection itself is back to no transaction.
        const again = await engine.connect();
        await again.execDriverSql(`DELETE FROM ${T}`);
        await again.close();
      }
    });

    it('dispose() closes idle connections; a checked-out one keeps working and is closed on return', async () => {
      const engine = make({ poolSize: 2 });
      const held = await engine.connect();
      const idle = await engine.connect();
      const idleId = identity(idle);
      const heldId = identity(held);
      await idle.close();
      const oldPool = engine.pool;
      await engine.dispose();
      expect(engine.pool).not.toBe(oldPool);
      expect(engine.pool.checkedIn).toBe(0);
      if (admin) await waitFor(async () => (await admin!.countAlive([idleId as number])) === 0);
      expect(Number(await held.scalar(text('SELECT 1')))).toBe(1);
      await held.close();
      if (admin) await waitFor(async () => (await admin!.countAlive([heldId as number])) === 0);
      const fresh = await engine.connect();
      expect(identity(fresh)).not.toBe(heldId);
      await fresh.close();
    });

    onServers(
      'pre-ping replaces a connection the server killed; the caller sees no error',
      async () => {
        const engine = make({ poolPrePing: true, poolSize: 1 });
        const c1 = await engine.connect();
        const killed = identity(c1) as number;
        await c1.close();
        await admin!.kill(killed);
        await waitFor(async () => (await admin!.countAlive([killed])) === 0);
        const c2 = await engine.connect();
        expect(Number(await c2.scalar(text('SELECT 1')))).toBe(1);
        expect(identity(c2)).not.toBe(killed);
        await c2.close();
      },
    );

    onServers(
      'a disconnect during use invalidates that connection, and the error says so',
      async () => {
        const engine = make({ poolSize: 2 });
        const c = await engine.connect();
        await c.execute(text('SELECT 1'));
        await c.rollback();
        const killed = identity(c) as number;
        await admin!.kill(killed);
        await waitFor(async () => (await admin!.countAlive([killed])) === 0);
        const err = await c.execute(text('SELECT 1')).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(OperationalError);
        expect((err as OperationalError).connectionInvalidated).toBe(true);
        expect(c.invalidated).toBe(true);
        // The transaction that was open must be rolled back; then a fresh connection is used.
        await c.rollback();
        expect(Number(await c.scalar(text('SELECT 1')))).toBe(1);
        expect(identity(c)).not.toBe(killed);
        await c.close();
        // The pool never hands the dead connection out again.
        const conns = await Promise.all([engine.connect(), engine.connect()]);
        for (const d of conns) {
          expect(identity(d)).not.toBe(killed);
          expect(Number(await d.scalar(text('SELECT 1')))).toBe(1);
          await d.close();
        }
      },
    );

    onServers(
      'an idle pooled connection killed by the server does not crash the process',
      async () => {
        const crashes: unknown[] = [];
        const onCrash = (e: unknown) => crashes.push(e);
        process.on('uncaughtException', onCrash);
        try {
          const engine = make({ poolSize: 2 });
          const c = await engine.connect();
          const killed = identity(c) as number;
          await c.close();
          expect(engine.pool.checkedIn).toBe(1);
          await admin!.kill(killed);
          // The driver reports the dead idle connection; the pool drops it.
          await waitFor(() => engine.pool.checkedIn === 0);
          const d = await engine.connect();
          expect(identity(d)).not.toBe(killed);
          expect(Number(await d.scalar(text('SELECT 1')))).toBe(1);
          await d.close();
        } finally {
          process.off('uncaughtException', onCrash);
        }
        expect(crashes).toEqual([]);
      },
    );

    onServers(
      'a checked-out connection killed while idle fails on next use, without crashing',
      async () => {
        const engine = make({ poolSize: 2 });
        const c = await engine.connect();
        const killed = identity(c) as number;
        await admin!.kill(killed);
        await waitFor(async () => (await admin!.countAlive([killed])) === 0);
        await sleep(100);
        const err = await c.execute(text('SELECT 1')).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(OperationalError);
        expect((err as OperationalError).connectionInvalidated).toBe(true);
        await c.rollback();
        expect(Number(await c.scalar(text('SELECT 1')))).toBe(1);
        await c.close();
        expect(engine.pool.checkedOut).toBe(0);
      },
    );
  });
}
