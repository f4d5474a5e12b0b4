import { expect } from 'vitest';
import { InvalidRequestError } from '../../src/errors.js';
import { MetaData, select } from '../../src/sql/index.js';
import { Model, type SessionEventName } from '../../src/orm/index.js';
import type { Session } from '../../src/orm/index.js';
import { describeOrm } from './helpers.js';

const metadata = new MetaData();
const users = metadata.table('orm_events_users', (t) => ({
  id: t.integer().primaryKey(),
  name: t.text().notNull(),
}));
class User extends Model(users) {}

const NAMES: SessionEventName[] = [
  'beforeFlush',
  'afterFlush',
  'afterFlushPostexec',
  'beforeCommit',
  'afterCommit',
  'afterRollback',
  'afterSoftRollback',
  'afterBegin',
  'afterTransactionCreate',
  'afterTransactionEnd',
  'transientToPending',
  'pendingToPersistent',
  'pendingToTransient',
  'persistentToTransient',
  'loadedAsPersistent',
  'persistentToDeleted',
  'deletedToPersistent',
  'deletedToDetached',
  'persistentToDetached',
  'detachedToPersistent',
];

function record(target: { on: Session['on'] }): string[] {
  const seen: string[] = [];
  for (const name of NAMES) target.on(name, (() => seen.push(name)) as never);
  return seen;
}

describeOrm('session events', metadata, (ctx) => {
  const { it } = ctx;

  it('fire in SQLAlchemy’s order through add, flush, commit, delete and rollback', async () => {
    const s = ctx.Session();
    const seen = record(s);
    const u = new User({ name: 'a' });
    s.add(u);
    await s.flush();
    expect(seen).toEqual([
      'afterTransactionCreate',
      'transientToPending',
      'beforeFlush',
      'afterBegin',
      'afterFlush',
      'pendingToPersistent',
      'afterFlushPostexec',
    ]);
    seen.length = 0;
    await s.commit();
    expect(seen).toEqual(['beforeCommit', 'afterCommit', 'afterTransactionEnd']);
    seen.length = 0;
    await s.get(User, u.id);
    await s.delete(u);
    await s.flush();
    await s.commit();
    expect(seen).toEqual([
      'afterTransactionCreate',
      'afterBegin',
      'beforeFlush',
      'afterFlush',
      'persistentToDeleted',
      'afterFlushPostexec',
      'beforeCommit',
      'afterCommit',
      'deletedToDetached',
      'afterTransactionEnd',
    ]);
    seen.length = 0;
    s.add(new User({ name: 'b' }));
    await s.flush();
    seen.length = 0;
    await s.rollback();
    expect(seen).toEqual([
      'persistentToTransient',
      'afterRollback',
      'afterSoftRollback',
      'afterTransactionEnd',
    ]);
    await s.close();
  });

  it('loadedAsPersistent fires for objects a query loads, not for identity-map hits', async () => {
    const setup = ctx.Session();
    setup.addAll([new User({ name: 'x' }), new User({ name: 'y' })]);
    await setup.commit();
    await setup.close();
    const s = ctx.Session();
    const loaded: object[] = [];
    s.on('loadedAsPersistent', (_session, obj) => loaded.push(obj));
    const all = (await s.scalars(select(User))).all();
    expect(loaded).toEqual(all);
    await s.scalars(select(User));
    expect(loaded).toHaveLength(2);
    await s.close();
  });

  it('listeners on a sessionmaker fire for each of its sessions, before the session’s own', async () => {
    const order: string[] = [];
    const off = ctx.Session.on('beforeCommit', () => {
      order.push('maker');
    });
    const s = ctx.Session();
    s.on('beforeCommit', () => {
      order.push('session');
    });
    await s.commit();
    const s2 = ctx.Session();
    await s2.commit();
    off();
    await s2.commit();
    expect(order).toEqual(['maker', 'session', 'maker']);
    await s.close();
    await s2.close();
  });

  it('async listeners are awaited; beforeFlush may add objects; afterBegin may run SQL', async () => {
    const s = ctx.Session();
    const extra = new User({ name: 'from-hook' });
    let n = 0;
    s.on('beforeFlush', async (session) => {
      await new Promise((r) => setTimeout(r, 5));
      if (n++ === 0) session.add(extra);
    });
    s.on('afterBegin', async (_s, _t, conn) => {
      await (conn as { execute(x: unknown): Promise<unknown> }).execute(select(users.c.id));
    });
    s.add(new User({ name: 'main' }));
    await s.flush();
    expect(extra.id).toBeTypeOf('number');
    await s.rollback();
    await s.close();
  });

  it('no SQL may run inside afterCommit', async () => {
    const s = ctx.Session();
    let error: unknown;
    s.on('afterCommit', async (session) => {
      error = await session.execute(select(users)).catch((e: unknown) => e);
    });
    s.add(new User({ name: 'c' }));
    await s.commit();
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).toBe(
      "This session is in 'committed' state; no further SQL can be emitted within this transaction.",
    );
    await s.close();
  });
});
