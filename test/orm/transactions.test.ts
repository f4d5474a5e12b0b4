import { expect } from 'vitest';
import { IntegrityError, InvalidRequestError, PendingRollbackError } from '../../src/errors.js';
import { MetaData, func, select } from '../../src/sql/index.js';
import { text } from '../../src/engine/index.js';
import { Model, inspect } from '../../src/orm/index.js';
import { describeOrm, logStatements } from './helpers.js';

const metadata = new MetaData();
const users = metadata.table('orm_tx_users', (t) => ({
  id: t.integer().primaryKey(),
  name: t.varchar(40).notNull().unique(),
  age: t.integer(),
}));
class User extends Model(users) {}

const countUsers = select(func.count()).selectFrom(users);

describeOrm('session transactions', metadata, (ctx) => {
  const { it } = ctx;
  const count = async (): Promise<number> => {
    const s = ctx.Session();
    try {
      return Number(await s.scalar(countUsers));
    } finally {
      await s.close();
    }
  };

  it('a failed flush writes nothing, restores objects and raises PendingRollbackError until rollback()', async () => {
    const s = ctx.Session();
    const old = new User({ name: 'old', age: 1 });
    s.add(old);
    await s.commit();
    old.age = 2;
    const fresh = new User({ name: 'fresh' });
    const dup = new User({ name: 'old' });
    s.addAll([fresh, dup]);
    let original: unknown;
    try {
      await s.flush();
    } catch (err) {
      original = err;
    }
    expect(original).toBeInstanceOf(IntegrityError);
    expect(s.isActive).toBe(false);
    expect(s.inTransaction()).toBe(true);
    expect(inspect(fresh).transient).toBe(true);
    expect(inspect(dup).transient).toBe(true);
    expect(inspect(old).persistent).toBe(true);
    expect(() => old.age).toThrow(/expired/);
    const flushSomething = (): Promise<void> => {
      s.add(new User({ name: 'meanwhile' }));
      return s.flush();
    };
    for (const op of [
      () => s.commit(),
      flushSomething,
      () => s.execute(select(users)),
      () => s.connection(),
    ]) {
      const err = await op().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(PendingRollbackError);
      expect((err as Error).message).toMatch(
        /^This Session's transaction has been rolled back due to a previous exception during flush\. To begin a new transaction with this Session, first issue Session\.rollback\(\)\. Original exception was: /,
      );
      expect((err as Error).cause).toBe(original);
    }
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    await s.rollback();
    await new Promise((r) => setImmediate(r));
    process.off('warning', onWarning);
    expect(warnings).toContain(
      "Session's state has been changed on a non-active transaction - this state will be discarded.",
    );
    expect(s.isActive).toBe(true);
    expect(await count()).toBe(1);
    const reloaded = await s.get(User, old.id);
    expect(reloaded).toBe(old);
    expect(old.age).toBe(1);
    s.add(fresh);
    await s.commit();
    expect(await count()).toBe(2);
    await s.close();
  });

  it('the connection stays checked out after a failed flush until rollback()', async () => {
    const s = ctx.Session();
    s.add(new User({ name: 'x1' }));
    await s.commit();
    s.add(new User({ name: 'x1' }));
    await expect(s.commit()).rejects.toBeInstanceOf(IntegrityError);
    expect(ctx.engine.pool.checkedOut).toBe(1);
    await s.rollback();
    expect(ctx.engine.pool.checkedOut).toBe(0);
    await s.close();
  });

  it('a savepoint rollback keeps the outer transaction', async () => {
    const s = ctx.Session();
    const a = new User({ name: 'a', age: 1 });
    s.add(a);
    await s.flush();
    const sp = await s.beginNested();
    expect(s.inNestedTransaction()).toBe(true);
    const b = new User({ name: 'b' });
    s.add(b);
    a.age = 5;
    await s.flush();
    await sp.rollback();
    expect(inspect(b).transient).toBe(true);
    expect(() => a.age).toThrow(/expired/);
    await s.refresh(a);
    expect(a.age).toBe(1);
    await s.commit();
    expect(await count()).toBe(1);
    await s.close();
  });

  it('beginNested(callback) rolls back to the savepoint on error and lets the outer transaction go on', async () => {
    const s = ctx.Session();
    s.add(new User({ name: 'first' }));
    await s.flush();
    const err = await s
      .beginNested(async () => {
        s.add(new User({ name: 'first' }));
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(IntegrityError);
    expect(s.isActive).toBe(true);
    await s.beginNested(async () => {
      s.add(new User({ name: 'second' }));
    });
    await s.commit();
    expect(await count()).toBe(2);
    await s.close();
  });

  it('a savepoint commit keeps its changes; an outer rollback still undoes them', async () => {
    const s = ctx.Session();
    const sp = await s.beginNested();
    const u = new User({ name: 'inner' });
    s.add(u);
    await sp.commit();
    expect(s.contains(u)).toBe(true);
    await s.rollback();
    expect(inspect(u).transient).toBe(true);
    expect(await count()).toBe(0);
    await s.close();
  });

  it('autoflush makes pending objects visible to queries; noAutoflush and autoflush: false do not', async () => {
    const s = ctx.Session();
    s.add(new User({ name: 'auto' }));
    expect(Number(await s.scalar(countUsers))).toBe(1);
    const inside = await s.noAutoflush(async () => {
      s.add(new User({ name: 'later' }));
      return Number(await s.scalar(countUsers));
    });
    expect(inside).toBe(1);
    expect(s.autoflush).toBe(true);
    await expect(
      s.noAutoflush(() => {
        throw new Error('inside');
      }),
    ).rejects.toThrow('inside');
    expect(s.autoflush).toBe(true);
    expect(Number(await s.scalar(countUsers))).toBe(2);
    await s.rollback();
    await s.close();
    // (one writer at a time: SQLite allows no second write transaction meanwhile)
    const s2 = ctx.Session({ autoflush: false });
    s2.add(new User({ name: 'manual' }));
    expect(Number(await s2.scalar(countUsers))).toBe(0);
    expect(s2.new.size).toBe(1);
    await s2.flush();
    expect(Number(await s2.scalar(countUsers))).toBe(1);
    await s2.rollback();
    await s2.close();
  });

  it('text() does not autoflush', async () => {
    const s = ctx.Session();
    s.add(new User({ name: 'pending' }));
    const n = (await s.execute(text('SELECT count(*) FROM orm_tx_users'))).scalar();
    expect(Number(n)).toBe(0);
    await s.close();
  });

  it('an autoflush error says it came from autoflush', async () => {
    const s = ctx.Session();
    s.add(new User({ name: 'n1' }));
    await s.commit();
    s.add(new User({ name: 'n1' }));
    await expect(s.execute(select(users))).rejects.toThrow(
      /raised as a result of Query-invoked autoflush/,
    );
    await s.rollback();
    await s.close();
  });

  it('expireOnCommit expires everything; the next load refreshes; false keeps values', async () => {
    const s = ctx.Session();
    const u = new User({ name: 'e', age: 1 });
    s.add(u);
    await s.commit();
    expect(u.id).toBeTypeOf('number'); // the primary key stays readable
    expect(() => u.age).toThrow(
      /Attribute 'age' of <User at 0x[0-9a-f]+> is expired.*await session\.refresh\(obj\).*expireOnCommit: false/,
    );
    const other = ctx.Session();
    const same = (await other.get(User, u.id))!;
    same.age = 9;
    await other.commit();
    await other.close();
    expect(await s.get(User, u.id)).toBe(u);
    expect(u.age).toBe(9);
    const keep = ctx.Session({ expireOnCommit: false });
    const k = (await keep.get(User, u.id))!;
    await keep.commit();
    expect(k.age).toBe(9);
    await keep.close();
    await s.close();
    expect(() => u.name).not.toThrow();
  });

  it('rollback() expunges pending objects and expires persistent ones', async () => {
    const s = ctx.Session();
    const u = new User({ name: 'r', age: 1 });
    s.add(u);
    await s.commit();
    await s.refresh(u);
    u.age = 7;
    const p = new User({ name: 'p' });
    s.add(p);
    await s.rollback();
    expect(inspect(p).transient).toBe(true);
    expect(() => u.age).toThrow(/expired/);
    expect((await s.get(User, u.id))!.age).toBe(1);
    await s.close();
  });

  it('two sessions run on two connections and do not see each other’s uncommitted rows', async () => {
    const s1 = ctx.Session();
    const s2 = ctx.Session();
    s1.add(new User({ name: 'iso' }));
    await s1.flush();
    expect(Number(await s1.scalar(countUsers))).toBe(1);
    await s2.commit(); // make sure s2's snapshot starts after s1's flush
    expect(Number(await s2.scalar(countUsers))).toBe(0);
    await s2.commit();
    await s1.commit();
    expect(Number(await s2.scalar(countUsers))).toBe(1);
    await s1.close();
    await s2.close();
  });

  it('sessionmaker.begin commits on success, rolls back on error, always closes', async () => {
    let seen: unknown;
    await ctx.Session.begin(async (s) => {
      seen = s;
      s.add(new User({ name: 'scope1' }));
    });
    expect((seen as { inTransaction(): boolean }).inTransaction()).toBe(false);
    await expect(
      ctx.Session.begin(async (s) => {
        s.add(new User({ name: 'scope2' }));
        await s.flush();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await count()).toBe(1);
    expect(ctx.engine.pool.checkedOut).toBe(0);
  });

  it('await using closes the session', async () => {
    let kept: User;
    {
      await using s = ctx.Session({ expireOnCommit: false });
      kept = new User({ name: 'using' });
      s.add(kept);
      await s.commit();
      await s.get(User, kept.id);
    }
    expect(inspect(kept).detached).toBe(true);
    expect(ctx.engine.pool.checkedOut).toBe(0);
  });

  it('begin() twice, autobegin: false, and a closed begin scope raise SQLAlchemy errors', async () => {
    const s = ctx.Session();
    s.begin();
    expect(() => s.begin()).toThrow('A transaction is already begun on this Session.');
    await s.rollback();
    const manual = ctx.Session({ autobegin: false });
    const msg =
      'Autobegin is disabled on this Session; please call session.begin() to start a new transaction';
    expect(() => manual.add(new User({ name: 'm' }))).toThrow(msg);
    await expect(manual.execute(select(users))).rejects.toThrow(msg);
    manual.begin();
    manual.add(new User({ name: 'm' }));
    await manual.commit();
    expect(() => manual.add(new User({ name: 'm2' }))).toThrow(msg);
    await manual.close();
    const scoped = ctx.Session();
    await expect(
      scoped.begin(async () => {
        await scoped.commit();
        scoped.add(new User({ name: 'late' }));
      }),
    ).rejects.toThrow(
      "Can't operate on closed transaction inside context manager.  Please complete the context manager before emitting further commands.",
    );
    await scoped.close();
  });

  it('legacy autocommit mode commits each flush at once and holds no transaction', async () => {
    const s = ctx.Session({ autocommit: true });
    const u = new User({ name: 'ac', age: 1 });
    s.add(u);
    expect(s.inTransaction()).toBe(false);
    await s.flush();
    expect(s.inTransaction()).toBe(false);
    expect(ctx.engine.pool.checkedOut).toBe(0);
    expect(await count()).toBe(1);
    expect(u.age).toBe(1); // not expired: nothing reloads on attribute access
    u.age = 2;
    await s.flush();
    const other = ctx.Session();
    expect((await other.get(User, u.id))!.age).toBe(2);
    await other.close();
    expect((await s.scalars(select(User))).all()).toEqual([u]);
    expect(ctx.engine.pool.checkedOut).toBe(0);
    s.begin();
    s.add(new User({ name: 'ac2' }));
    await s.rollback();
    expect(await count()).toBe(1);
    await s.close();
  });

  it('commit() and rollback() with nothing begun touch no connection', async () => {
    const log = logStatements(ctx.engine);
    const s = ctx.Session();
    await s.commit();
    await s.rollback();
    expect(log.statements).toEqual([]);
    expect(s.inTransaction()).toBe(false);
    log.stop();
    await s.close();
  });

  it('an empty flush does not begin a transaction', async () => {
    const s = ctx.Session();
    await s.flush();
    expect(s.inTransaction()).toBe(false);
    await s.close();
  });

  it('flushing inside beforeFlush raises', async () => {
    const s = ctx.Session();
    s.on('beforeFlush', async (session) => {
      await session.flush();
    });
    s.add(new User({ name: 'bf' }));
    await expect(s.flush()).rejects.toThrow(new InvalidRequestError('Session is already flushing'));
    await s.close();
  });
});
