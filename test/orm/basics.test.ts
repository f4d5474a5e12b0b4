import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/engine.js';
import { MetaData, select } from '../../src/sql/index.js';
import { Model, inspect, sessionmaker, type SessionFactory } from '../../src/orm/index.js';
import { allDatabases } from '../helpers/databases.js';
import { engineFor, logStatements, resetTables } from './helpers.js';

const metadata = new MetaData();
const users = metadata.table('orm_basic_users', (t) => ({
  id: t.integer().primaryKey(),
  name: t.text().notNull(),
  age: t.integer(),
}));

class User extends Model(users) {
  get isAdult(): boolean {
    return (this.age ?? 0) >= 18;
  }
}

describe.each(allDatabases())('session basics on $name', (db) => {
  let engine: Engine;
  let Session: SessionFactory;

  beforeAll(async () => {
    if (db.url === undefined) return;
    engine = engineFor(db);
    await resetTables(metadata, engine);
    Session = sessionmaker({ bind: engine });
  });
  afterAll(async () => {
    if (db.url === undefined) return;
    await metadata.dropAll(engine);
    await engine.dispose();
  });

  it.skipIf(db.url === undefined)(
    'creates, gets, updates, queries and deletes as in the seeds',
    async () => {
      const session = Session();
      const john = new User({ name: 'John Doe', age: 30 });
      expect(inspect(john).transient).toBe(true);
      session.add(john);
      expect(inspect(john).pending).toBe(true);
      await session.commit();
      expect(inspect(john).persistent).toBe(true);
      const id = (await session.scalar(
        select(users.c.id).where(users.c.name.eq('John Doe')),
      )) as number;
      const again = await session.get(User, id);
      expect(again).toBe(john);
      expect(again!.isAdult).toBe(true);
      again!.age = 31;
      expect(session.dirty.has(again!)).toBe(true);
      await session.commit();
      const all = await session.query(User).filter(User.c.age.ge(18)).orderBy(User.c.name).all();
      expect(all).toEqual([john]);
      expect(john.age).toBe(31);
      const viaSelect = (await session.scalars(select(User).where(User.c.age.ge(18)))).all();
      expect(viaSelect).toEqual([john]);
      await session.delete(john);
      await session.commit();
      expect(inspect(john).detached).toBe(true);
      expect(await session.get(User, id)).toBeNull();
      await session.close();
    },
  );

  it.skipIf(db.url === undefined)(
    'batches inserts and assigns generated keys in add order',
    async () => {
      const log = logStatements(engine);
      const session = Session();
      const objs = Array.from({ length: 25 }, (_, i) => new User({ name: `u${i}`, age: i }));
      session.addAll(objs);
      await session.flush();
      expect(log.count('INSERT')).toBe(1);
      const ids = objs.map((o) => o.id);
      expect(new Set(ids).size).toBe(25);
      expect([...ids].sort((a, b) => a - b)).toEqual(ids);
      const names = objs.map((o) => o.name);
      await session.commit();
      const rows = (
        await session.execute(
          select(users.c.id, users.c.name).where(users.c.name.like('u%')).orderBy(users.c.id),
        )
      ).all();
      expect(rows.map((r) => r.name)).toEqual(names);
      log.stop();
      await session.close();
    },
  );
});
