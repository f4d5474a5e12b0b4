import { expect } from 'vitest';
import { InvalidRequestError, NoResultFound, StaleDataError } from '../../src/errors.js';
import { MetaData, select } from '../../src/sql/index.js';
import { Model, inspect } from '../../src/orm/index.js';
import { describeOrm, logStatements } from './helpers.js';

const metadata = new MetaData();
const users = metadata.table('orm_ident_users', (t) => ({
  id: t.integer().primaryKey(),
  name: t.text().notNull(),
  age: t.integer(),
}));
const docs = metadata.table('orm_ident_docs', (t) => ({
  id: t.integer().primaryKey(),
  body: t.text(),
  version: t.integer().notNull(),
}));
class User extends Model(users) {}
class Doc extends Model(docs, { versionId: 'version' }) {}

describeOrm('identity map, get, refresh, expire, merge', metadata, (ctx) => {
  const { it } = ctx;
  const seed = async (): Promise<number> => {
    const s = ctx.Session();
    const u = new User({ name: 'ann', age: 30 });
    s.add(u);
    await s.commit();
    await s.close();
    return u.id;
  };

  it('one object per row: get and queries return the same object, get hits need no SQL', async () => {
    const id = await seed();
    const s = ctx.Session();
    const log = logStatements(ctx.engine);
    const a = await s.get(User, id);
    expect(log.count('SELECT')).toBe(1);
    const b = await s.get(User, id);
    expect(b).toBe(a);
    expect(log.count('SELECT')).toBe(1);
    const c = (await s.scalars(select(User))).one();
    expect(c).toBe(a);
    s.expireAll();
    const d = await s.get(User, id);
    expect(d).toBe(a);
    expect(log.count('SELECT')).toBe(3);
    expect(a!.age).toBe(30);
    expect(await s.get(User, 999)).toBeNull();
    await expect(s.getOne(User, 999)).rejects.toThrow(
      new NoResultFound('No row was found when one was required'),
    );
    log.stop();
    await s.close();
  });

  it('an expired object whose row is gone: get() returns null and a rollback brings it back', async () => {
    const id = await seed();
    const s = ctx.Session();
    const u = (await s.get(User, id))!;
    await s.commit();
    const other = ctx.Session();
    await other.delete((await other.get(User, id))!);
    await other.commit();
    await other.close();
    expect(await s.get(User, id)).toBeNull();
    expect(inspect(u).isDeleted).toBe(true);
    await s.rollback();
    expect(inspect(u).persistent).toBe(true);
    await s.close();
  });

  it('refresh reloads all or some attributes, discarding changes', async () => {
    const id = await seed();
    const s = ctx.Session();
    const u = (await s.get(User, id))!;
    await s.noAutoflush(async () => {
      u.age = 99;
      u.name = 'zed';
      await s.refresh(u, ['age']);
      expect(u.age).toBe(30);
      expect(u.name).toBe('zed');
      await s.refresh(u);
      expect(u.name).toBe('ann');
      expect(s.isModified(u)).toBe(false);
    });
    u.age = 50;
    await s.refresh(u); // autoflushes first, as SQLAlchemy's refresh does
    expect(u.age).toBe(50);
    await s.rollback();
    await expect(s.refresh(new User({ name: 'x' }))).rejects.toThrow(
      /^Instance '<User at 0x[0-9a-f]+>' is not persistent within this Session$/,
    );
    await s.close();
  });

  it('expire(obj, attrs) discards changes to those attributes; expire on pending raises', async () => {
    const id = await seed();
    const s = ctx.Session();
    const u = (await s.get(User, id))!;
    u.age = 1;
    s.expire(u, ['age']);
    expect(s.dirty.size).toBe(0);
    expect(() => u.age).toThrow(/expired/);
    expect(u.name).toBe('ann');
    await s.get(User, id);
    expect(u.age).toBe(30);
    expect(() => s.expire(new User({ name: 'p' }))).toThrow(InvalidRequestError);
    s.expungeAll();
    expect(() => s.expire(u)).toThrow(/is not persistent within this Session/);
    await s.close();
  });

  it('attribute history and isModified track changed columns only', async () => {
    const id = await seed();
    const s = ctx.Session();
    const u = (await s.get(User, id))!;
    expect(inspect(u).modified).toBe(false);
    u.age = 31;
    expect(inspect(u).history('age')).toEqual({
      added: [31],
      unchanged: [],
      deleted: [30],
      hasChanges: true,
    });
    expect(inspect(u).history('name').hasChanges).toBe(false);
    expect(s.isModified(u)).toBe(true);
    u.age = 30;
    expect(s.isModified(u)).toBe(false);
    expect(s.dirty.has(u)).toBe(true); // dirty is optimistic, as in SQLAlchemy
    await s.close();
  });

  it('merge copies state onto the session’s instance and returns it; the input stays untouched', async () => {
    const id = await seed();
    const s = ctx.Session({ expireOnCommit: false });
    const detached = (await s.get(User, id))!;
    await s.close();
    detached.age = 41;
    const s2 = ctx.Session();
    const merged = await s2.merge(detached);
    expect(merged).not.toBe(detached);
    expect(merged.age).toBe(41);
    expect(inspect(detached).detached).toBe(true);
    expect(s2.isModified(merged)).toBe(true);
    const brandNew = await s2.merge(new User({ name: 'new' }));
    expect(inspect(brandNew).pending).toBe(true);
    await s2.commit();
    const s3 = ctx.Session();
    expect((await s3.get(User, id))!.age).toBe(41);
    const clean = await s3.get(User, id);
    await s3.commit();
    await s3.close();
    const s4 = ctx.Session();
    const noLoad = await s4.merge(clean!, { load: false });
    expect(inspect(noLoad).persistent).toBe(true);
    await expect(s4.merge(new User({ name: 't' }), { load: false })).rejects.toThrow(
      /merge\(\) with load=False option does not support objects transient/,
    );
    await s4.close();
    await s2.close();
  });

  it('merge of a stale version raises StaleDataError', async () => {
    const s = ctx.Session({ expireOnCommit: false });
    const d = new Doc({ id: 1, body: 'a' });
    s.add(d);
    await s.commit();
    await s.close();
    const s2 = ctx.Session();
    const current = (await s2.get(Doc, 1))!;
    current.body = 'b';
    await s2.commit();
    await expect(s2.merge(d)).rejects.toThrow(
      new StaleDataError(
        `Version id '1' on merged state ${inspect(d).describe()} does not match existing version '2'. Leave the version attribute unset when merging to update the most recent version.`,
      ),
    );
    await s2.close();
  });
});
