/**
 * The DESIGN.md sketch and the seeds' examples, as written, plus the smaller Session
 * features (info, configure, connection(), textual SQL).
 */
import { expect, expectTypeOf } from 'vitest';
import { sql, text, type Connection } from '../../src/engine/index.js';
import { MetaData, select } from '../../src/sql/index.js';
import { Model, Session as SessionClass, inspect, sessionmaker } from '../../src/orm/index.js';
import { describeOrm } from './helpers.js';

const metadata = new MetaData();
const users = metadata.table('orm_sketch_users', (t) => ({
  id: t.integer().primaryKey(),
  name: t.text().notNull(),
  age: t.integer(),
  active: t.boolean().notNull().default(true),
  lastLogin: t.timestamp('last_login'),
}));

class User extends Model(users) {
  get isAdult() {
    return (this.age ?? 0) >= 18;
  }
}

describeOrm('the design sketch', metadata, (ctx) => {
  const { it } = ctx;

  it('runs as written', async () => {
    const Session = sessionmaker();
    Session.configure({ bind: ctx.engine });
    const session = Session();
    session.add(new User({ name: 'John Doe', age: 30 }));
    await session.commit();

    const john = await session.get(User, 1);
    expect(john).toBeInstanceOf(User);
    john!.age = 31;
    await session.commit();

    const adults = await session.query(User).filter(User.c.age.ge(18)).orderBy(User.c.name).all();
    const same = (await session.scalars(select(User).where(User.c.age.ge(18)))).all();
    expect(same).toEqual(adults);
    expect(adults[0]!.isAdult).toBe(true);
    expectTypeOf(adults[0]!).toEqualTypeOf<User>();
    expectTypeOf(same[0]!).toEqualTypeOf<User>();
    const cutoff = new Date(Date.UTC(2030, 0, 1));
    await session.execute(
      sql`UPDATE orm_sketch_users SET active = ${false} WHERE last_login < ${cutoff} OR last_login IS NULL`,
    );
    const rows = (
      await session.execute(text('SELECT * FROM orm_sketch_users WHERE age > :age'), { age: 30 })
    ).all();
    expect(rows).toHaveLength(1);
    await session.delete(john!);
    await session.commit();
    await session.close();

    await Session.begin(async (s) => {
      s.add(new User({ name: 'Ann', age: 5 }));
    });
    {
      await using s = Session();
      const ann = (await s.scalars(select(User).where(User.c.name.eq('Ann')))).one();
      expect(ann.active).toBe(true);
      expect(ann.isAdult).toBe(false);
    }
    expect(ctx.engine.pool.checkedOut).toBe(0);
  });

  it('infers result types from the statement', async () => {
    const s = ctx.Session();
    s.add(new User({ name: 'T', age: 1 }));
    await s.flush();
    const rows = (await s.execute(select(User, User.c.name))).all();
    expectTypeOf(rows[0]![0]).toEqualTypeOf<User>();
    expectTypeOf(rows[0]![1]).toEqualTypeOf<string>();
    const names = (await s.scalars(select(users.c.name))).all();
    expectTypeOf(names).toEqualTypeOf<string[]>();
    const one = await s.get(User, 1);
    expectTypeOf(one).toEqualTypeOf<User | null>();
    const q = await s.query(User.c.id, User.c.age).all();
    expectTypeOf(q[0]![1]).toEqualTypeOf<number | null>();
    expect(rows[0]![1]).toBe('T');
    await s.rollback();
    await s.close();
  });

  it('info is copied per session and merged with the sessionmaker’s', () => {
    const maker = sessionmaker({ bind: ctx.engine, info: { global: true, s1: 5 } });
    const s = maker({ info: { s1: 6, s2: true } });
    expect(s.info).toEqual({ global: true, s1: 6, s2: true });
    s.info.extra = 1;
    expect(maker().info).toEqual({ global: true, s1: 5 });
    expect(maker.kw.info).toEqual({ global: true, s1: 5 });
    expect(String(maker)).toMatch(
      /^sessionmaker\(\{ sessionClass: Session, autoflush: true, expireOnCommit: true, bind: .*info: \{"global":true,"s1":5\} \}\)$/,
    );
    expect(() => maker({ bogus: 1 } as never)).toThrow(/Unknown Session option 'bogus'/);
    expect(() => new SessionClass({ autocommit: true })).not.toThrow();
  });

  it('connection() returns the connection of the session’s transaction', async () => {
    const s = ctx.Session();
    s.add(new User({ name: 'conn' }));
    await s.flush();
    const conn = (await s.connection()) as Connection;
    const n = await conn.scalar(select(users.c.id).where(users.c.name.eq('conn')));
    expect(n).toBe(inspect((await s.scalars(select(User))).one()).identity![0]);
    expect(await s.connection()).toBe(conn);
    await s.rollback();
    await s.close();
  });

  it('refuses textual SQL given as a plain string', async () => {
    const s = ctx.Session();
    await expect(s.execute('select 1' as never)).rejects.toThrow(
      "Textual SQL expression 'select 1' should be explicitly declared as text('select 1')",
    );
    await s.close();
  });

  it('a session without a bind says how to give it one', async () => {
    const s = sessionmaker()();
    await expect(s.execute(select(users))).rejects.toThrow(
      /This session is not bound to a single Engine or Connection, and no context was provided to locate a binding/,
    );
  });
});
