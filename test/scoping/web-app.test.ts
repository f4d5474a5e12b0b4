/**
 * The example web app (examples/web-app) on each database: starts it on a random local port,
 * drives 200+ requests at it with 20 in flight, and checks the data that ends up in the
 * database, the audit trail written through a second repository in the same transactions,
 * and that every request's Session was closed (the pool is idle afterwards).
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, select } from '../../src/index.js';
import type { Engine } from '../../src/index.js';
import { AuditEntry, metadata, Session, User } from '../../examples/web-app/db.js';
import { createServer } from '../../examples/web-app/server.js';
import { allDatabases } from '../helpers/databases.js';
import { eventually, send } from './http-helpers.js';
import type { Reply } from './http-helpers.js';

/** Runs `tasks` with at most `limit` in flight; results in task order. */
async function bounded<T>(limit: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

const USERS = 100;

for (const db of allDatabases()) {
  describe.skipIf(db.url === undefined)(`the web-app example on ${db.name}`, () => {
    let engine: Engine;
    let server: ReturnType<typeof createServer>;
    let port: number;

    beforeAll(async () => {
      engine = createEngine(db.url!, { poolSize: 5, maxOverflow: 5, poolTimeout: 20 });
      Session.configure({ bind: engine });
      await metadata.dropAll(engine, { checkFirst: true });
      await metadata.createAll(engine);
      server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });

    afterAll(async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await metadata.dropAll(engine, { checkFirst: true });
      await engine.dispose();
    });

    it('serves concurrent CRUD requests, each with its own Session and transaction', async () => {
      // 100 creates, 20 at a time.
      const created = await bounded(
        20,
        Array.from(
          { length: USERS },
          (_, i) => () =>
            send(port, '/users', {
              method: 'POST',
              body: { name: `user ${i}`, email: `u${i}@example.com`, age: i },
            }),
        ),
      );
      expect(created.map((r) => r.status)).toEqual(new Array(USERS).fill(201));
      const ids = created.map((r) => (JSON.parse(r.body) as { id: number }).id);
      expect(new Set(ids).size).toBe(USERS);

      // A mixed second wave: updates, deletes, duplicate e-mails, bad input, unknown ids.
      const wave: (() => Promise<Reply>)[] = [];
      ids.forEach((id, i) => {
        if (i % 10 === 0) wave.push(() => send(port, `/users/${id}`, { method: 'DELETE' }));
        else
          wave.push(() => send(port, `/users/${id}`, { method: 'PATCH', body: { age: 1000 + i } }));
        if (i % 10 === 5) {
          wave.push(() =>
            send(port, '/users', {
              method: 'POST',
              body: { name: 'dup', email: `u${i}@example.com` },
            }),
          );
        }
        if (i % 25 === 0)
          wave.push(() => send(port, '/users', { method: 'POST', body: { name: '' } }));
        if (i % 25 === 1) wave.push(() => send(port, '/users/999999'));
      });
      const replies = await bounded(20, wave);
      expect(wave.length).toBe(118); // with the 100 creates and the reads below: 220 requests
      const tally = new Map<number, number>();
      for (const r of replies) tally.set(r.status, (tally.get(r.status) ?? 0) + 1);
      expect(Object.fromEntries(tally)).toEqual({ 200: 90, 204: 10, 409: 10, 400: 4, 404: 4 });

      // The list shows the 90 survivors with their new ages.
      const list = JSON.parse((await send(port, '/users')).body) as { id: number; age: number }[];
      const deleted = new Set(ids.filter((_, i) => i % 10 === 0));
      const survivors = ids.filter((id) => !deleted.has(id));
      expect(list.map((u) => u.id)).toEqual(survivors.sort((a, b) => a - b));
      for (const user of list) expect(user.age).toBe(1000 + ids.indexOf(user.id));

      // One user's audit trail, through the API.
      const one = JSON.parse((await send(port, `/users/${ids[3]}`)).body) as { audit: string[] };
      expect(one.audit).toEqual(['created', 'updated']);

      // The database itself: every change has exactly its audit entry, written in the same
      // transaction; the rejected duplicates left nothing behind.
      await Session.begin(async (s) => {
        const rows = (await s.scalars(select(User))).all();
        expect(rows).toHaveLength(USERS - deleted.size);
        const entries = (await s.scalars(select(AuditEntry))).all();
        const count = (action: string) => entries.filter((e) => e.action === action).length;
        expect([count('created'), count('updated'), count('deleted')]).toEqual([USERS, 90, 10]);
        expect(entries).toHaveLength(USERS + 100);
      });

      // Every request's Session was removed: no connection is left checked out.
      await eventually(() => engine.pool.checkedOut === 0, 5000);
    });
  });
}
