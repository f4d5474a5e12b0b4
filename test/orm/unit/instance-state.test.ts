import { describe, expect, it } from 'vitest';
import { DetachedInstanceError, InvalidRequestError } from '../../../src/errors.js';
import {
  InstanceState,
  LoadMark,
  STATE,
  VALUES,
  stateOf,
  type OwnerToken,
  type StateOwner,
  type Stateful,
} from '../../../src/orm/state/instance-state.js';
import { NO_VALUE } from '../../../src/orm/state/sentinels.js';
import { col, fakeMapped, loaded } from './fixtures.js';

const { cls: User, mapper } = fakeMapped('User', 'users', [
  col('id', { primaryKey: true, autoincrement: true }),
  col('name'),
  col('age'),
]);

/** An owner for one state, as a session is: a token per epoch. */
function testOwner(onModified: StateOwner['onModified'] = () => {}): StateOwner & {
  _token: OwnerToken;
} {
  const owner = { hashKey: 1, onModified } as StateOwner & { _token: OwnerToken };
  owner._token = { owner };
  return owner;
}

describe('instance state', () => {
  it('reads and writes attributes through the value array', () => {
    const u = new User({ name: 'Ann' });
    expect(u.name).toBe('Ann');
    expect(u.age).toBeUndefined();
    u.age = 5;
    expect(stateOf(u)!.values).toEqual([undefined, 'Ann', 5]);
  });

  it('records nothing for transient objects and nothing until the first change', () => {
    const u = new User({ name: 'Ann' });
    u.name = 'Bo';
    expect(stateOf(u)!.committed).toBeUndefined();
    const s = loaded(mapper, [1, 'Ann', 30]);
    expect(s.committed).toBeUndefined();
    expect(s.modified).toBe(false);
  });

  it('tracks old values of changed attributes only, and notifies the owner once', () => {
    const s = loaded(mapper, [1, 'Ann', 30]);
    const seen: unknown[] = [];
    const owner = testOwner((st) => seen.push(st));
    s.session = owner;
    const u = s.obj as { age: number; name: string };
    u.age = 31;
    u.age = 32;
    u.name = 'Ann';
    expect(seen).toEqual([s]);
    expect(s.committed).toEqual([NO_VALUE, 'Ann', 30]);
    expect(s.changedIndexes()).toEqual([2]);
    expect(s.history('age')).toMatchObject({ added: [32], deleted: [30], unchanged: [] });
    expect(s.history('name')).toMatchObject({ added: [], unchanged: ['Ann'], hasChanges: false });
  });

  it('a value set back to the original is not a change', () => {
    const s = loaded(mapper, [1, 'Ann', 30]);
    const u = s.obj as { age: number };
    u.age = 31;
    u.age = 30;
    expect(s.modified).toBe(true);
    expect(s.changedIndexes()).toEqual([]);
    expect(s.hasNetChanges).toBe(false);
  });

  it('compares dates, bytes and JSON by value', () => {
    const { mapper: m } = fakeMapped('Doc', 'docs', [
      col('id', { primaryKey: true }),
      col('at'),
      col('data'),
      col('raw'),
    ]);
    const s = loaded(m, [1, new Date(5), { a: [1, { b: 2 }] }, Buffer.from('xy')]);
    const d = s.obj as { at: Date; data: unknown; raw: Uint8Array };
    d.at = new Date(5);
    d.data = { a: [1, { b: 2 }] };
    d.raw = Buffer.from('xy');
    expect(s.changedIndexes()).toEqual([]);
    d.data = { a: [1, { b: 3 }] };
    expect(s.changedIndexes()).toEqual([2]);
  });

  it('expiry keeps the primary key and marks the rest unloaded in place', () => {
    const a = loaded(mapper, [1, 'Ann', 30]);
    const before = a.values;
    (a.obj as { age: number }).age = 3;
    a.expireAll();
    expect(a.values).toBe(before);
    expect(a.modified).toBe(false);
    expect((a.obj as { id: number }).id).toBe(1);
    expect(a.unloaded).toEqual(new Set(['name', 'age']));
    (a.obj as { age: number }).age = 4;
    expect(a.values[2]).toBe(4);
  });

  it('expiring restores the original primary key when it had been changed', () => {
    const a = loaded(mapper, [1, 'Ann', 30]);
    (a.obj as { id: number }).id = 7;
    a.expireAll();
    expect(a.values[0]).toBe(1);
  });

  it('reading an expired attribute names the fix; detached objects get DetachedInstanceError', () => {
    const s = loaded(mapper, [1, 'Ann', 30]);
    s.expireAttributes([2]);
    const u = s.obj as { age: number; name: string };
    expect(u.name).toBe('Ann');
    expect(() => u.age).toThrow(DetachedInstanceError);
    expect(() => u.age).toThrow(/await session\.refresh\(obj\)/);
    s.session = testOwner();
    expect(() => u.age).toThrow(InvalidRequestError);
    expect(() => u.age).toThrow(
      /Attribute 'age' of <User at 0x[0-9a-f]+> is expired.*expireOnCommit: false/,
    );
  });

  it('expiring attributes discards their pending changes', () => {
    const s = loaded(mapper, [1, 'Ann', 30]);
    (s.obj as { age: number }).age = 31;
    s.expireAttributes([2]);
    expect(s.modified).toBe(false);
    s.loadExpired([1, 'Zed', 33]);
    expect((s.obj as { age: number; name: string }).age).toBe(33);
    expect((s.obj as { name: string }).name).toBe('Ann');
  });

  it('keeps the original primary key for the WHERE clause when the key is changed', () => {
    const s = loaded(mapper, [1, 'Ann', 30]);
    (s.obj as { id: number }).id = 9;
    expect(s.identityValues()).toEqual([1]);
    expect(s.changedIndexes()).toEqual([0]);
  });

  it('reports the SQLAlchemy states', () => {
    const u = new User({ name: 'Ann' });
    const s = stateOf(u)!;
    expect([s.transient, s.pending, s.persistent, s.detached]).toEqual([true, false, false, false]);
    s.session = testOwner();
    expect(s.pending).toBe(true);
    s.key = 1;
    expect(s.persistent).toBe(true);
    s.deleted = true;
    expect([s.persistent, s.isDeleted]).toEqual([false, true]);
    s.session = undefined;
    expect(s.detached).toBe(true);
    expect(s.identity).toEqual([undefined]);
  });

  it('describes instances like SQLAlchemy does', () => {
    expect(loaded(mapper, [1, 'a', 1]).describe()).toMatch(/^<User at 0x[0-9a-f]+>$/);
  });

  it('is detached when its owner starts a new epoch, without being visited', () => {
    const s = loaded(mapper, [1, 'Ann', 30]);
    const owner = testOwner();
    s.session = owner;
    expect(s.session).toBe(owner);
    owner._token = { owner };
    expect(s.session).toBeUndefined();
    expect(s.detached).toBe(true);
  });

  it('keeps its pending slot and its flags apart in the one field that holds both', () => {
    const s = loaded(mapper, [1, 'Ann', 30]);
    expect(s.pendingSlot).toBe(-1);
    s.pendingSlot = 2 ** 28 - 2;
    s.modified = true;
    s.deleted = true;
    expect(s.pendingSlot).toBe(2 ** 28 - 2);
    s.pendingSlot = 5;
    expect([s.modified, s.deleted, s.wasDeleted]).toEqual([true, true, false]);
    s.modified = false;
    s.wasDeleted = true;
    expect(s.pendingSlot).toBe(5);
    expect([s.modified, s.deleted, s.wasDeleted]).toEqual([false, true, true]);
    s.pendingSlot = -1;
    expect(s.pendingSlot).toBe(-1);
    expect(s.wasDeleted).toBe(true);
  });

  it('a loaded object gets its state on first need: persistent, clean, keyed by its values', () => {
    const owner = testOwner();
    const mark = new LoadMark(mapper, owner._token);
    const obj = Object.create(mapper.prototype) as Stateful & { name: string; age: number };
    obj[VALUES] = [7, 'Ann', 30];
    obj[STATE] = mark;
    // Reading needs no state.
    expect([obj.name, obj.age]).toEqual(['Ann', 30]);
    expect(obj[STATE]).toBe(mark);
    const s = stateOf(obj)!;
    expect(s).toBeInstanceOf(InstanceState);
    expect(obj[STATE]).toBe(s);
    expect(stateOf(obj)).toBe(s);
    expect([s.key, s.session, s.persistent, s.modified, s.committed]).toEqual([
      7,
      owner,
      true,
      false,
      undefined,
    ]);
    expect(s.values).toBe(obj[VALUES]);
  });

  it('a loaded object whose session started a new epoch gets a detached state', () => {
    const owner = testOwner();
    const obj = Object.create(mapper.prototype) as Stateful & { age: number };
    obj[VALUES] = [8, 'Bob', 40];
    obj[STATE] = new LoadMark(mapper, owner._token);
    owner._token = { owner };
    const s = stateOf(obj)!;
    expect([s.detached, s.key]).toEqual([true, 8]);
  });

  it('the first assignment to a loaded object makes its state and records the change', () => {
    let modified = 0;
    const owner = testOwner(() => {
      modified++;
    });
    const obj = Object.create(mapper.prototype) as Stateful & { age: number };
    obj[VALUES] = [9, 'Cy', 50];
    obj[STATE] = new LoadMark(mapper, owner._token);
    obj.age = 51;
    const s = obj[STATE] as unknown as InstanceState;
    expect(s).toBeInstanceOf(InstanceState);
    expect([s.modified, modified, s.changedIndexes()]).toEqual([true, 1, [2]]);
    expect(s.history('age')).toMatchObject({ added: [51], deleted: [50] });
  });

  it('has no state to give for objects that are not mapped', () => {
    expect(stateOf({})).toBeUndefined();
    expect(stateOf({ [STATE]: 'x' })).toBeUndefined();
    expect(stateOf(null)).toBeUndefined();
    expect(stateOf(3)).toBeUndefined();
  });
});
