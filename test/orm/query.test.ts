import { expect } from 'vitest';
import { MultipleResultsFound, NoResultFound } from '../../src/errors.js';
import { MetaData, func, select } from '../../src/sql/index.js';
import { Model, inspect } from '../../src/orm/index.js';
import { describeOrm } from './helpers.js';

const metadata = new MetaData();
const users = metadata.table('orm_query_users', (t) => ({
  id: t.integer().primaryKey(),
  name: t.text().notNull(),
  age: t.integer(),
}));
const addresses = metadata.table('orm_query_addresses', (t) => ({
  id: t.integer().primaryKey(),
  userId: t
    .integer('user_id')
    .notNull()
    .references(() => users.c.id),
  email: t.text().notNull(),
}));
class User extends Model(users) {}
class Address extends Model(addresses) {}

describeOrm('queries', metadata, (ctx) => {
  const { it } = ctx;
  const seed = async (): Promise<void> => {
    const s = ctx.Session({ expireOnCommit: false });
    const people = [
      new User({ id: 1, name: 'ann', age: 30 }),
      new User({ id: 2, name: 'bob', age: 12 }),
      new User({ id: 3, name: 'cy', age: 45 }),
      new User({ id: 4, name: 'dee', age: null }),
    ];
    s.addAll(people);
    s.addAll([
      new Address({ userId: 1, email: 'ann@a' }),
      new Address({ userId: 1, email: 'ann@b' }),
      new Address({ userId: 3, email: 'cy@a' }),
    ]);
    await s.commit();
    await s.close();
  };

  it('legacy Query: filter, filterBy, orderBy, limit, offset, all, first, one, oneOrNone, count, get', async () => {
    await seed();
    const s = ctx.Session();
    const adults = await s.query(User).filter(User.c.age.ge(18)).orderBy(User.c.name).all();
    expect(adults.map((u) => u.name)).toEqual(['ann', 'cy']);
    expect((await s.query(User).filterBy({ name: 'bob' }).one()).age).toBe(12);
    expect(await s.query(User).filterBy({ age: null }).count()).toBe(1);
    expect(await s.query(User).count()).toBe(4);
    const page = await s.query(User).orderBy(User.c.id).limit(2).offset(1).all();
    expect(page.map((u) => u.id)).toEqual([2, 3]);
    expect((await s.query(User).orderBy(User.c.id.desc()).first())!.id).toBe(4);
    expect(await s.query(User).filterBy({ name: 'nobody' }).first()).toBeNull();
    expect(await s.query(User).filterBy({ name: 'nobody' }).oneOrNone()).toBeNull();
    await expect(s.query(User).filterBy({ name: 'nobody' }).one()).rejects.toThrow(NoResultFound);
    await expect(s.query(User).one()).rejects.toThrow(MultipleResultsFound);
    await expect(s.query(User).oneOrNone()).rejects.toThrow(MultipleResultsFound);
    expect(await s.query(User).get(3)).toBe(adults[1]);
    const names = await s.query(User.c.name, User.c.age).orderBy(User.c.id).all();
    expect(names.map((r) => [r[0], r[1]])).toEqual([
      ['ann', 30],
      ['bob', 12],
      ['cy', 45],
      ['dee', null],
    ]);
    expect(() => s.query(User).filterBy({ nope: 1 })).toThrow(/has no property "nope"/);
    await s.close();
  });

  it('legacy Query: join returns each entity once; several entities come as rows', async () => {
    await seed();
    const s = ctx.Session();
    const withMail = await s.query(User).join(Address).orderBy(User.c.id).all();
    expect(withMail.map((u) => u.id)).toEqual([1, 3]);
    const pairs = await s.query(User, Address).join(Address).orderBy(Address.c.id).all();
    expect(pairs.map(([u, a]) => [u.name, a.email])).toEqual([
      ['ann', 'ann@a'],
      ['ann', 'ann@b'],
      ['cy', 'cy@a'],
    ]);
    expect(pairs[0]![0]).toBe(pairs[1]![0]);
    let streamed = 0;
    for await (const u of s.query(User).yieldPer(2)) {
      expect(u).toBeInstanceOf(User);
      streamed++;
    }
    expect(streamed).toBe(4);
    await s.close();
  });

  it('2.0 style: select(User) gives objects, several entities and columns give rows', async () => {
    await seed();
    const s = ctx.Session();
    const users1 = (
      await s.scalars(select(User).where(User.c.age.ge(18)).orderBy(User.c.id))
    ).all();
    expect(users1.map((u) => u.name)).toEqual(['ann', 'cy']);
    expect(users1[0]).toBeInstanceOf(User);
    const rows = (await s.execute(select(User, Address).join(Address).orderBy(Address.c.id))).all();
    expect(rows).toHaveLength(3);
    expect(rows[0]![0]).toBe(users1[0]);
    expect(rows[0]![1]).toBeInstanceOf(Address);
    const mixed = (
      await s.execute(select(User, Address.c.email).join(Address).orderBy(Address.c.id))
    ).all();
    expect(mixed.map((r) => [(r[0] as User).name, r[1]])).toEqual([
      ['ann', 'ann@a'],
      ['ann', 'ann@b'],
      ['cy', 'cy@a'],
    ]);
    const counts = (
      await s.execute(
        select(users.c.name, func.count(addresses.c.id).label('n'))
          .join(addresses)
          .groupBy(users.c.name)
          .orderBy(users.c.name),
      )
    ).all();
    expect(counts.map((r) => [r.name, Number(r.n)])).toEqual([
      ['ann', 2],
      ['cy', 1],
    ]);
    expect(await s.scalar(select(User).where(User.c.id.eq(2)))).toBe(await s.get(User, 2));
    await s.close();
  });

  it('a loaded object keeps its in-memory changes; populateExisting overwrites them', async () => {
    await seed();
    const s = ctx.Session();
    const ann = (await s.get(User, 1))!;
    ann.name = 'changed';
    await s.noAutoflush(async () => {
      const again = (await s.scalars(select(User).where(User.c.id.eq(1)))).one();
      expect(again).toBe(ann);
      expect(ann.name).toBe('changed');
      await s.scalars(
        select(User).where(User.c.id.eq(1)).executionOptions({ populateExisting: true }),
      );
      expect(ann.name).toBe('ann');
      expect(inspect(ann).modified).toBe(false);
      ann.name = 'again';
      await s.query(User).filterBy({ id: 1 }).populateExisting().all();
      expect(ann.name).toBe('ann');
    });
    await s.close();
  });

  it('bulk delete and update with synchronizeSession strategies', async () => {
    await seed();
    const s = ctx.Session();
    const all = (await s.scalars(select(User).orderBy(User.c.id))).all();
    const [ann, bob, cy, dee] = all as [User, User, User, User];
    expect(await s.query(User).filter(User.c.age.lt(18)).delete()).toBe(1); // 'auto' → evaluate
    expect(inspect(bob).isDeleted).toBe(true);
    expect(s.contains(bob)).toBe(false);
    expect(
      await s
        .query(User)
        .filter(User.c.age.ge(40))
        .update({ name: 'old cy' }, { synchronizeSession: 'evaluate' }),
    ).toBe(1);
    expect(cy.name).toBe('old cy');
    expect(inspect(cy).modified).toBe(false);
    // LIKE cannot be evaluated in JS: 'auto' fetches the matching keys, then evaluates the SET
    await s
      .query(User)
      .filter(User.c.name.like('ann%'))
      .update({ age: User.c.age.add(1) });
    expect(ann.age).toBe(31);
    await s
      .query(User)
      .filter(User.c.name.like('ann%'))
      .update({ age: func.abs(User.c.age) });
    expect(() => ann.age).toThrow(/expired/); // a function: expired instead
    await s.refresh(ann);
    expect(ann.age).toBe(31);
    await s
      .query(User)
      .filter(User.c.id.eq(3))
      .update({ age: User.c.age.add(10) }, { synchronizeSession: 'evaluate' });
    expect(cy.age).toBe(55);
    await s
      .query(User)
      .filter(User.c.id.eq(4))
      .update({ name: 'ignored in memory' }, { synchronizeSession: false });
    expect(dee.name).toBe('dee');
    await s.query(User).filterBy({ id: 4 }).delete({ synchronizeSession: 'fetch' });
    expect(inspect(dee).isDeleted).toBe(true);
    await expect(
      s.query(User).filter(User.c.name.like('x%')).delete({ synchronizeSession: 'evaluate' }),
    ).rejects.toThrow(/Could not evaluate current criteria/);
    await expect(s.query(User).limit(1).delete()).rejects.toThrow(
      "Can't call Query.delete() when limit() has been called",
    );
    await s.rollback();
    expect(inspect(bob).persistent).toBe(true);
    await s.commit();
    expect(await s.query(User).count()).toBe(4);
    await s.close();
  });
});
