/**
 * Many concurrent scopes on a real database: each `Scoped.run()` reads a row, waits, updates
 * it and a shared total, waits again and commits. No scope may ever see another scope's
 * Session, no update may be lost, and the pool must be idle at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEngine,
  MetaData,
  Model,
  scopedSession,
  sessionmaker,
  text,
} from '../../src/index.js';
import type { Engine } from '../../src/index.js';
import { allDatabases } from '../helpers/databases.js';
import { eventually } from './http-helpers.js';

const metadata = new MetaData();
const counters = metadata.table('scoping_conc_counters', (t) => ({
  id: t.integer().primaryKey(),
  hits: t.integer().notNull(),
  lastScope: t.integer('last_scope'),
}));
const totals = metadata.table('scoping_conc_totals', (t) => ({
  id: t.integer().primaryKey(),
  n: t.integer().notNull(),
}));
class Counter extends Model(counters) {}
class Total extends Model(totals) {}

/** Yields to the event loop so that other scopes run in between (a macrotask, sometimes a timer). */
function yieldToOthers(i: number): Promise<void> {
  return i % 3 === 0
    ? new Promise((resolve) => setTimeout(resolve, i % 5))
    : new Promise((resolve) => setImmediate(resolve));
}

for (const db of allDatabases()) {
  // SQLite has one writer at a time; 1,000 serialized write transactions still finish in
  // seconds there, so it gets the same count.
  const SCOPES = 1000;

  describe.skipIf(db.url === undefined)(`${SCOPES} concurrent scopes on ${db.name}`, () => {
    let engine: Engine;

    beforeAll(async () => {
      engine = createEngine(db.url!, {
        poolSize: 10,
        maxOverflow: 10,
        poolTimeout: 120,
        // Read-then-write transactions on SQLite take the write lock at BEGIN; otherwise a
        // writer whose snapshot went stale must be retried (SQLITE_BUSY_SNAPSHOT).
        ...(db.name === 'sqlite' ? { connectArgs: { beginImmediate: true } } : {}),
      });
      await metadata.dropAll(engine, { checkFirst: true });
      await metadata.createAll(engine);
      const Session = sessionmaker({ bind: engine });
      await Session.begin(async (s) => {
        s.addAll(Array.from({ length: SCOPES }, (_, i) => new Counter({ id: i + 1, hits: 0 })));
        s.add(new Total({ id: 1, n: 0 }));
      });
    });

    afterAll(async () => {
      await metadata.dropAll(engine, { checkFirst: true });
      await engine.dispose();
    });

    it(
      'never share a Session, lose no update, and leave the pool idle',
      { timeout: 180_000 },
      async () => {
        const Session = sessionmaker({ bind: engine });
        const Scoped = scopedSession(Session, { outsideScope: 'error' });
        const seen = new Set<object>();
        const failures: string[] = [];
        const check = (condition: boolean, what: string) => {
          if (!condition) failures.push(what);
        };

        await Promise.all(
          Array.from({ length: SCOPES }, (_, i) =>
            Scoped.run(async () => {
              const mine = Scoped();
              mine.info.scope = i;
              seen.add(mine);
              const counter = await Scoped.getOne(Counter, i + 1); // read
              await yieldToOthers(i);
              check(Scoped() === mine && Scoped.info.scope === i, `scope ${i} lost its Session`);
              counter.hits += 1; // update through the unit of work
              counter.lastScope = i;
              await Scoped.execute(text(`UPDATE scoping_conc_totals SET n = n + 1 WHERE id = 1`));
              await yieldToOthers(i + 1);
              check(Scoped() === mine && Scoped.contains(counter), `scope ${i} lost its object`);
              // text() is not an ORM statement, so no autoflush ran: the one dirty object is ours.
              const dirty = [...Scoped.dirty];
              check(dirty.length === 1 && dirty[0] === counter, `scope ${i} sees foreign changes`);
              await Scoped.commit();
            }),
          ),
        );

        expect(failures).toEqual([]);
        expect(seen.size).toBe(SCOPES);

        const Check = sessionmaker({ bind: engine });
        await Check.begin(async (s) => {
          const total = await s.getOne(Total, 1);
          expect(total.n).toBe(SCOPES);
          const all = await s.query(Counter).orderBy(Counter.c.id).all();
          expect(all).toHaveLength(SCOPES);
          expect(all.every((c, i) => c.hits === 1 && c.lastScope === i)).toBe(true);
        });
        await eventually(() => engine.pool.checkedOut === 0, 5000);
      },
    );
  });
}
