/**
 * W6, flush in a big session: the time of one `flush()` that writes one changed object, in a
 * session holding 100,000 clean loaded objects (the Athanor column) and in one holding 10 (the
 * baseline, shown in the raw column). The unit of work keeps a set of changed objects, so
 * the two should cost the same; a flush that walks the identity map would grow 10,000-fold.
 */
import type { SideName, WorkerConfig } from '../config.js';
import { dataset } from '../data.js';
import { collectGarbage } from '../memory.js';
import type { Admin, DbName } from '../side.js';
import type { OpenedWorkload } from '../sides.js';
import { checkTable, expect } from '../verify.js';
import { benchEngine } from './core.js';
import { athanor } from './lib.js';
import { User } from './side.js';

const { select, sessionmaker } = athanor;

/** Builds W6 for one database: `raw` loads the small session, `athanor` the big one. */
export function flushWorkload(
  db: DbName,
  side: SideName,
  admin: Admin,
  config: WorkerConfig,
): OpenedWorkload {
  const { sizes } = config;
  const data = dataset(sizes.bigSession);
  const loadedCount = side === 'raw' ? sizes.smallSession : sizes.bigSession;
  const engine = benchEngine(db, config.url, sizes, 'W6');
  const Session = sessionmaker({ bind: engine });
  // Flush k changes object `k * stride mod loaded`: distinct objects in the big session,
  // each of the 10 in turn in the small one.
  const stride = loadedCount > sizes.flushes ? Math.floor(loadedCount / sizes.flushes) : 1;
  const changedIndex = (k: number): number => (k * stride) % loadedCount;
  const delta = new Map<number, number>();
  for (let k = 0; k < sizes.flushes; k++) {
    const id = changedIndex(k) + 1;
    delta.set(id, (delta.get(id) ?? 0) + 1);
  }
  let loadedSeen = 0;
  return {
    run: {
      unit: 'µs',
      selfTimed: true,
      async setup() {
        await admin.recreateTable();
        await admin.fill(data);
      },
      async exec(section) {
        const session = Session();
        try {
          const stmt = select(User).where(User.c.id.le(loadedCount)).orderBy(User.c.id);
          const loaded = (await session.scalars(stmt)).all() as User[];
          loadedSeen = loaded.length;
          // The load leaves garbage and freshly promoted objects behind; collect them now so the
          // timed flushes do not pay for the load's GC (both sessions get the same treatment).
          collectGarbage();
          await section.begin();
          const started = performance.now();
          for (let k = 0; k < sizes.flushes; k++) {
            loaded[changedIndex(k)]!.age += 1;
            await session.flush();
          }
          const measured = ((performance.now() - started) * 1000) / sizes.flushes;
          await section.end();
          await session.commit();
          return { measured };
        } finally {
          await session.close();
        }
      },
      async verify() {
        expect(
          loadedSeen === loadedCount,
          `W6: the session loaded ${loadedSeen} objects, expected ${loadedCount}`,
        );
        checkTable('W6 table', await admin.selectAll(), data, (id) => delta.get(id) ?? 0);
        return `${sizes.flushes} flushes of 1 changed object among ${loadedCount} loaded; table checked`;
      },
    },
    note:
      side === 'raw'
        ? `W6: the raw column is the same flush in a session of ${sizes.smallSession} objects`
        : undefined,
    close: () => engine.dispose(),
  };
}
