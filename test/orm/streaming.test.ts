import { expect } from 'vitest';
import { MetaData, insert, select } from '../../src/sql/index.js';
import { Model, inspect } from '../../src/orm/index.js';
import { collectGarbage } from './unit/fixtures.js';
import { describeOrm } from './helpers.js';

const metadata = new MetaData();
const events = metadata.table('orm_stream_events', (t) => ({
  id: t.integer().primaryKey(),
  payload: t.text().notNull(),
}));
class Event extends Model(events) {}

const ROWS = 20_000;

describeOrm('streaming', metadata, (ctx) => {
  const { it } = ctx;

  it('yieldPer streams objects in chunks; the identity map lets dropped objects go', async () => {
    await ctx.engine.begin(async (conn) => {
      for (let start = 0; start < ROWS; start += 1000) {
        const rows = Array.from({ length: 1000 }, (_, i) => ({ payload: `event ${start + i}` }));
        await conn.execute(insert(events).values(rows));
      }
    });
    const s = ctx.Session();
    let n = 0;
    let last = 0;
    for await (const e of s.streamScalars(select(Event).orderBy(Event.c.id), undefined, {
      yieldPer: 500,
    })) {
      expect(e).toBeInstanceOf(Event);
      expect(e.id).toBeGreaterThan(last);
      last = e.id;
      n++;
    }
    expect(n).toBe(ROWS);
    await collectGarbage();
    const live = [...s.identityMap.allStates()].length;
    expect(live).toBeLessThan(ROWS / 4);
    // the legacy Query streams the same way
    let m = 0;
    for await (const e of s.query(Event).yieldPer(1000)) if (e.id > 0) m++;
    expect(m).toBe(ROWS);
    await s.close();
  });

  it('a stream keeps only its current chunk in the identity map; changed objects stay and are flushed', async () => {
    const total = 3000;
    await ctx.engine.begin(async (conn) => {
      const rows = Array.from({ length: total }, (_, i) => ({ payload: `row ${i}` }));
      await conn.execute(insert(events).values(rows));
    });
    const s = ctx.Session();
    let changed: Event | undefined;
    let held: Event | undefined;
    let untouched: Event | undefined;
    let index = 0;
    let maxMapped = 0;
    for await (const e of s.streamScalars(select(Event).orderBy(Event.c.id), undefined, {
      yieldPer: 500,
    })) {
      if (index === 100) {
        changed = e;
        e.payload = 'changed in its chunk';
      }
      if (index === 50) untouched = e;
      if (index === 1200) held = e;
      maxMapped = Math.max(maxMapped, s.identityMap.approximateSize);
      index++;
    }
    expect(index).toBe(total);
    // the current chunk plus the one changed object: no garbage collection needed
    expect(maxMapped).toBeLessThanOrEqual(501);
    expect(s.identityMap.approximateSize).toBe(1);
    expect(s.contains(changed!)).toBe(true);
    expect(s.contains(held!)).toBe(false);
    expect(inspect(held!).persistent).toBe(true);
    // an object the caller kept from an earlier chunk rejoins the identity map when changed
    held!.payload = 'changed after the stream';
    expect(s.contains(held!)).toBe(true);
    expect(await s.get(Event, held!.id)).toBe(held);
    expect(await s.get(Event, changed!.id)).toBe(changed);
    // a clean object of an earlier chunk is no longer identity-mapped: a new query loads anew
    const again = await s.get(Event, untouched!.id);
    expect(again).not.toBe(untouched);
    expect(again!.payload).toBe(untouched!.payload);
    await s.commit();
    const payloads = await ctx.engine.begin(async (conn) =>
      (
        await conn.execute(
          select(events.c.payload)
            .where(events.c.id.in([changed!.id, held!.id]))
            .orderBy(events.c.id),
        )
      )
        .scalars()
        .all(),
    );
    expect(payloads).toEqual(['changed in its chunk', 'changed after the stream']);
    await s.close();
  });

  it('a stream refuses to load into a closed session', async () => {
    await ctx.engine.begin(async (conn) => {
      await conn.execute(
        insert(events).values(Array.from({ length: 50 }, (_, i) => ({ payload: `p${i}` }))),
      );
    });
    const s = ctx.Session();
    const it2 = s.streamScalars(select(Event), undefined, { yieldPer: 10 });
    await it2.next();
    s.expungeAll();
    await expect(async () => {
      for (;;) if ((await it2.next()).done === true) break;
    }).rejects.toThrow(
      /cannot be converted to 'persistent' state, as this identity map is no longer valid/,
    );
    await s.close();
  });
});
