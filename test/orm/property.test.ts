/**
 * Property-based test: random sequences of add / modify / delete / expunge / flush / commit /
 * rollback / load / close over sessions, checked against a plain in-memory model of the
 * committed data and of what the current session should see. SQLite runs many sequences;
 * the servers fewer (each operation is a round trip).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { MetaData, deleteFrom, select } from '../../src/sql/index.js';
import { Model, inspect, type Session } from '../../src/orm/index.js';
import { describeOrm } from './helpers.js';

const metadata = new MetaData();
const items = metadata.table('orm_prop_items', (t) => ({
  id: t.integer().primaryKey(),
  name: t.varchar(20).notNull(),
  qty: t.integer().notNull(),
}));
class Item extends Model(items) {}

interface Row {
  name: string;
  qty: number;
}

type Op =
  | { kind: 'add'; name: string; qty: number }
  | { kind: 'modify'; pick: number; qty: number }
  | { kind: 'delete'; pick: number }
  | { kind: 'flush' }
  | { kind: 'commit' }
  | { kind: 'rollback' }
  | { kind: 'load' }
  | { kind: 'peek' }
  | { kind: 'close' }
  | { kind: 'switch'; commit: boolean };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      name: fc.string({ maxLength: 8 }),
      qty: fc.integer({ min: 0, max: 1000 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('modify' as const),
      pick: fc.nat(),
      qty: fc.integer({ min: 0, max: 1000 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'commit' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'rollback' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'load' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'peek' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'close' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('switch' as const), commit: fc.boolean() }),
  },
);

describeOrm('property: the session agrees with an in-memory model', metadata, (ctx) => {
  const { it } = ctx;
  const runs = ctx.db.name === 'sqlite' ? 100 : 20;

  const committedRows = async (): Promise<Map<number, Row>> => {
    const conn = await ctx.engine.connect();
    try {
      const rows = (await conn.execute(select(items.c.id, items.c.name, items.c.qty)))
        .tuples()
        .all();
      return new Map(
        rows.map(([id, name, qty]) => [id as number, { name: name as string, qty: qty as number }]),
      );
    } finally {
      await conn.close();
    }
  };

  it('random operation sequences keep the database, the identity map and the model in step', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 30 }), async (ops) => {
        await ctx.engine.begin(async (conn) => {
          await conn.execute(deleteFrom(items));
        });
        const committed = new Map<number, Row>();
        // what the current session should hold: object → row (null: marked deleted)
        let working = new Map<Item, Row | null>();
        let session: Session = ctx.Session();
        // the other session: only one of the two writes between commits (SQLite has one writer)
        let idle = { session: ctx.Session(), working: new Map<Item, Row | null>() };
        const commitCurrent = async (): Promise<void> => {
          await session.commit();
          for (const [obj, row] of working) {
            if (row === null) committed.delete(obj.id);
            else committed.set(obj.id, { ...row });
          }
          working = new Map([...working].filter(([, r]) => r !== null));
        };
        const rollbackCurrent = async (): Promise<void> => {
          await session.rollback();
          const next = new Map<Item, Row | null>();
          for (const [obj] of working) {
            const st = inspect(obj);
            if (st.hasIdentity && committed.has(obj.id)) {
              expect(st.persistent).toBe(true);
              next.set(obj, { ...committed.get(obj.id)! });
            } else {
              expect(st.transient).toBe(true);
            }
          }
          working = next;
        };
        const live = (): Item[] => [...working].filter(([, r]) => r !== null).map(([o]) => o);
        try {
          for (const op of ops) {
            switch (op.kind) {
              case 'add': {
                const obj = new Item({ name: op.name, qty: op.qty });
                session.add(obj);
                working.set(obj, { name: op.name, qty: op.qty });
                break;
              }
              case 'modify': {
                const objs = live();
                if (objs.length === 0) break;
                const obj = objs[op.pick % objs.length]!;
                obj.qty = op.qty;
                working.get(obj)!.qty = op.qty;
                break;
              }
              case 'delete': {
                const objs = live();
                if (objs.length === 0) break;
                const obj = objs[op.pick % objs.length]!;
                if (inspect(obj).hasIdentity) {
                  await session.delete(obj);
                  working.set(obj, null);
                } else {
                  session.expunge(obj); // a pending object is not persisted: expunge it
                  working.delete(obj);
                }
                break;
              }
              case 'flush':
                await session.flush();
                break;
              case 'commit':
                await commitCurrent();
                expect(await committedRows()).toEqual(committed);
                break;
              case 'rollback':
                await rollbackCurrent();
                break;
              case 'switch': {
                if (op.commit) await commitCurrent();
                else await rollbackCurrent();
                const other = idle;
                idle = { session, working };
                session = other.session;
                // its objects are expired since its last commit or rollback; rows deleted
                // meanwhile by the other session are forgotten (changing them would be stale)
                working = new Map();
                for (const [obj] of other.working) {
                  if (committed.has(obj.id)) working.set(obj, { ...committed.get(obj.id)! });
                  else session.expunge(obj);
                }
                break;
              }
              case 'load': {
                const loaded = (await session.scalars(select(Item))).all();
                // autoflush ran first: the session sees its own changes
                const expected = new Map(committed);
                for (const [obj, row] of working) {
                  if (row === null) expected.delete(obj.id);
                  else expected.set(obj.id, row);
                }
                expect(new Map(loaded.map((o) => [o.id, { name: o.name, qty: o.qty }]))).toEqual(
                  expected,
                );
                for (const obj of loaded) {
                  if (working.has(obj)) continue;
                  working.set(obj, { name: obj.name, qty: obj.qty });
                }
                // one object per row: tracked objects were returned as themselves
                for (const [obj, row] of working) if (row !== null) expect(loaded).toContain(obj);
                break;
              }
              case 'peek': {
                // another session sees committed data only
                const other = ctx.Session();
                const rows = (await other.scalars(select(Item))).all();
                expect(new Map(rows.map((o) => [o.id, { name: o.name, qty: o.qty }]))).toEqual(
                  committed,
                );
                await other.close();
                break;
              }
              case 'close':
                await session.close();
                session = ctx.Session();
                working = new Map();
                break;
            }
          }
          await session.commit();
          for (const [obj, row] of working) {
            if (row === null) committed.delete(obj.id);
            else committed.set(obj.id, { ...row });
          }
          expect(await committedRows()).toEqual(committed);
        } finally {
          await session.close();
          await idle.session.close();
        }
      }),
      { numRuns: runs },
    );
  }, 240_000);
});
