/**
 * `get()` once the session's transaction is open takes the direct route to the driver (on
 * SQLite it answers without waiting on any promise). These tests hold it to the general
 * route: the same objects, values (result processors applied), nulls, autoflush, execute
 * hooks, logging and errors, on every database.
 */
import { expect } from 'vitest';
import { createEngine } from '../../src/engine/index.js';
import { MetaData, select } from '../../src/sql/index.js';
import { Model, inspect, sessionmaker } from '../../src/orm/index.js';
import { captureLogger } from '../engine/helpers.js';
import { describeOrm, logStatements } from './helpers.js';

const metadata = new MetaData();
const items = metadata.table('orm_getopen_items', (t) => ({
  id: t.integer().primaryKey(),
  name: t.text().notNull(),
  flag: t.boolean().notNull(),
  seen: t.timestamp(),
}));
class Item extends Model(items) {}

/** Mapped to a table that is never created: every SELECT of it fails in the database. */
const ghosts = new MetaData().table('orm_getopen_missing', (t) => ({
  id: t.integer().primaryKey(),
  name: t.text(),
}));
class Ghost extends Model(ghosts) {}

const SEEN = new Date('2024-05-06T07:08:09.000Z');

/** The error a call rejects with (the test fails when it resolves). */
async function rejectionOf(call: Promise<unknown>): Promise<Error> {
  const outcome = await call.then(
    () => undefined,
    (err: unknown) => err as Error,
  );
  expect(outcome).toBeInstanceOf(Error);
  return outcome!;
}

describeOrm('get() inside an open transaction', metadata, (ctx) => {
  const { it } = ctx;

  const seed = async (): Promise<void> => {
    const s = ctx.Session();
    s.addAll([
      new Item({ id: 1, name: 'one', flag: true, seen: SEEN }),
      new Item({ id: 2, name: 'two', flag: false, seen: null }),
    ]);
    await s.commit();
    await s.close();
  };

  /** A session whose transaction and connection are already open. */
  const openSession = async () => {
    const s = ctx.Session();
    await s.connection();
    return s;
  };

  it('loads the same values as a SELECT through execute(), processors applied', async () => {
    await seed();
    const viaExecute = ctx.Session();
    const expected = (await viaExecute.scalars(select(Item).orderBy(items.c.id))).all();
    await viaExecute.close();

    const s = await openSession();
    const log = logStatements(ctx.engine);
    const one = (await s.get(Item, 1))!;
    const two = (await s.get(Item, 2))!;
    expect(log.count('SELECT')).toBe(2);
    log.stop();
    for (const [got, want] of [
      [one, expected[0]!],
      [two, expected[1]!],
    ] as const) {
      expect({ id: got.id, name: got.name, flag: got.flag, seen: got.seen }).toEqual({
        id: want.id,
        name: want.name,
        flag: want.flag,
        seen: want.seen,
      });
    }
    expect(one.flag).toBe(true);
    expect(one.seen).toBeInstanceOf(Date);
    expect(one.seen!.getTime()).toBe(SEEN.getTime());
    expect(await s.get(Item, 1)).toBe(one);
    expect((await s.scalars(select(Item).where(items.c.id.eq(2)))).one()).toBe(two);
    expect(inspect(one).persistent).toBe(true);
    await s.close();
  });

  it('returns null for a missing row; an expired object whose row is gone becomes deleted', async () => {
    await seed();
    const s = await openSession();
    expect(await s.get(Item, 999)).toBeNull();
    const two = (await s.get(Item, 2))!;
    await s.commit();
    const other = ctx.Session();
    await other.delete((await other.get(Item, 2))!);
    await other.commit();
    await other.close();
    await s.connection();
    expect(await s.get(Item, 2)).toBeNull();
    expect(inspect(two).isDeleted).toBe(true);
    await s.rollback();
    expect(inspect(two).persistent).toBe(true);
    await s.close();
  });

  it('autoflushes pending objects before asking the database', async () => {
    await seed();
    const s = await openSession();
    const added = new Item({ id: 3, name: 'three', flag: true, seen: null });
    s.add(added);
    const log = logStatements(ctx.engine);
    expect(await s.get(Item, 3)).toBe(added);
    expect(log.count('INSERT')).toBe(1);
    expect(log.count('SELECT')).toBe(1);
    log.stop();
    expect(s.new.size).toBe(0);
    await s.close();
  });

  it('runs the engine execute hooks around the SELECT', async () => {
    await seed();
    const s = await openSession();
    const seen: string[] = [];
    const stopBefore = ctx.engine.on('beforeExecute', (e) => seen.push(`before ${e.statement}`));
    const stopAfter = ctx.engine.on('afterExecute', (e) => seen.push(`after ${e.statement}`));
    try {
      expect((await s.get(Item, 1))!.name).toBe('one');
    } finally {
      stopBefore();
      stopAfter();
    }
    expect(seen).toHaveLength(2);
    expect(seen[0]).toMatch(/^before SELECT .*orm_getopen_items/);
    expect(seen[1]).toBe(seen[0]!.replace(/^before/, 'after'));
    await s.close();
  });

  it('an error from an execute hook reaches the caller unchanged and frees the session', async () => {
    await seed();
    const s = await openSession();
    const boom = new Error('hook refused');
    const stop = ctx.engine.on('beforeExecute', () => {
      throw boom;
    });
    try {
      await expect(s.get(Item, 1)).rejects.toBe(boom);
    } finally {
      stop();
    }
    expect((await s.get(Item, 1))!.name).toBe('one');
    await s.close();
  });

  it('raises the same database error as the first get() of a transaction', async () => {
    const fresh = ctx.Session();
    const first = await rejectionOf(fresh.get(Ghost, 1));
    await fresh.close();
    const s = await openSession();
    const later = await rejectionOf(s.get(Ghost, 1));
    await s.close();
    expect(later).toBeInstanceOf(first.constructor as new () => Error);
    expect(later.message).toBe(first.message);
    expect(later.message).toMatch(/orm_getopen_missing/);
  });

  it('raises the same error for an identity of the wrong type as the first get() does', async () => {
    await seed();
    const fresh = ctx.Session();
    const first = await rejectionOf(fresh.get(Item, { nope: 1 }));
    await fresh.close();
    const s = await openSession();
    const later = await rejectionOf(s.get(Item, { nope: 1 }));
    expect(later).toBeInstanceOf(first.constructor as new () => Error);
    expect(later.message).toBe(first.message);
    // The session is free again: the next call works.
    expect((await s.get(Item, 1))!.name).toBe('one');
    await s.close();
  });

  it('with statement logging on, loads the same object and logs the SELECT', async () => {
    await seed();
    const logger = captureLogger();
    const engine = createEngine(ctx.db.url!, { echo: true, logger, poolSize: 1 });
    try {
      const s = sessionmaker({ bind: engine })();
      await s.connection();
      const one = (await s.get(Item, 1))!;
      expect({ name: one.name, flag: one.flag, seen: one.seen }).toEqual({
        name: 'one',
        flag: true,
        seen: SEEN,
      });
      expect(logger.lines.some((l) => /^INFO SELECT .*orm_getopen_items/.test(l))).toBe(true);
      await s.close();
    } finally {
      await engine.dispose();
    }
  });
});
