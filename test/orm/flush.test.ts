import { expect } from 'vitest';
import { ArgumentError, StaleDataError } from '../../src/errors.js';
import { MetaData, select, type AnyColumn } from '../../src/sql/index.js';
import { Model, inspect } from '../../src/orm/index.js';
import { describeOrm, logStatements, statementVerb } from './helpers.js';

const metadata = new MetaData();
const users = metadata.table('orm_flush_users', (t) => ({
  id: t.integer().primaryKey(),
  name: t.text().notNull(),
  age: t.integer(),
  active: t.boolean().notNull().default(true),
  note: t.varchar(50).serverDefault("'none'"),
}));
const addresses = metadata.table('orm_flush_addresses', (t) => ({
  id: t.integer().primaryKey(),
  userId: t
    .integer('user_id')
    .notNull()
    .references(() => users.c.id),
  email: t.text().notNull(),
}));
const nodes = metadata.table('orm_flush_nodes', (t) => ({
  id: t.integer().primaryKey({ autoincrement: false }),
  parentId: t.integer('parent_id').references((): AnyColumn => nodes.c.id),
  label: t.text(),
}));
const pairs = metadata.table(
  'orm_flush_pairs',
  (t) => ({
    a: t.integer().notNull(),
    b: t.varchar(20).notNull(),
    v: t.integer(),
  }),
  (c, t) => [t.primaryKey([c.a, c.b])],
);
const docs = metadata.table('orm_flush_docs', (t) => ({
  id: t.integer().primaryKey(),
  body: t.text(),
  version: t.integer().notNull(),
}));

class User extends Model(users) {}
class Address extends Model(addresses) {}
class Node extends Model(nodes) {}
class Pair extends Model(pairs) {}
class Doc extends Model(docs, { versionId: 'version' }) {}

describeOrm('flush', metadata, (ctx) => {
  const { it } = ctx;

  it('refuses an attribute set to undefined at flush, naming the attribute and the fix', async () => {
    const s = ctx.Session({ expireOnCommit: false });
    const u = new User({ name: 'a', age: 1 });
    s.add(u);
    await s.commit();
    u.age = undefined as unknown as number;
    const err = await s.flush().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ArgumentError);
    expect((err as Error).message).toMatch(/Value of User\.age is undefined .*assign null/);
    await s.rollback();
    u.age = null;
    await s.commit();
    const [age] = await ctx.engine.begin(async (conn) =>
      (await conn.execute(select(users.c.age).where(users.c.id.eq(u.id)))).scalars().all(),
    );
    expect(age).toBeNull();
    await s.close();
  });

  it('updates only the changed columns, and nothing for unchanged objects', async () => {
    const s = ctx.Session({ expireOnCommit: false });
    const u = new User({ name: 'a', age: 1 });
    s.add(u);
    await s.commit();
    const log = logStatements(ctx.engine);
    u.age = 2;
    await s.flush();
    expect(log.statements.filter((x) => x.startsWith('UPDATE'))).toHaveLength(1);
    const update = log.statements.find((x) => x.startsWith('UPDATE'))!;
    expect(update).toMatch(/SET "?age"?\s*=/i);
    expect(update).not.toMatch(/name/);
    log.clear();
    u.name = 'a'; // same value: no net change
    await s.flush();
    expect(log.count('UPDATE')).toBe(0);
    expect(s.isModified(u)).toBe(false);
    log.stop();
    await s.close();
  });

  it('an UPDATE that writes the value the row already has is not stale', async () => {
    const s = ctx.Session({ expireOnCommit: false });
    const u = new User({ name: 'same', age: 1 });
    s.add(u);
    await s.commit();
    const other = ctx.Session();
    (await other.get(User, u.id))!.age = 5;
    await other.commit();
    await other.close();
    u.age = 5; // the row already holds 5: MySQL must report matched rows, not changed rows
    await s.commit();
    await s.close();
  });

  it('fills client defaults and reads back server defaults', async () => {
    const s = ctx.Session({ expireOnCommit: false });
    const u = new User({ name: 'd' });
    s.add(u);
    await s.flush();
    expect(u.active).toBe(true);
    expect(u.note).toBe('none');
    await s.close();
  });

  it('inserts parents before children and deletes children before parents, in batches', async () => {
    const s = ctx.Session({ expireOnCommit: false });
    const us = Array.from({ length: 3 }, (_, i) => new User({ id: 100 + i, name: `p${i}` }));
    const as = us.flatMap((u, i) => [
      new Address({ userId: u.id, email: `a${i}@x` }),
      new Address({ userId: u.id, email: `b${i}@x` }),
    ]);
    const log = logStatements(ctx.engine);
    s.addAll([...as, ...us]); // children first on purpose
    await s.flush();
    const inserts = log.statements.filter((x) => statementVerb(x) === 'INSERT');
    expect(inserts).toHaveLength(2);
    expect(inserts[0]).toContain('orm_flush_users');
    expect(inserts[1]).toContain('orm_flush_addresses');
    log.clear();
    for (const o of [...us, ...as]) await s.delete(o);
    await s.flush();
    const deletes = log.statements.filter((x) => x.startsWith('DELETE'));
    expect(deletes).toHaveLength(2);
    expect(deletes[0]).toContain('orm_flush_addresses');
    expect(deletes[1]).toContain('orm_flush_users');
    log.stop();
    await s.commit();
  });

  it('groups updates by changed columns into one statement each', async () => {
    const s = ctx.Session({ expireOnCommit: false });
    const objs = Array.from({ length: 10 }, (_, i) => new User({ name: `g${i}`, age: i }));
    s.addAll(objs);
    await s.commit();
    const log = logStatements(ctx.engine);
    objs.forEach((o, i) => {
      if (i % 2 === 0) o.age = (o.age ?? 0) + 100;
      else o.name = `${o.name}!`;
    });
    await s.flush();
    // one statement per set of changed columns (CASE-batched), not one per row
    expect(log.count('UPDATE')).toBe(2);
    await s.commit();
    const ages = (
      await s.execute(select(users.c.age).where(users.c.name.like('g%')).orderBy(users.c.id))
    )
      .scalars()
      .all();
    expect(ages).toEqual([100, 1, 102, 3, 104, 5, 106, 7, 108, 9]);
    log.stop();
    await s.close();
  });

  it('deletes many rows of one table with one statement', async () => {
    const s = ctx.Session();
    s.addAll(Array.from({ length: 30 }, (_, i) => new User({ name: `del${i}` })));
    await s.commit();
    const all = (await s.scalars(select(User).where(User.c.name.like('del%')))).all();
    const log = logStatements(ctx.engine);
    for (const u of all) await s.delete(u);
    await s.commit();
    expect(log.count('DELETE')).toBe(1);
    log.stop();
    await s.close();
  });

  it('orders rows of a self-referencing table parents first', async () => {
    const s = ctx.Session();
    s.add(new Node({ id: 3, parentId: 2 }));
    s.add(new Node({ id: 2, parentId: 1 }));
    s.add(new Node({ id: 1, parentId: null }));
    await s.commit();
    const all = (await s.scalars(select(Node).orderBy(Node.c.id))).all();
    for (const n of all) await s.delete(n);
    await s.commit();
    expect(await s.scalar(select(nodes.c.id))).toBeNull();
    await s.close();
  });

  it('handles composite primary keys: get, update, delete', async () => {
    const s = ctx.Session({ expireOnCommit: false });
    s.addAll([new Pair({ a: 1, b: 'x', v: 1 }), new Pair({ a: 1, b: 'y', v: 2 })]);
    await s.commit();
    await s.close();
    const s2 = ctx.Session();
    const p = await s2.get(Pair, [1, 'y']);
    expect(p!.v).toBe(2);
    expect(await s2.get(Pair, { a: 1, b: 'y' })).toBe(p);
    p!.v = 5;
    await s2.flush();
    await s2.delete((await s2.get(Pair, [1, 'x']))!);
    await s2.commit();
    const rows = (await s2.execute(select(pairs.c.b, pairs.c.v))).all();
    expect(rows.map((r) => [r.b, r.v])).toEqual([['y', 5]]);
    await s2.close();
  });

  it('a changed primary key updates the row and the identity map', async () => {
    const s = ctx.Session({ expireOnCommit: false });
    const n = new Node({ id: 50, label: 'x' });
    s.add(n);
    await s.flush();
    n.id = 51;
    await s.flush();
    expect(await s.get(Node, 51)).toBe(n);
    expect(inspect(n).identity).toEqual([51]);
    await s.rollback();
    await s.close();
  });

  it('versionId: counts versions and detects a concurrent change (StaleDataError)', async () => {
    const s1 = ctx.Session({ expireOnCommit: false });
    const a = new Doc({ id: 1, body: 'a' });
    s1.add(a);
    await s1.commit();
    expect(a.version).toBe(1);
    // s2 loads version 1 in a transaction that ends (SQLite would refuse a write from a
    // transaction whose read snapshot is stale, before the ORM could check anything).
    const s2 = ctx.Session({ expireOnCommit: false });
    const b = (await s2.get(Doc, 1))!;
    await s2.commit();
    a.body = 'from s1';
    await s1.commit();
    expect(a.version).toBe(2);
    b.body = 'from s2';
    await expect(s2.commit()).rejects.toThrow(
      new StaleDataError(
        "UPDATE statement on table 'orm_flush_docs' expected to update 1 row(s); 0 were matched.",
      ),
    );
    await s2.rollback();
    const fresh = (await s2.get(Doc, 1))!;
    expect([fresh.body, fresh.version]).toEqual(['from s1', 2]);
    await s2.commit();
    await s2.delete(fresh);
    await s2.commit();
    await s1.delete(a);
    await expect(s1.commit()).rejects.toThrow(
      "DELETE statement on table 'orm_flush_docs' expected to delete 1 row(s); 0 were matched.",
    );
    await s1.close();
    await s2.close();
  });

  it('a DELETE that matches no row only warns when the class is not versioned', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error): void => {
      warnings.push(w.message);
    };
    process.on('warning', onWarning);
    try {
      const s = ctx.Session({ expireOnCommit: false });
      const u = new User({ name: 'twice' });
      s.add(u);
      await s.flush();
      await s.delete(u);
      await s.flush();
      await s.delete(u); // deleted again after the flush: sent again, matches nothing
      await s.commit();
      await new Promise((r) => setImmediate(r));
      expect(warnings).toContain(
        "DELETE statement on table 'orm_flush_users' expected to delete 1 row(s); 0 were matched.  Please set confirmDeletedRows: false in the Model options to prevent this warning.",
      );
      await s.close();
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('a NULL primary key after INSERT is a FlushError', async () => {
    const s = ctx.Session();
    s.add(new Pair({ a: 1, v: 1 } as never));
    await expect(s.flush()).rejects.toThrow();
    await s.rollback();
    await s.close();
  });
});
