/**
 * Athanor Core (engine, pool and SQL expression language, no ORM) doing W1–W5 and W7 the way
 * its documentation suggests: statements built once with `bindParam` where a shape repeats,
 * multi-row `insert().values()` batches of 1,000 rows, rows as `Row` objects. This column
 * separates what the Core layers cost from what the ORM adds.
 */
import type { Connection, Engine } from '../../src/index.js';
import type { Sizes, WorkloadName } from '../config.js';
import type { Dataset, UserRow } from '../data.js';
import { isTenth } from '../data.js';
import type { DbName, MemoryProbe, Side, StreamOutcome } from '../side.js';
import { SAMPLE_EVERY, runConcurrent } from '../side.js';
import { INSERT_BATCH } from '../raw/common.js';
import { athanor } from './lib.js';
import { users } from './schema.js';

const { bindParam, createEngine, insert, select, update } = athanor;

const selectAll = select(users);
const selectById = select(users).where(users.c.id.eq(bindParam('id')));
const setAge = update(users)
  .values({ age: bindParam('age') })
  .where(users.c.id.eq(bindParam('id')));

/**
 * The engine both Athanor sides use: the defaults, with a pool of `poolSize` and no overflow.
 * For W5 on SQLite, transactions begin with `BEGIN IMMEDIATE` (`beginImmediate`), as the engine
 * documents for concurrent read-then-write transactions: with a deferred BEGIN, a transaction
 * whose read snapshot predates another connection's commit cannot take the write lock
 * (SQLITE_BUSY_SNAPSHOT) and has to be retried.
 */
export function benchEngine(db: DbName, url: string, sizes: Sizes, workload: WorkloadName): Engine {
  const connectArgs = db === 'sqlite' && workload === 'W5' ? { beginImmediate: true } : undefined;
  return createEngine(url, { poolSize: sizes.poolSize, maxOverflow: 0, connectArgs });
}

/** Runs `work` on a connection from the pool, then closes it (rolling back anything left). */
async function withConnection<R>(
  engine: Engine,
  work: (conn: Connection) => Promise<R>,
): Promise<R> {
  const conn = await engine.connect();
  try {
    return await work(conn);
  } finally {
    await conn.close();
  }
}

/** The Core side. */
export class CoreSide implements Side {
  private constructor(private readonly engine: Engine) {}

  static async open(
    db: DbName,
    url: string,
    sizes: Sizes,
    workload: WorkloadName,
  ): Promise<CoreSide> {
    return new CoreSide(benchEngine(db, url, sizes, workload));
  }

  insert(data: Dataset): Promise<void> {
    return withConnection(this.engine, async (conn) => {
      for (let start = 0; start < data.n; start += INSERT_BATCH) {
        const end = Math.min(start + INSERT_BATCH, data.n);
        const rows = new Array<{ name: string; age: number; email: string }>(end - start);
        for (let i = start; i < end; i++) {
          rows[i - start] = { name: data.names[i]!, age: data.ages[i]!, email: data.emails[i]! };
        }
        await conn.execute(insert(users).values(rows));
      }
      await conn.commit();
    });
  }

  loadAll(): Promise<UserRow[]> {
    return withConnection(
      this.engine,
      async (conn) => (await conn.execute(selectAll)).all() as unknown as UserRow[],
    );
  }

  changeTenth(): Promise<void> {
    return withConnection(this.engine, async (conn) => {
      const rows = (await conn.execute(selectAll)).all() as unknown as UserRow[];
      const changes: { id: number; age: number }[] = [];
      for (const row of rows) if (isTenth(row.id)) changes.push({ id: row.id, age: row.age + 1 });
      await conn.execute(setAge, changes);
      await conn.commit();
    });
  }

  lookups(ids: readonly number[]): Promise<UserRow[]> {
    return withConnection(this.engine, async (conn) => {
      const out = new Array<UserRow>(ids.length);
      for (let i = 0; i < ids.length; i++) {
        out[i] = (await conn.execute(selectById, { id: ids[i] })).one() as unknown as UserRow;
      }
      return out;
    });
  }

  async requests(ids: readonly number[], inFlight: number): Promise<void> {
    await runConcurrent(ids.length, inFlight, (i) =>
      withConnection(this.engine, async (conn) => {
        const id = ids[i]!;
        const row = (await conn.execute(selectById, { id })).one() as unknown as UserRow;
        await conn.execute(setAge, { id, age: row.age + 1 });
        await conn.commit();
      }),
    );
  }

  stream(probe: MemoryProbe): Promise<StreamOutcome> {
    return withConnection(this.engine, async (conn) => {
      let count = 0;
      let ageSum = 0;
      let idSum = 0;
      const result = await conn.stream(selectAll, {}, { yieldPer: 1000 });
      for await (const row of result) {
        const user = row as unknown as UserRow;
        count++;
        ageSum += user.age;
        idSum += user.id;
        if (count % SAMPLE_EVERY === 0) probe.sample();
      }
      return { count, ageSum, idSum };
    });
  }

  close(): Promise<void> {
    return this.engine.dispose();
  }
}
