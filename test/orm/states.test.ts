import { expect } from 'vitest';
import { ArgumentError, InvalidRequestError } from '../../src/errors.js';
import { MetaData, select } from '../../src/sql/index.js';
import { Model, inspect, makeTransient, objectSession } from '../../src/orm/index.js';
import { describeOrm } from './helpers.js';

const metadata = new MetaData();
const users = metadata.table('orm_states_users', (t) => ({
  id: t.integer().primaryKey(),
  name: t.text().notNull(),
  age: t.integer(),
}));
class User extends Model(users) {}

const states = (o: object) => {
  const s = inspect(o);
  return {
    transient: s.transient,
    pending: s.pending,
    persistent: s.persistent,
    deleted: s.isDeleted,
    detached: s.detached,
  };
};
const only = (name: string) => ({
  transient: name === 'transient',
  pending: name === 'pending',
  persistent: name === 'persistent',
  deleted: name === 'deleted',
  detached: name === 'detached',
});

describeOrm('object states', metadata, (ctx) => {
  const { it } = ctx;
  it('moves transient → pending → persistent → deleted → detached', async () => {
    const s = ctx.Session();
    const u = new User({ name: 'a' });
    expect(states(u)).toEqual(only('transient'));
    s.add(u);
    expect(states(u)).toEqual(only('pending'));
    expect(s.new.has(u)).toBe(true);
    expect(s.contains(u)).toBe(true);
    await s.flush();
    expect(states(u)).toEqual(only('persistent'));
    expect(inspect(u).identity).toEqual([u.id]);
    expect(s.new.size).toBe(0);
    await s.delete(u);
    expect(s.deleted.has(u)).toBe(true);
    expect(states(u)).toEqual(only('persistent'));
    await s.flush();
    expect(states(u)).toEqual(only('deleted'));
    expect(s.contains(u)).toBe(false);
    expect(objectSession(u)).toBe(s);
    await s.commit();
    expect(states(u)).toEqual(only('detached'));
    expect(objectSession(u)).toBeUndefined();
    expect(() => s.add(u)).toThrow(/has been deleted. {2}Use the make_transient\(\) function/);
    makeTransient(u);
    s.add(u);
    await s.commit();
    expect(await s.get(User, u.id)).toBe(u);
    await s.close();
  });

  it('rollback undoes a delete and expunges objects added in the transaction', async () => {
    const s = ctx.Session();
    const kept = new User({ name: 'kept' });
    s.add(kept);
    await s.commit();
    const added = new User({ name: 'added' });
    s.add(added);
    await s.flush();
    const addedId = added.id;
    await s.delete(kept);
    await s.flush();
    expect(states(kept)).toEqual(only('deleted'));
    await s.rollback();
    expect(states(added)).toEqual(only('transient'));
    expect(added.id).toBe(addedId); // values stay, as in SQLAlchemy
    expect(states(kept)).toEqual(only('persistent'));
    expect(s.contains(kept)).toBe(true);
    expect(await s.get(User, addedId)).toBeNull();
    expect((await s.get(User, inspect(kept).identity![0]))!.name).toBe('kept');
    await s.close();
  });

  it('rollback makes transient exactly the flushed new objects still in the session', async () => {
    const s = ctx.Session();
    const batch = [0, 1, 2, 3].map((i) => new User({ name: `b${i}` }));
    s.addAll(batch);
    await s.flush();
    s.expunge(batch[1]!); // flushed, then expunged: detached, untouched by the rollback
    const sp = await s.beginNested();
    const inner = new User({ name: 'inner' });
    s.add(inner);
    await s.flush();
    await sp.commit(); // the savepoint's insert now belongs to the outer transaction
    const late = new User({ name: 'late' });
    s.add(late);
    await s.flush();
    await s.rollback();
    for (const o of [batch[0]!, batch[2]!, batch[3]!, inner, late]) {
      expect(states(o)).toEqual(only('transient'));
    }
    expect(states(batch[1]!)).toEqual(only('detached'));
    expect((await s.scalars(select(User).where(users.c.name.eq('late')))).all()).toEqual([]);
    await s.close();
  });

  it('close detaches every object and keeps loaded values; the session stays usable', async () => {
    const s = ctx.Session({ expireOnCommit: false });
    const u = new User({ name: 'c', age: 3 });
    s.add(u);
    await s.commit();
    await s.close();
    expect(states(u)).toEqual(only('detached'));
    expect(u.name).toBe('c');
    expect(u.age).toBe(3);
    s.add(u); // detached → persistent, no SQL
    expect(states(u)).toEqual(only('persistent'));
    u.age = 4;
    await s.commit();
    await s.close();
    const s2 = ctx.Session();
    expect((await s2.get(User, u.id))!.age).toBe(4);
    await s2.close();
  });

  it('expunge makes pending transient and persistent detached', async () => {
    const s = ctx.Session();
    const p = new User({ name: 'p' });
    s.add(p);
    s.expunge(p);
    expect(states(p)).toEqual(only('transient'));
    const q = new User({ name: 'q' });
    s.add(q);
    await s.flush();
    s.expunge(q);
    expect(states(q)).toEqual(only('detached'));
    expect(() => s.expunge(q)).toThrow(
      /^Instance <User at 0x[0-9a-f]+> is not present in this Session$/,
    );
    s.add(q);
    s.expungeAll();
    expect(states(q)).toEqual(only('detached'));
    await s.close();
  });

  it('refuses misuse with SQLAlchemy messages', async () => {
    const s1 = ctx.Session();
    const s2 = ctx.Session();
    const u = new User({ name: 'x' });
    s1.add(u);
    expect(() => s2.add(u)).toThrow(
      new RegExp(
        `^Object '<User at 0x[0-9a-f]+>' is already attached to session '${s1.hashKey}' \\(this is '${s2.hashKey}'\\)$`,
      ),
    );
    expect(() => s1.add({ name: 'x' })).toThrow(InvalidRequestError);
    expect(() => s1.add({ name: 'x' })).toThrow(/Class 'Object' is not mapped/);
    await expect(s1.delete(new User({ name: 't' }))).rejects.toThrow(
      /^Instance '<User at 0x[0-9a-f]+>' is not persisted$/,
    );
    await expect(s1.get(Object as never, 1)).rejects.toThrow(ArgumentError);
    await expect(s1.get(User, [1, 2])).rejects.toThrow(
      "Incorrect number of values in identifier to formulate primary key for session.get(); primary key columns are 'orm_states_users.id'",
    );
    expect(() => new User({ nope: 1 } as never)).toThrow(
      /'nope' is an invalid keyword argument for User/,
    );
    await s1.flush();
    const other = new User({ id: u.id, name: 'dup' });
    s1.expunge(u);
    s1.add(other as never);
    s1.expunge(other);
    await s1.close();
    await s2.close();
  });

  it('attaching a second object with the same identity is refused', async () => {
    const s = ctx.Session({ expireOnCommit: false });
    const u = new User({ name: 'one' });
    s.add(u);
    await s.commit();
    await s.close();
    const s2 = ctx.Session();
    const loaded = await s2.get(User, u.id);
    expect(loaded).not.toBe(u);
    expect(() => s2.add(u)).toThrow(
      /^Can't attach instance <User at 0x[0-9a-f]+>; another instance with key .* is already present in this session\.$/,
    );
    await s2.close();
  });

  it('a permanently closed session refuses work; reset() keeps it usable', async () => {
    const s = ctx.Session({ closeResetsOnly: false });
    await s.reset();
    s.add(new User({ name: 'r' }));
    await s.commit();
    await s.close();
    expect(() => s.add(new User({ name: 'z' }))).toThrow(
      'This Session has been permanently closed and is unable to handle any more transaction requests.',
    );
    await expect(s.execute(select(users))).rejects.toThrow(/permanently closed/);
  });
});
