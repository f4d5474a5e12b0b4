/**
 * The fast loading paths give what the general ones give: a SELECT of one mapped class keeps
 * its objects bare in the result (no one-element row per object), and streams hand out their
 * items from the chunk in hand rather than through a generator. Each is compared with the
 * general path (a SELECT of the class and a column, which builds rows), on every database.
 */
import { expect } from 'vitest';
import { MultipleResultsFound, NoResultFound, ResourceClosedError } from '../../src/errors.js';
import { MetaData, insert, select, text } from '../../src/sql/index.js';
import { Model } from '../../src/orm/index.js';
import type { Session } from '../../src/orm/index.js';
import { describeOrm } from './helpers.js';

const metadata = new MetaData();
const items = metadata.table('orm_loading_items', (t) => ({
  id: t.integer().primaryKey(),
  name: t.text().notNull(),
}));
class Item extends Model(items) {}

const COUNT = 25;

async function fill(session: Session): Promise<void> {
  const rows = Array.from({ length: COUNT }, (_, i) => ({ id: i + 1, name: `item ${i + 1}` }));
  await session.execute(insert(items).values(rows));
  await session.commit();
}

/** The objects through the general path: rows of (object, id). */
async function generalObjects(session: Session): Promise<Item[]> {
  const rows = (await session.execute(select(Item, items.c.id).orderBy(items.c.id))).all();
  return rows.map((row) => row[0] as Item);
}

describeOrm('loading paths', metadata, (ctx) => {
  const { it } = ctx;
  const ordered = () => select(Item).orderBy(items.c.id);

  it('a one-class SELECT gives the same objects and rows as the general path', async () => {
    const s = ctx.Session();
    await fill(s);
    const general = await generalObjects(s);
    expect(general).toHaveLength(COUNT);
    const objects = (await s.scalars(ordered())).all();
    expect(objects).toEqual(general);
    objects.forEach((o, i) => expect(o).toBe(general[i]));

    const result = await s.execute(ordered());
    expect(result.keys()).toEqual(['Item']);
    const rows = result.all();
    expect(rows.map((r) => r.length)).toEqual(general.map(() => 1));
    rows.forEach((row, i) => {
      expect(row[0]).toBe(general[i]);
      expect((row as unknown as { Item: unknown }).Item).toBe(general[i]);
      expect(row.toObject()).toEqual({ Item: general[i] });
    });
    expect(result.all()).toEqual([]);
    await s.close();
  });

  it('every fetch method and view of a one-class result matches the general path', async () => {
    const s = ctx.Session();
    await fill(s);
    const general = await generalObjects(s);
    const run = () => s.execute(ordered());

    expect((await run()).fetchOne()?.[0]).toBe(general[0]);
    expect((await run()).first()?.[0]).toBe(general[0]);
    expect((await run()).scalar()).toBe(general[0]);
    expect((await run()).scalars().first()).toBe(general[0]);
    expect((await run()).scalars().fetchMany(3)).toEqual(general.slice(0, 3));
    expect((await run()).scalars().fetchAll()).toEqual(general);
    expect((await run()).scalars(0).all()).toEqual(general);
    expect((await run()).scalars(1).all()).toEqual(general.map(() => undefined));
    expect((await run()).tuples().all()).toEqual(general.map((o) => [o]));
    expect((await run()).mappings().all()).toEqual(general.map((o) => ({ Item: o })));
    expect([...(await run()).scalars()]).toEqual(general);
    expect([...(await run()).scalars().partitions(10)].map((p) => p.length)).toEqual([10, 10, 5]);
    expect((await run()).unique().scalars().all()).toEqual(general);

    // Reading part of the rows first, then the rest.
    const partly = (await run()).scalars();
    expect(partly.fetchOne()).toBe(general[0]);
    expect(partly.fetchMany(2)).toEqual(general.slice(1, 3));
    expect(partly.all()).toEqual(general.slice(3));
    expect(partly.all()).toEqual([]);
    const rowsThenScalars = await run();
    expect(rowsThenScalars.fetchOne()?.[0]).toBe(general[0]);
    expect(rowsThenScalars.scalars().all()).toEqual(general.slice(1));

    // Closing and the errors of one()/first() are the general path's.
    const first = await run();
    first.first();
    expect(() => first.all()).toThrow(ResourceClosedError);
    await expect(async () => (await run()).scalarOne()).rejects.toThrow(MultipleResultsFound);
    const none = () => s.execute(select(Item).where(items.c.id.eq(-1)));
    await expect(async () => (await none()).scalars().one()).rejects.toThrow(NoResultFound);
    expect((await none()).scalars().all()).toEqual([]);
    expect((await none()).scalar()).toBeNull();
    const one = (await s.execute(select(Item).where(items.c.id.eq(2)))).scalarOne();
    expect(one).toBe(general[1]);
    await s.close();
  });

  it('streams give the same items as a buffered SELECT, for objects, tuples and columns', async () => {
    const s = ctx.Session();
    await fill(s);
    const general = await generalObjects(s);
    const yieldPer = 7;
    const scalars: unknown[] = [];
    for await (const o of s.streamScalars(ordered(), undefined, { yieldPer })) scalars.push(o);
    expect(scalars).toHaveLength(COUNT);
    scalars.forEach((o, i) => expect(o).toBe(general[i]));

    const tuples: unknown[][] = [];
    const withName = select(Item, items.c.name).orderBy(items.c.id);
    for await (const row of s.stream(withName, undefined, { yieldPer })) tuples.push([...row]);
    expect(tuples).toEqual(general.map((o) => [o, o.name]));

    const firsts: unknown[] = [];
    for await (const o of s.streamScalars(withName, undefined, { yieldPer })) firsts.push(o);
    expect(firsts).toEqual(general);

    const names: unknown[] = [];
    const column = select(items.c.name).orderBy(items.c.id);
    for await (const name of s.streamScalars(column, undefined, { yieldPer })) names.push(name);
    expect(names).toEqual(general.map((o) => o.name));

    const textual: unknown[] = [];
    const sql = text('SELECT id FROM orm_loading_items ORDER BY id');
    for await (const row of s.stream(sql, undefined, { yieldPer })) textual.push(row[0]);
    expect(textual.map(Number)).toEqual(general.map((o) => o.id));
    await s.close();
  });

  it('a stream answers next() calls made without waiting in order, then stays done', async () => {
    const s = ctx.Session();
    await fill(s);
    const general = await generalObjects(s);
    const stream = s.streamScalars(ordered(), undefined, { yieldPer: 4 });
    const answers = await Promise.all(Array.from({ length: COUNT + 2 }, () => stream.next()));
    expect(answers.slice(0, COUNT).map((a) => a.value)).toEqual(general);
    expect(answers.slice(COUNT)).toEqual([
      { value: undefined, done: true },
      { value: undefined, done: true },
    ]);
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    await s.close();
  });

  it('leaving a stream early, return() and throw() close it, so the session queries again', async () => {
    const s = ctx.Session();
    await fill(s);
    let seen = 0;
    for await (const o of s.streamScalars(ordered(), undefined, { yieldPer: 5 })) {
      expect(o).toBeInstanceOf(Item);
      if (++seen === 8) break;
    }
    expect((await s.scalars(ordered())).all()).toHaveLength(COUNT);

    const returned = s.streamScalars(ordered(), undefined, { yieldPer: 5 });
    expect((await returned.next()).done).toBe(false);
    expect(await returned.return(undefined)).toEqual({ value: undefined, done: true });
    expect(await returned.next()).toEqual({ value: undefined, done: true });
    expect((await s.scalars(ordered())).all()).toHaveLength(COUNT);

    const thrown = s.stream(select(Item), undefined, { yieldPer: 5 });
    expect((await thrown.next()).done).toBe(false);
    const boom = new Error('stop here');
    await expect(thrown.throw(boom)).rejects.toBe(boom);
    expect(await thrown.next()).toEqual({ value: undefined, done: true });
    expect((await s.scalars(ordered())).all()).toHaveLength(COUNT);

    // Never started: closing runs no statement.
    const unused = s.streamScalars(ordered());
    expect(await unused.return(undefined)).toEqual({ value: undefined, done: true });
    await expect(s.streamScalars(ordered()).throw(boom)).rejects.toBe(boom);
    await s.close();
  });

  it('a failing streamed statement rejects the first next() and leaves the session usable', async () => {
    const s = ctx.Session();
    await fill(s);
    const bad = s.stream(text('SELECT no_such_column FROM orm_loading_items'));
    await expect(bad.next()).rejects.toThrow();
    expect(await bad.next()).toEqual({ value: undefined, done: true });
    await s.rollback();
    expect((await s.scalars(ordered())).all()).toHaveLength(COUNT);
    await expect(s.streamScalars(ordered(), undefined, { yieldPer: 0 }).next()).rejects.toThrow(
      'yieldPer must be a whole number >= 1, got 0',
    );
    await s.close();
  });

  it('a stream of exactly whole batches hands out every row once', async () => {
    const s = ctx.Session();
    await fill(s);
    const conn = await ctx.engine.connect();
    try {
      const stream = await conn.stream(select(items).orderBy(items.c.id), {}, { yieldPer: 5 });
      const tuples = stream.tuples();
      const batches: unknown[][][] = [];
      for (;;) {
        const batch = await tuples.fetchMany(5);
        if (batch.length === 0) break;
        batches.push(batch);
      }
      expect(batches.map((b) => b.length)).toEqual([5, 5, 5, 5, 5]);
      expect(batches.flat().map((row) => Number(row[0]))).toEqual(
        Array.from({ length: COUNT }, (_, i) => i + 1),
      );
    } finally {
      await conn.close();
    }
    await s.close();
  });
});
