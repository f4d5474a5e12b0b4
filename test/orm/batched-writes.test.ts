/**
 * The unit of work's batched write forms give the same rows, the same value types and the same
 * errors whichever form runs: UPDATEs per row (executemany), CASE-batched and, on PostgreSQL,
 * `UPDATE … FROM (VALUES …)`; INSERT keys from RETURNING or, on PostgreSQL, as a key range.
 * Each test forces a form through a connection whose dialect says so, and compares with the
 * others.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { FlushError, StaleDataError } from '../../src/errors.js';
import { MetaData, deleteFrom, select, type InferInsert } from '../../src/sql/index.js';
import type { SqlDialect } from '../../src/sql/executable.js';
import { Model, Session, inspect } from '../../src/orm/index.js';
import { resolveBind } from '../../src/orm/session/bind-adapter.js';
import type { ConnectionLike } from '../../src/orm/session/bind.js';
import { stateOf, type InstanceState } from '../../src/orm/state/instance-state.js';
import { KEY_RANGE_MIN_ROWS, persist } from '../../src/orm/unit-of-work/persister.js';
import { planFlush } from '../../src/orm/unit-of-work/plan.js';
import { allDatabases, serverDatabase } from '../helpers/databases.js';
import { EVERY_TYPE_LOWS, EVERY_TYPE_NULLS, everyTypeColumns } from '../helpers/every-type.js';
import { statementVerb } from './helpers.js';

const metadata = new MetaData();
const things = metadata.table('orm_bw_things', (t) => everyTypeColumns(t, 8));
class Thing extends Model(things) {}

type Values = Omit<InferInsert<typeof things>, 'id'>;

const before: Values = {
  i: 1,
  small: 1,
  big: 1n,
  bigNum: 1,
  bigStr: '1',
  r: 1,
  d: 1,
  n: '1.000000000',
  txt: 'a',
  vc: 'a',
  b: false,
  day: '2000-01-01',
  ts: new Date('2000-01-01T00:00:00.000Z'),
  tz: new Date('2000-01-01T00:00:00.000Z'),
  j: { a: 1 },
  jb: { a: 1 },
  bin: Buffer.from([1]),
  u: '00000000-0000-0000-0000-000000000000',
  status: 'draft',
};

/** New values per row: extremes, unicode, nested JSON, bytes, and NULLs. */
const after: Values[] = [
  {
    i: 2147483647,
    small: -32768,
    big: 2n ** 53n + 1n,
    bigNum: 9007199254740991,
    bigStr: '9223372036854775807',
    r: 1.5,
    d: 0.30000000000000004,
    n: '12345678901234567890.123456789',
    txt: 'e\u0301 👍🏽 漢字 O\'Brien \\ "q"',
    vc: 'Ωmega ✓',
    b: true,
    day: '2024-02-29',
    ts: new Date('2024-03-10T01:59:59.999-08:00'),
    tz: new Date('2024-03-10T01:59:59.999-08:00'),
    j: { a: [1, 'two', null, { b: true }], u: 'üñí 😀' },
    jb: { a: [1, 'two', null, { b: true }], u: 'üñí 😀' },
    bin: Buffer.from(Array.from({ length: 256 }, (_, k) => k)),
    u: randomUUID(),
    status: 'published',
  },
  { ...EVERY_TYPE_NULLS },
  { ...EVERY_TYPE_LOWS, day: '9999-12-31' },
];

type UpdateForm = NonNullable<SqlDialect['batchedUpdate']>;

/** A unit-of-work connection whose dialect reports `patch`. */
function withDialect(conn: ConnectionLike, patch: Partial<SqlDialect>): ConnectionLike {
  return Object.create(conn, {
    dialect: { value: { ...conn.dialect, ...patch } },
  }) as ConnectionLike;
}

/** Every column of every row, in key order, as the database has them. */
async function tableRows(engine: Engine): Promise<unknown[]> {
  return engine.connect().then(async (conn) => {
    try {
      return (await conn.execute(select(things).orderBy(things.c.id))).mappings().all();
    } finally {
      await conn.close();
    }
  });
}

describe.each(allDatabases())('batched UPDATE forms on $name', (db) => {
  const run = db.url === undefined ? it.skip : it;
  let engine: Engine;
  const forms: UpdateForm[] =
    db.name === 'postgresql' ? ['per-row', 'case', 'values'] : ['per-row', 'case'];

  beforeAll(async () => {
    if (db.url === undefined) return;
    engine = createEngine(db.url, { poolSize: 2 });
    await metadata.dropAll(engine, { checkFirst: true });
    await metadata.createAll(engine);
  });
  afterAll(async () => {
    if (db.url === undefined) return;
    await metadata.dropAll(engine);
    await engine.dispose();
  });

  /**
   * Inserts three rows of `before`, sets `columns` of each to its `values` and flushes the
   * UPDATEs in `form`; returns the rows and the statements sent. `prepare` runs on the
   * connection just before the flush.
   */
  async function updateWith(
    form: UpdateForm,
    columns: readonly (keyof Values)[],
    options: { values?: readonly Values[]; prepare?: (conn: ConnectionLike) => Promise<void> } = {},
  ): Promise<{ rows: unknown[]; statements: string[] }> {
    const values = options.values ?? after;
    await engine.begin(async (conn) => {
      await conn.execute(deleteFrom(things));
    });
    const seed = new Session({ bind: engine });
    seed.addAll(values.map((_, k) => new Thing({ id: k + 1, ...before })));
    await seed.commit();
    await seed.close();
    const conn = await engine.connect();
    const statements: string[] = [];
    try {
      await conn.begin();
      const session = new Session({ bind: conn });
      const loaded = (await session.scalars(select(Thing).orderBy(Thing.c.id))).all();
      loaded.forEach((obj, k) => {
        for (const c of columns) (obj as unknown as Record<string, unknown>)[c] = values[k]![c];
      });
      const unitOfWork = withDialect(resolveBind({ bind: conn }).connection!, {
        batchedUpdate: form,
      });
      await options.prepare?.(unitOfWork);
      const off = engine.on('beforeExecute', (e) => statements.push(e.statement));
      try {
        const dirty = loaded.map((o) => stateOf(o)!);
        await persist(planFlush([], dirty, []), unitOfWork);
      } finally {
        off();
        await session.close();
      }
      await conn.commit();
    } finally {
      await conn.close();
    }
    return { rows: await tableRows(engine), statements };
  }

  const castable = (Object.keys(before) as (keyof Values)[]).filter((c) => c !== 'status');

  run('writes every type exactly in every form, as one statement per batch', async () => {
    const results = [];
    for (const form of forms) results.push(await updateWith(form, castable));
    const expected = after.map((v, k) => ({ ...v, id: k + 1, status: 'draft' }));
    for (const { rows } of results) expect(rows).toEqual(expected);
    // One statement per set of changed columns (the third row leaves two columns as they
    // were), whatever the form.
    for (const [k, form] of forms.entries()) {
      const updates = results[k]!.statements.filter((s) => statementVerb(s) === 'UPDATE');
      expect(updates).toHaveLength(2);
      if (form === 'values') expect(updates[0]).toMatch(/ FROM \(VALUES \(CAST\(/);
      if (form === 'case') expect(updates[0]).toMatch(/CASE orm_bw_things\.id WHEN/);
      if (form === 'per-row') expect(updates[0]).not.toMatch(/CASE|VALUES/);
    }
  });

  run('keeps CASE batches for types a VALUES list cannot carry unchanged (enums)', async () => {
    for (const form of forms) {
      const { rows, statements } = await updateWith(form, ['status', 'i']);
      expect(rows.map((r) => (r as { status: unknown }).status)).toEqual(
        after.map((v) => v.status),
      );
      if (form !== 'per-row') expect(statements.join('\n')).toMatch(/CASE orm_bw_things\.id WHEN/);
    }
  });

  run('raises the same StaleDataError in every form when a row is gone', async () => {
    const messages: string[] = [];
    for (const form of forms) {
      const error = await updateWith(form, ['i'], {
        prepare: async (conn) => {
          await conn.execute(deleteFrom(things).where(things.c.id.eq(2)));
        },
      }).catch((err: unknown) => err);
      expect(error).toBeInstanceOf(StaleDataError);
      messages.push((error as Error).message);
    }
    expect(new Set(messages)).toEqual(
      new Set([
        "UPDATE statement on table 'orm_bw_things' expected to update 3 row(s); 2 were matched.",
      ]),
    );
  });

  // A cast to the column's bounded type would truncate: the VALUES list casts to VARCHAR and
  // leaves the length check to the assignment, as a plain UPDATE does. SQLite does not enforce
  // VARCHAR lengths, so the check is for the servers.
  if (db.name !== 'sqlite') {
    run('refuses a value too long for its column in every form', async () => {
      const values = after.map((v) => ({ ...v, vc: 'much too long for eight' }));
      for (const form of forms) {
        const error = await updateWith(form, ['vc'], { values }).catch((err: unknown) => err);
        expect(error).toBeInstanceOf(Error);
        expect((error as Error).message).toMatch(/too long/);
      }
    });
  }
});

const pg = serverDatabase('postgresql');

describe.skipIf(pg.url === undefined)('INSERT keys as a range on postgresql', () => {
  const ranged = new MetaData();
  const rows = ranged.table('orm_bw_ranged', (t) => ({
    id: t.integer().primaryKey(),
    name: t.text().notNull(),
  }));
  class Row extends Model(rows) {}
  const bigRows = ranged.table('orm_bw_ranged_big', (t) => ({
    id: t.bigint().primaryKey(),
    name: t.text().notNull(),
  }));
  class BigRow extends Model(bigRows) {}
  let engine: Engine;

  beforeAll(async () => {
    engine = createEngine(pg.url!, { poolSize: 2 });
    await ranged.dropAll(engine, { checkFirst: true });
    await ranged.createAll(engine);
  });
  afterAll(async () => {
    await ranged.dropAll(engine);
    await engine.dispose();
  });

  /** Inserts `objs` with the key range on or off; returns the keys and statements. */
  async function insertWith(
    objs: readonly object[],
    keyRange: boolean,
  ): Promise<{ keys: unknown[]; statements: string[] }> {
    const conn = await engine.connect();
    const statements: string[] = [];
    try {
      await conn.begin();
      const unitOfWork = withDialect(resolveBind({ bind: conn }).connection!, {
        insertKeyRange: keyRange,
      });
      const off = engine.on('beforeExecute', (e) => statements.push(e.statement));
      try {
        const states: InstanceState[] = objs.map((o) => stateOf(o)!);
        await persist(planFlush(states, [], []), unitOfWork);
      } finally {
        off();
      }
      await conn.commit();
    } finally {
      await conn.close();
    }
    return { keys: objs.map((o) => stateOf(o)!.values[0]), statements };
  }

  async function storedKeys(table: typeof rows | typeof bigRows, prefix: string) {
    const conn = await engine.connect();
    try {
      const stmt = select(table.c.id, table.c.name)
        .where(table.c.name.like(`${prefix}%`))
        .orderBy(table.c.id);
      return (await conn.execute(stmt)).all().map((r) => [r.id, r.name]);
    } finally {
      await conn.close();
    }
  }

  it('assigns the keys RETURNING would, consecutive or not', async () => {
    const n = KEY_RANGE_MIN_ROWS + 50;
    for (const step of [1, 3]) {
      await engine.begin(async (conn) => {
        await conn.execDriverSql(`ALTER SEQUENCE orm_bw_ranged_id_seq INCREMENT BY ${step}`);
      });
      for (const keyRange of [true, false]) {
        const prefix = `s${step}${keyRange ? 'r' : 'n'}-`;
        const objs = Array.from({ length: n }, (_, k) => new Row({ name: `${prefix}${k}` }));
        const { keys, statements } = await insertWith(objs, keyRange);
        expect(statements).toHaveLength(1);
        expect(statements[0]!.startsWith('WITH ')).toBe(keyRange);
        const stored = await storedKeys(rows, prefix);
        expect(objs.map((o, k) => [keys[k], (o as { name: string }).name])).toEqual(stored);
        expect(keys.every((k) => typeof k === 'number')).toBe(true);
      }
    }
  });

  it('gives bigint keys the type RETURNING gives them', async () => {
    const n = KEY_RANGE_MIN_ROWS;
    const types: string[][] = [];
    for (const keyRange of [true, false]) {
      const prefix = keyRange ? 'big-r-' : 'big-n-';
      const objs = Array.from({ length: n }, (_, k) => new BigRow({ name: `${prefix}${k}` }));
      const { keys } = await insertWith(objs, keyRange);
      expect(objs.map((o, k) => [keys[k], (o as { name: string }).name])).toEqual(
        await storedKeys(bigRows, prefix),
      );
      types.push([...new Set(keys.map((k) => typeof k))]);
    }
    expect(types[0]).toEqual(types[1]);
  });

  it('raises the same FlushError as RETURNING when rows go missing', async () => {
    await engine.begin(async (conn) => {
      await conn.execDriverSql(
        "CREATE OR REPLACE FUNCTION orm_bw_skip() RETURNS trigger AS $$ BEGIN IF NEW.name = 'skip' THEN RETURN NULL; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
      );
      await conn.execDriverSql(
        'CREATE TRIGGER orm_bw_skip BEFORE INSERT ON orm_bw_ranged FOR EACH ROW EXECUTE FUNCTION orm_bw_skip()',
      );
    });
    try {
      const messages: string[] = [];
      for (const keyRange of [true, false]) {
        const objs = Array.from(
          { length: KEY_RANGE_MIN_ROWS },
          (_, k) => new Row({ name: k === 7 ? 'skip' : `t-${k}` }),
        );
        const error = await insertWith(objs, keyRange).catch((err: unknown) => err);
        expect(error).toBeInstanceOf(FlushError);
        messages.push((error as Error).message);
      }
      expect(messages[0]).toBe(messages[1]);
    } finally {
      await engine.begin(async (conn) => {
        await conn.execDriverSql('DROP TRIGGER orm_bw_skip ON orm_bw_ranged');
        await conn.execDriverSql('DROP FUNCTION orm_bw_skip()');
      });
    }
  });
});

describe.each(allDatabases())('pending objects after a bulk INSERT on $name', (db) => {
  const run = db.url === undefined ? it.skip : it;
  const pending = new MetaData();
  const notes = pending.table('orm_bw_notes', (t) => ({
    id: t.integer().primaryKey(),
    body: t.text().notNull(),
  }));
  class Note extends Model(notes) {}
  let engine: Engine;

  beforeAll(async () => {
    if (db.url === undefined) return;
    engine = createEngine(db.url, { poolSize: 2 });
    await pending.dropAll(engine, { checkFirst: true });
    await pending.createAll(engine);
  });
  afterAll(async () => {
    if (db.url === undefined) return;
    await pending.dropAll(engine);
    await engine.dispose();
  });

  run('empties the pending set when every pending object was inserted', async () => {
    const session = new Session({ bind: engine });
    const objs = Array.from({ length: 120 }, (_, k) => new Note({ body: `n${k}` }));
    session.addAll(objs);
    await session.flush();
    expect([...session.new]).toEqual([]);
    expect(objs.every((o) => inspect(o).persistent)).toBe(true);
    await session.rollback();
    await session.close();
  });

  run('keeps an object added while the INSERT runs pending', async () => {
    const session = new Session({ bind: engine });
    const objs = Array.from({ length: 120 }, (_, k) => new Note({ body: `m${k}` }));
    const late = new Note({ body: 'late' });
    session.addAll(objs);
    const off = engine.on('beforeExecute', (e) => {
      if (statementVerb(e.statement) === 'INSERT') session.add(late);
    });
    try {
      await session.flush();
    } finally {
      off();
    }
    expect([...session.new]).toEqual([late]);
    expect(inspect(late).pending).toBe(true);
    expect(objs.every((o) => inspect(o).persistent)).toBe(true);
    await session.flush();
    expect(inspect(late).persistent).toBe(true);
    await session.rollback();
    await session.close();
  });

  run('keeps it pending when one flushed object was swapped for it', async () => {
    const session = new Session({ bind: engine });
    const objs = Array.from({ length: 120 }, (_, k) => new Note({ body: `x${k}` }));
    const late = new Note({ body: 'late' });
    session.addAll(objs);
    const off = engine.on('beforeExecute', (e) => {
      if (statementVerb(e.statement) !== 'INSERT') return;
      // The pending set keeps its size: only the missing key tells the new object apart.
      session.expunge(objs[0]!);
      session.add(late);
    });
    try {
      await session.flush();
    } finally {
      off();
    }
    expect([...session.new]).toEqual([late]);
    await session.flush();
    expect(inspect(late).persistent).toBe(true);
    await session.rollback();
    await session.close();
  });
});
