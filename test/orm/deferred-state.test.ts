/**
 * Objects a query loads get their instance state only when something needs it (a change, an
 * inspection, an expunge…): until then they hold their values and the load's shared mark.
 * These tests check that such objects behave exactly like objects with a state in every
 * session operation, and that the operations which only read do not make states.
 */
import { inspect as utilInspect } from 'node:util';
import { expect } from 'vitest';
import { MetaData, select } from '../../src/sql/index.js';
import { Model, inspect, makeTransient } from '../../src/orm/index.js';
import { InstanceState, LoadMark, STATE } from '../../src/orm/state/instance-state.js';
import { describeOrm, logStatements } from './helpers.js';

const metadata = new MetaData();
const people = metadata.table('orm_deferred_people', (t) => ({
  id: t.integer().primaryKey(),
  name: t.text().notNull(),
  age: t.integer(),
}));
const pairs = metadata.table('orm_deferred_pairs', (t) => ({
  a: t.integer().primaryKey(),
  b: t.varchar(20).primaryKey(),
  note: t.text(),
}));
class Person extends Model(people) {}
class Pair extends Model(pairs) {}

/** True when the object has no instance state yet (only its load's mark). */
function deferred(obj: object): boolean {
  const slot = (obj as { [STATE]: unknown })[STATE];
  if (slot instanceof LoadMark) return true;
  expect(slot).toBeInstanceOf(InstanceState);
  return false;
}

describeOrm('instance state made on first need', metadata, (ctx) => {
  const { it } = ctx;
  const seed = async (): Promise<void> => {
    const s = ctx.Session();
    s.addAll([
      new Person({ name: 'ann', age: 30 }),
      new Person({ name: 'bob', age: 40 }),
      new Person({ name: 'cy', age: 50 }),
    ]);
    s.addAll([
      new Pair({ a: 1, b: 'x', note: 'first' }),
      new Pair({ a: 1, b: 'y', note: 'second' }),
    ]);
    await s.commit();
    await s.close();
  };
  const loadPeople = async (s: ReturnType<typeof ctx.Session>): Promise<Person[]> =>
    (await s.scalars(select(Person).orderBy(Person.c.id))).all();

  it('reading, serializing, get() hits, commit and reloading make no state', async () => {
    await seed();
    const s = ctx.Session();
    const [ann, bob] = await loadPeople(s);
    expect([ann!.name, ann!.age, bob!.name]).toEqual(['ann', 30, 'bob']);
    expect(JSON.parse(JSON.stringify(ann))).toEqual({ id: ann!.id, name: 'ann', age: 30 });
    expect(utilInspect(ann)).toBe(`Person { id: ${ann!.id}, name: 'ann', age: 30 }`);
    expect(await s.get(Person, ann!.id)).toBe(ann);
    await s.commit();
    expect(ann!.id).toBeTypeOf('number');
    expect(JSON.parse(JSON.stringify(ann))).toEqual({ id: ann!.id });
    // A query fills the expired values of the object it already has.
    const again = await loadPeople(s);
    expect(again[0]).toBe(ann);
    expect(ann!.name).toBe('ann');
    const reloaded = (
      await s.scalars(select(Person).executionOptions({ populateExisting: true }))
    ).all();
    expect(reloaded.includes(bob!)).toBe(true);
    expect([deferred(ann!), deferred(bob!)]).toEqual([true, true]);
    // Reading an expired attribute is an error that describes the object (with its state).
    s.expireAll();
    expect(() => bob!.name).toThrow(/Attribute 'name' of <Person at 0x[0-9a-f]+> is expired/);
    await s.close();
  });

  it('inspection sees a loaded object as persistent, then detached once the session closes', async () => {
    await seed();
    const s = ctx.Session();
    const [ann] = await loadPeople(s);
    expect(deferred(ann!)).toBe(true);
    const state = inspect(ann!);
    expect(deferred(ann!)).toBe(false);
    expect([state.persistent, state.modified, state.hasExpired]).toEqual([true, false, false]);
    expect(state.identity).toEqual([ann!.id]);
    expect(s.contains(ann!)).toBe(true);
    const [, bob] = await loadPeople(s);
    await s.close();
    expect(deferred(bob!)).toBe(true);
    expect(inspect(bob!).detached).toBe(true);
    expect(inspect(bob!).identity).toEqual([bob!.id]);
    expect(state.detached).toBe(true);
  });

  it('the first change makes the state with the loaded key, and the change is flushed', async () => {
    await seed();
    const s = ctx.Session();
    const [ann, bob] = await loadPeople(s);
    ann!.age = 31;
    expect(deferred(ann!)).toBe(false);
    expect(deferred(bob!)).toBe(true);
    expect(inspect(ann!).history('age')).toMatchObject({ added: [31], deleted: [30] });
    expect(s.dirty.has(ann!)).toBe(true);
    const log = logStatements(ctx.engine);
    await s.commit();
    expect(log.count('UPDATE')).toBe(1);
    log.stop();
    expect(await s.get(Person, ann!.id)).toBe(ann);
    expect(ann!.age).toBe(31);
    await s.close();
    const check = ctx.Session();
    expect((await check.get(Person, ann!.id))!.age).toBe(31);
    expect((await check.get(Person, bob!.id))!.age).toBe(40);
    await check.close();
  });

  it('delete, expunge, refresh and expire work on objects that had no state', async () => {
    await seed();
    const s = ctx.Session();
    const [ann, bob, cy] = await loadPeople(s);
    await s.delete(ann!);
    s.expunge(bob!);
    expect(inspect(bob!).detached).toBe(true);
    expect(s.contains(bob!)).toBe(false);
    s.expire(cy!);
    expect(() => cy!.age).toThrow(/is expired/);
    await s.refresh(cy!);
    expect(cy!.age).toBe(50);
    await s.commit();
    expect(inspect(ann!).wasDeleted).toBe(true);
    expect(await s.get(Person, ann!.id)).toBeNull();
    // The expunged object is not the session's any more: a get loads a new one.
    const bobAgain = await s.get(Person, bob!.id);
    expect(bobAgain).not.toBe(bob);
    expect(bobAgain!.name).toBe('bob');
    await s.close();
  });

  it('an object loaded by a closed session can be added to, merged into and made transient for another', async () => {
    await seed();
    const first = ctx.Session();
    const [ann, bob, cy] = await loadPeople(first);
    await first.close();
    const second = ctx.Session();
    const log = logStatements(ctx.engine);
    second.add(ann!);
    expect(log.statements).toEqual([]);
    expect(inspect(ann!).persistent).toBe(true);
    expect(await second.get(Person, ann!.id)).toBe(ann);
    const merged = await second.merge(bob!);
    expect(merged).not.toBe(bob);
    expect((merged as Person).name).toBe('bob');
    log.stop();
    makeTransient(cy!);
    expect(inspect(cy!).transient).toBe(true);
    cy!.id = 1000;
    second.add(cy!);
    await second.commit();
    const rows = await loadPeople(second);
    expect(rows.map((p) => p.name)).toEqual(['ann', 'bob', 'cy', 'cy']);
    await second.close();
  });

  it('composite keys: get() by the key finds the loaded object; expunge and delete find its entry', async () => {
    await seed();
    const s = ctx.Session();
    const [x, y] = (await s.scalars(select(Pair).orderBy(Pair.c.b))).all();
    expect(deferred(x!)).toBe(true);
    expect(await s.get(Pair, [1, 'x'])).toBe(x);
    expect(await s.get(Pair, { a: 1, b: 'y' })).toBe(y);
    expect(inspect(y!).identity).toEqual([1, 'y']);
    s.expunge(x!);
    const fresh = await s.get(Pair, [1, 'x']);
    expect(fresh).not.toBe(x);
    await s.delete(y!);
    await s.commit();
    expect(await s.get(Pair, [1, 'y'])).toBeNull();
    await s.close();
  });

  it('bulk updates synchronize loaded objects, with or without a state', async () => {
    await seed();
    const s = ctx.Session();
    const [ann, bob] = await loadPeople(s);
    ann!.name = 'ann2';
    await s.flush();
    expect([deferred(ann!), deferred(bob!)]).toEqual([false, true]);
    const changed = await s
      .query(Person)
      .filter(Person.c.age.ge(30))
      .update({ age: Person.c.age.add(1) }, { synchronizeSession: 'evaluate' });
    expect(changed).toBe(3);
    expect([ann!.age, bob!.age]).toEqual([31, 41]);
    expect(inspect(bob!).modified).toBe(false);
    await s.commit();
    await s.close();
  });
});
