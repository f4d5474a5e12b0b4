/**
 * The ORM side of W1–W5 and W7, written the way an application would: a `User` model, one
 * Session per unit of work from `sessionmaker`, default options (autoflush, expireOnCommit),
 * `addAll` + `commit`, `scalars(select(User))`, `get(User, id)`, attribute changes and
 * `commit`, and `streamScalars` with `yieldPer` for streaming.
 */
import type { Engine, SessionFactory } from '../../src/index.js';
import type { Sizes, WorkloadName } from '../config.js';
import type { Dataset, UserRow } from '../data.js';
import { isTenth } from '../data.js';
import type { DbName, MemoryProbe, Side, StreamOutcome } from '../side.js';
import { SAMPLE_EVERY, runConcurrent } from '../side.js';
import { benchEngine } from './core.js';
import { athanor } from './lib.js';
import { users } from './schema.js';

const { Model, inspect, select, sessionmaker } = athanor;

/** The mapped class of the benchmark table. */
export class User extends Model(users) {}

/** Rows fetched per round trip when streaming (W7), as on the raw side. */
const YIELD_PER = 1000;

/** The ORM side. */
export class AthanorSide implements Side {
  private readonly Session: SessionFactory;

  private constructor(private readonly engine: Engine) {
    this.Session = sessionmaker({ bind: engine });
  }

  static async open(
    db: DbName,
    url: string,
    sizes: Sizes,
    workload: WorkloadName,
  ): Promise<AthanorSide> {
    return new AthanorSide(benchEngine(db, url, sizes, workload));
  }

  async insert(data: Dataset): Promise<User[]> {
    const objects = new Array<User>(data.n);
    for (let i = 0; i < data.n; i++) {
      objects[i] = new User({ name: data.names[i]!, age: data.ages[i]!, email: data.emails[i]! });
    }
    const session = this.Session();
    try {
      session.addAll(objects);
      await session.commit();
    } finally {
      await session.close();
    }
    return objects;
  }

  /** Each object's key, read from its identity (its attributes are expired after commit). */
  insertedKeys(output: unknown): number[] {
    return (output as User[]).map((user) => inspect(user).identity?.[0] as number);
  }

  async loadAll(): Promise<User[]> {
    const session = this.Session();
    try {
      return (await session.scalars(select(User))).all() as User[];
    } finally {
      await session.close();
    }
  }

  async changeTenth(): Promise<void> {
    const session = this.Session();
    try {
      const all = (await session.scalars(select(User))).all() as User[];
      for (const user of all) if (isTenth(user.id)) user.age += 1;
      await session.commit();
    } finally {
      await session.close();
    }
  }

  async lookups(ids: readonly number[]): Promise<UserRow[]> {
    const session = this.Session();
    try {
      const out = new Array<UserRow>(ids.length);
      for (let i = 0; i < ids.length; i++) out[i] = (await session.get(User, ids[i]!)) as User;
      return out;
    } finally {
      await session.close();
    }
  }

  async requests(ids: readonly number[], inFlight: number): Promise<void> {
    await runConcurrent(ids.length, inFlight, async (i) => {
      const session = this.Session();
      try {
        const user = (await session.get(User, ids[i]!)) as User;
        user.age += 1;
        await session.commit();
      } finally {
        await session.close();
      }
    });
  }

  async stream(probe: MemoryProbe): Promise<StreamOutcome> {
    const session = this.Session();
    try {
      let count = 0;
      let ageSum = 0;
      let idSum = 0;
      for await (const user of session.streamScalars(select(User), undefined, {
        yieldPer: YIELD_PER,
      })) {
        const u = user as User;
        count++;
        ageSum += u.age;
        idSum += u.id;
        if (count % SAMPLE_EVERY === 0) probe.sample();
      }
      return { count, ageSum, idSum };
    } finally {
      await session.close();
    }
  }

  close(): Promise<void> {
    return this.engine.dispose();
  }
}
