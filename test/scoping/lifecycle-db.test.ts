/**
 * The request helpers with the real Session on each database: whether the handler succeeded,
 * threw, or the client hung up mid-request, the request's Session is closed, its uncommitted
 * transaction rolled back, and its connection returned to the pool.
 */
import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createEngine,
  MetaData,
  Model,
  scopedSession,
  sessionmaker,
  select,
} from '../../src/index.js';
import type { Engine } from '../../src/index.js';
import { allDatabases } from '../helpers/databases.js';
import { connect, FakeFastify, sendError } from './fake-frameworks.js';
import type { Middleware } from './fake-frameworks.js';
import { eventually, gate, listen, send, sendAndHangUp } from './http-helpers.js';
import type { Started } from './http-helpers.js';

const metadata = new MetaData();
const notes = metadata.table('scoping_life_notes', (t) => ({
  id: t.integer().primaryKey(),
  body: t.text().notNull(),
}));
class Note extends Model(notes) {}

for (const db of allDatabases()) {
  describe.skipIf(db.url === undefined)(
    `request lifecycle with the real Session on ${db.name}`,
    () => {
      let engine: Engine;
      let started: Started | undefined;

      beforeAll(async () => {
        engine = createEngine(db.url!, { poolSize: 2, maxOverflow: 0, poolTimeout: 10 });
        await metadata.dropAll(engine, { checkFirst: true });
        await metadata.createAll(engine);
      });
      afterEach(async () => {
        await started?.close();
        started = undefined;
      });
      afterAll(async () => {
        await metadata.dropAll(engine, { checkFirst: true });
        await engine.dispose();
      });

      const count = async (Session: ReturnType<typeof sessionmaker>) =>
        Session.begin(async (s) => (await s.scalars(select(Note))).all().length);

      it('commits what the handler commits and rolls back the rest', async () => {
        const Session = sessionmaker({ bind: engine });
        const Scoped = scopedSession(Session, { outsideScope: 'error' });
        started = await listen(
          http.createServer(
            Scoped.handler(async (req, res) => {
              Scoped.add(new Note({ body: `kept ${req.url}` }));
              await Scoped.commit();
              Scoped.add(new Note({ body: 'left uncommitted' }));
              await Scoped.flush(); // sent, but never committed
              res.end('ok');
            }),
          ),
        );
        const before = await count(Session);
        expect((await send(started.port, '/a')).status).toBe(200);
        await eventually(() => engine.pool.checkedOut === 0);
        expect(await count(Session)).toBe(before + 1);
      });

      it('rolls back and returns the connection when the handler throws', async () => {
        const Session = sessionmaker({ bind: engine });
        const Scoped = scopedSession(Session, { outsideScope: 'error' });
        started = await listen(
          http.createServer(
            Scoped.handler(
              async () => {
                Scoped.add(new Note({ body: 'doomed' }));
                await Scoped.flush();
                throw new Error('handler failed after a flush');
              },
              { onError: (_error, _req, res) => res.writeHead(500).end() },
            ),
          ),
        );
        const before = await count(Session);
        expect((await send(started.port, '/')).status).toBe(500);
        await eventually(() => engine.pool.checkedOut === 0);
        expect(await count(Session)).toBe(before);
      });

      it('closes the Session of a client that hung up mid-request', async () => {
        const Session = sessionmaker({ bind: engine });
        const Scoped = scopedSession(Session, { outsideScope: 'error' });
        const arrived = gate();
        const release = gate();
        started = await listen(
          http.createServer(
            Scoped.handler(async (_req, res) => {
              Scoped.add(new Note({ body: 'from a client that left' }));
              await Scoped.flush(); // holds a connection and an open transaction
              arrived.open();
              await release.promise;
              res.end('nobody reads this');
            }),
          ),
        );
        const before = await count(Session);
        await sendAndHangUp(started.port, '/', arrived.promise);
        expect(engine.pool.checkedOut).toBe(1); // still the handler's, until it finishes
        release.open();
        await eventually(() => engine.pool.checkedOut === 0);
        expect(await count(Session)).toBe(before);
      });

      it('the middleware closes a hung-up request’s Session for good, even if the route holds it', async () => {
        const Session = sessionmaker({ bind: engine });
        const Scoped = scopedSession(Session, { outsideScope: 'error' });
        const arrived = gate();
        const release = gate();
        let lateError: unknown;
        let heldError: unknown;
        const middleware = Scoped.middleware();
        started = await listen(
          http.createServer((req, res) =>
            middleware(req, res, () => {
              void (async () => {
                const session = Scoped();
                session.add(new Note({ body: 'middleware, client left' }));
                await session.flush();
                arrived.open();
                await release.promise;
                try {
                  Scoped(); // the scope ended with the response
                } catch (error) {
                  lateError = error;
                }
                try {
                  // The Session itself, still held, refuses work that would never be closed.
                  await session.get(Note, 1);
                } catch (error) {
                  heldError = error;
                }
                res.end();
              })();
            }),
          ),
        );
        const before = await count(Session);
        await sendAndHangUp(started.port, '/', arrived.promise);
        await eventually(() => engine.pool.checkedOut === 0);
        release.open();
        await eventually(() => heldError !== undefined);
        expect(String(lateError)).toMatch(/scope has ended/);
        expect(String(heldError)).toMatch(/permanently closed/);
        expect(engine.pool.checkedOut).toBe(0);
        expect(await count(Session)).toBe(before);
      });

      it('the middleware commits a successful route and rolls back a failing one', async () => {
        const Session = sessionmaker({ bind: engine });
        const Scoped = scopedSession(Session, { outsideScope: 'error' });
        const route: Middleware = async (req, res) => {
          Scoped.add(new Note({ body: `route ${req.url}` }));
          await Scoped.flush();
          if (req.url === '/fail') throw new Error('route failed after a flush');
          await Scoped.commit();
          res.end('ok');
        };
        started = await listen(http.createServer(connect([Scoped.middleware(), route], sendError)));
        const before = await count(Session);
        expect((await send(started.port, '/ok')).status).toBe(200);
        expect((await send(started.port, '/fail')).status).toBe(500);
        await eventually(() => engine.pool.checkedOut === 0);
        expect(await count(Session)).toBe(before + 1);
      });

      it('the Fastify hooks close the Session of an aborted request', async () => {
        const Session = sessionmaker({ bind: engine });
        const Scoped = scopedSession(Session, { outsideScope: 'error' });
        const arrived = gate();
        const release = gate();
        const app = new FakeFastify(async () => {
          Scoped.add(new Note({ body: 'fastify, client left' }));
          await Scoped.flush();
          arrived.open();
          await release.promise;
          return { late: true };
        });
        app.register(Scoped.fastifyPlugin);
        started = await listen(http.createServer(app.listener));
        const before = await count(Session);
        await sendAndHangUp(started.port, '/', arrived.promise);
        await eventually(() => engine.pool.checkedOut === 0); // closed at onRequestAbort
        release.open();
        expect(await count(Session)).toBe(before);
      });
    },
  );
}
