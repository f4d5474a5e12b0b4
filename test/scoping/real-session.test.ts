/**
 * scopedSession over the ORM's real sessionmaker and Session: every forwarded name exists on
 * the Session (checked by the compiler and at run time), the proxies carry the Session's
 * types, and remove()/run() give the connection back. Runs on a SQLite file.
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { ArgumentError, InvalidRequestError } from '../../src/errors.js';
import { PROXIED_ATTRIBUTES, PROXIED_METHODS } from '../../src/orm/scoping/index.js';
import type { ProxiedName, SessionProxies } from '../../src/orm/scoping/index.js';
import {
  createEngine,
  MetaData,
  Model,
  scopedSession,
  select,
  Session,
  sessionmaker,
} from '../../src/index.js';
import type { Engine } from '../../src/index.js';
import { sqliteFileUrl } from '../helpers/databases.js';

const metadata = new MetaData();
const items = metadata.table('scoping_real_items', (t) => ({
  id: t.integer().primaryKey(),
  label: t.text().notNull(),
}));
class Item extends Model(items) {}

let engine: Engine;
beforeAll(async () => {
  engine = createEngine(sqliteFileUrl());
  await metadata.createAll(engine);
});
afterAll(async () => {
  await engine.dispose();
});

describe('scopedSession over the real Session', () => {
  it('forwards only names the Session has (compile time and run time)', () => {
    expectTypeOf<keyof SessionProxies<Session>>().toEqualTypeOf<ProxiedName>();
    const session = new Session();
    for (const name of PROXIED_METHODS) {
      expect(typeof (session as unknown as Record<string, unknown>)[name], name).toBe('function');
    }
    for (const name of PROXIED_ATTRIBUTES) expect(name in session, name).toBe(true);
  });

  it('forwards every public Session member except a documented few (SQLAlchemy test_methods_etc)', () => {
    // Reached through Scoped() instead, as in SQLAlchemy (get_transaction, in_nested_transaction
    // and bind_* are not proxied there either); events are listened to on the sessionmaker.
    const notForwarded = new Set([
      'on',
      'inNestedTransaction',
      'getTransaction',
      'getNestedTransaction',
      'whenIdle',
      'bind', // Function.prototype.bind must keep working: use Scoped().bind
      'hashKey',
      'events',
      'expireOnCommit',
      'autobegin',
      'autocommit',
      'joinTransactionMode',
      'closeResetsOnly',
      // internals of the ORM (marked @internal or private)
      'commitTransaction',
      'rollbackTransaction',
      'onModified',
      'requirePersistent',
      'busy',
      'idleWaiters',
      'loaders',
    ]);
    const session = new Session();
    const members = [
      ...Object.getOwnPropertyNames(Session.prototype),
      ...Object.keys(session),
    ].filter((name) => name !== 'constructor' && !name.startsWith('_'));
    const forwarded = new Set<string>([...PROXIED_METHODS, ...PROXIED_ATTRIBUTES]);
    const missing = members.filter((name) => !forwarded.has(name) && !notForwarded.has(name));
    // A new Session member: forward it (proxies.ts) or add it to the list above with a reason.
    expect(missing).toEqual([]);
  });

  it('types the proxies from the Session', () => {
    const Scoped = scopedSession(sessionmaker({ bind: engine }));
    // Type assertions only: the function is never called, so no statement runs.
    const typeErrorsOnly = () => {
      expectTypeOf(Scoped()).toEqualTypeOf<Session>();
      expectTypeOf(Scoped.get(Item, 1)).toEqualTypeOf<Promise<Item | null>>();
      expectTypeOf(Scoped.getOne(Item, 1)).toEqualTypeOf<Promise<Item>>();
      expectTypeOf(Scoped.new).toEqualTypeOf<ReadonlySet<object>>();
      expectTypeOf(Scoped.add).parameter(0).toEqualTypeOf<object>();
      // @ts-expect-error: an unknown Session option is a compile error
      Scoped({ autoFlush: false });
      // @ts-expect-error: `new` is read-only
      Scoped.new = new Set();
    };
    expect(typeof typeErrorsOnly).toBe('function');
  });

  it('runs a unit of work through the proxies and returns the connection at the end', async () => {
    const Scoped = scopedSession(sessionmaker({ bind: engine }), { outsideScope: 'error' });
    const labels = await Scoped.run(async () => {
      Scoped.addAll([new Item({ label: 'a' }), new Item({ label: 'b' })]);
      expect(Scoped.new.size).toBe(2);
      await Scoped.flush();
      expect(Scoped.inTransaction()).toBe(true);
      expect(engine.pool.checkedOut).toBe(1);
      await Scoped.commit();
      const found = await Scoped.get(Item, 1);
      expect(found).toBe(await Scoped.getOne(Item, 1)); // the identity map, through the proxy
      const all = (await Scoped.scalars(select(Item).orderBy(Item.c.id))).all();
      return all.map((i) => i.label);
    });
    expect(labels).toEqual(['a', 'b']);
    expect(engine.pool.checkedOut).toBe(0);
  });

  it('the Session of an ended run() scope refuses later use; remove() keeps it reusable', async () => {
    const Scoped = scopedSession(sessionmaker({ bind: engine }));
    const held = await Scoped.run(async () => Scoped());
    await expect(held.get(Item, 1)).rejects.toThrow(/permanently closed/);
    expect(() => held.add(new Item({ label: 'late' }))).toThrow(/permanently closed/);
    expect(engine.pool.checkedOut).toBe(0);
    // SQLAlchemy's remove() is a plain close: the Session stays usable for whoever holds it.
    const kept = Scoped();
    await Scoped.remove();
    expect(await kept.get(Item, 1)).not.toBeNull();
    await kept.close();
  });

  it('remove() rolls back the uncommitted work of the scope’s Session', async () => {
    const Session = sessionmaker({ bind: engine });
    const Scoped = scopedSession(Session);
    const session = Scoped({ autoflush: false });
    expect(session.autoflush).toBe(false);
    Scoped.add(new Item({ label: 'never committed' }));
    await Scoped.flush();
    expect(engine.pool.checkedOut).toBe(1);
    await Scoped.remove();
    expect(engine.pool.checkedOut).toBe(0);
    expect(session.inTransaction()).toBe(false);
    const count = await Session.begin(async (s) => (await s.scalars(select(Item))).all().length);
    expect(count).toBe(2);
    expect(Scoped()).not.toBe(session);
    await Scoped.remove();
  });

  it('keeps SQLAlchemy’s errors for call options and unknown options', async () => {
    const Scoped = scopedSession(sessionmaker({ bind: engine }));
    await Scoped.run(async () => {
      Scoped();
      expect(() => Scoped({ autoflush: false })).toThrow(InvalidRequestError);
    });
    await Scoped.run(async () => {
      expect(() => Scoped({ bogus: 1 } as never)).toThrow(ArgumentError);
    });
  });

  it('configure() reaches the real sessionmaker', async () => {
    const Session = sessionmaker();
    const Scoped = scopedSession(Session);
    Scoped.configure({ bind: engine, expireOnCommit: false });
    await Scoped.run(async () => {
      expect(Scoped().bind).toBe(engine);
      expect(Scoped().expireOnCommit).toBe(false);
    });
  });
});
