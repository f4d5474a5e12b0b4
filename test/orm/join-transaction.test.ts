import { expect } from 'vitest';
import { MetaData, func, select } from '../../src/sql/index.js';
import { Model, Session, sessionmaker } from '../../src/orm/index.js';
import type { Connection } from '../../src/engine/index.js';
import { describeOrm } from './helpers.js';

const metadata = new MetaData();
const users = metadata.table('orm_join_users', (t) => ({
  id: t.integer().primaryKey(),
  name: t.text().notNull(),
}));
class User extends Model(users) {}

const countUsers = select(func.count()).selectFrom(users);

describeOrm('joining an external transaction', metadata, (ctx) => {
  const { it } = ctx;
  const committedCount = async (): Promise<number> => {
    const conn = await ctx.engine.connect();
    try {
      return Number(await conn.scalar(countUsers));
    } finally {
      await conn.close();
    }
  };
  const countOn = async (conn: Connection): Promise<number> =>
    Number(await conn.scalar(countUsers));

  it('the test recipe: session commits become savepoints, the outer rollback undoes everything', async () => {
    const conn = await ctx.engine.connect();
    const trans = await conn.begin();
    const TestSession = sessionmaker({ bind: conn, joinTransactionMode: 'create_savepoint' });
    const s = TestSession();
    s.add(new User({ name: 'in-test' }));
    await s.commit();
    s.add(new User({ name: 'second' }));
    await s.commit();
    expect(await countOn(conn)).toBe(2);
    s.add(new User({ name: 'rolled back' }));
    await s.flush();
    await s.rollback();
    expect(await countOn(conn)).toBe(2);
    await s.close();
    expect(conn.closed).toBe(false);
    expect(trans.isActive).toBe(true);
    await trans.rollback();
    await conn.close();
    expect(await committedCount()).toBe(0);
  });

  it('conditional_savepoint (default) on a transaction acts as rollback_only', async () => {
    const conn = await ctx.engine.connect();
    const trans = await conn.begin();
    const s = new Session({ bind: conn });
    s.add(new User({ name: 'a' }));
    await s.commit(); // leaves the outer transaction alone
    expect(trans.isActive).toBe(true);
    expect(await countOn(conn)).toBe(1);
    await s.close();
    expect(trans.isActive).toBe(true);
    const s2 = new Session({ bind: conn });
    s2.add(new User({ name: 'b' }));
    await s2.flush();
    await s2.rollback(); // rolls back the outer transaction
    expect(trans.isActive).toBe(false);
    expect(conn.inTransaction()).toBe(false);
    await s2.close();
    await conn.close();
    expect(await committedCount()).toBe(0);
  });

  it('control_fully commits and rolls back the outer transaction', async () => {
    const conn = await ctx.engine.connect();
    await conn.begin();
    const s = new Session({ bind: conn, joinTransactionMode: 'control_fully' });
    s.add(new User({ name: 'full' }));
    await s.commit();
    expect(conn.inTransaction()).toBe(false);
    await s.close();
    await conn.close();
    expect(await committedCount()).toBe(1);
  });

  it('an external savepoint: conditional_savepoint makes a savepoint of its own', async () => {
    const conn = await ctx.engine.connect();
    const trans = await conn.begin();
    const sp = await conn.beginNested();
    const s = new Session({ bind: conn });
    s.add(new User({ name: 'x' }));
    await s.flush();
    await s.rollback();
    expect(sp.isActive).toBe(true);
    expect(await countOn(conn)).toBe(0);
    await s.close();
    await trans.rollback();
    await conn.close();
  });

  it('no external transaction: the session begins and commits on the connection, which stays open', async () => {
    const conn = await ctx.engine.connect();
    const s = new Session({ bind: conn, joinTransactionMode: 'create_savepoint' });
    s.add(new User({ name: 'own' }));
    await s.commit();
    expect(conn.closed).toBe(false);
    expect(await committedCount()).toBe(1);
    await s.close();
    expect(conn.closed).toBe(false);
    await conn.close();
  });

  it('rejects an unknown mode with SQLAlchemy’s message', () => {
    expect(() => new Session({ joinTransactionMode: 'bogus' as never })).toThrow(
      'invalid selection for join_transaction_mode: "bogus"',
    );
  });
});
