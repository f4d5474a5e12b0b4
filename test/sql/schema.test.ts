import { describe, expect, it } from 'vitest';
import {
  MetaData,
  deleteFrom,
  insert,
  select,
  update,
  type AnyColumn,
} from '../../src/sql/index.js';
import { addresses, odd, users } from './fixtures.js';
import { compileFor } from './helpers.js';

describe('metadata.table()', () => {
  it('keeps columns in order with property keys and SQL names', () => {
    expect(users.columns.map((c) => [c.key, c.name])).toEqual([
      ['id', 'id'],
      ['name', 'name'],
      ['age', 'age'],
      ['active', 'active'],
      ['lastLogin', 'last_login'],
    ]);
    expect(users.c.lastLogin.table).toBe(users);
    expect(users.primaryKey).toEqual([users.c.id]);
    expect(String(users.c.lastLogin)).toBe('users.last_login');
    expect(users.columnByName('last_login')).toBe(users.c.lastLogin);
  });

  it('records nullability, defaults and autoincrement', () => {
    expect(users.c.id).toMatchObject({
      primaryKey: true,
      nullable: false,
      autoincrement: true,
      hasInsertDefault: true,
    });
    expect(users.c.name).toMatchObject({
      nullable: false,
      autoincrement: false,
      hasInsertDefault: false,
    });
    expect(users.c.age.nullable).toBe(true);
    expect(users.c.active.default).toEqual({ value: true });
    expect(users.c.active.hasInsertDefault).toBe(true);
  });

  it('keeps column collections free of prototype names', () => {
    expect(Object.getPrototypeOf(odd.c)).toBeNull();
    expect(Object.keys(odd.c)).toEqual([
      'constructor',
      'name',
      'length',
      'select',
      'toString',
      'mixedCase',
    ]);
    expect(odd.c.constructor.name).toBe('constructor');
    expect(odd.c.toString.name).toBe('to_string');
    expect(odd.c.length.type.kind).toBe('integer');
    expect('hasOwnProperty' in odd.c).toBe(false);
  });

  it('resolves foreign keys lazily, in any declaration order', () => {
    const md = new MetaData();
    const child = md.table('child', (t) => ({
      id: t.integer().primaryKey(),
      parentId: t.integer('parent_id').references(() => parent.c.id, { onDelete: 'SET NULL' }),
    }));
    const parent = md.table('parent', (t) => ({
      id: t.integer().primaryKey(),
      parentId: t.integer('parent_id').references((): AnyColumn => parent.c.id),
    }));
    const [fk] = child.foreignKeys;
    expect(fk!.referredTable).toBe(parent);
    expect(fk!.referred).toEqual([parent.c.id]);
    expect(fk!.onDelete).toBe('set null');
    expect(child.c.parentId.foreignKeys).toEqual([fk]);
    expect(parent.foreignKeys[0]!.referredTable).toBe(parent);
  });

  it('takes composite primary keys from the column modifiers or a constraint', () => {
    const md = new MetaData();
    const a = md.table('a', (t) => ({ x: t.integer().primaryKey(), y: t.integer().primaryKey() }));
    expect(a.primaryKey).toEqual([a.c.x, a.c.y]);
    expect(a.c.x.autoincrement).toBe(false);
    const b = md.table(
      'b',
      (t) => ({ x: t.integer(), y: t.text() }),
      (c, t) => [t.primaryKey([c.x, c.y])],
    );
    expect(b.primaryKey).toEqual([b.c.x, b.c.y]);
    expect(b.c.x.nullable).toBe(false);
    expect(b.c.x.autoincrement).toBe(false);
    const c = md.table(
      'c',
      (t) => ({ x: t.integer(), y: t.text() }),
      (cols, t) => [t.primaryKey([cols.x])],
    );
    expect(c.c.x.autoincrement).toBe(true);
  });

  it('lists tables by name and in dependency order', () => {
    const md = new MetaData();
    const b = md.table('b', (t) => ({
      id: t.integer().primaryKey(),
      aId: t.integer().references(() => a.c.id),
    }));
    const a = md.table('a', (t) => ({ id: t.integer().primaryKey() }));
    expect([...md.tables.keys()]).toEqual(['b', 'a']);
    expect(md.sortedTables).toEqual([a, b]);
    md.remove(b);
    expect([...md.tables.keys()]).toEqual(['a']);
  });
});

describe('mapped classes (objects with __clauseElement__)', () => {
  class User {
    static __clauseElement__() {
      return users;
    }
  }

  it('stand for their table in every statement', () => {
    expect(compileFor(select(User), 'sqlite').sql).toBe(
      'SELECT users.id, users.name, users.age, users.active, users.last_login FROM users',
    );
    expect(compileFor(insert(User).values({ name: 'x' }), 'sqlite').sql).toBe(
      'INSERT INTO users (name, active) VALUES (?, ?)',
    );
    expect(compileFor(update(User).values({ age: 3 }).where(users.c.id.eq(1)), 'sqlite').sql).toBe(
      'UPDATE users SET age = ? WHERE users.id = ?',
    );
    expect(compileFor(deleteFrom(User).where(users.c.id.eq(1)), 'sqlite').sql).toBe(
      'DELETE FROM users WHERE users.id = ?',
    );
    expect(compileFor(select(User, addresses.c.email).join(addresses), 'sqlite').sql).toBe(
      'SELECT users.id, users.name, users.age, users.active, users.last_login, addresses.email FROM users JOIN addresses ON addresses.user_id = users.id',
    );
  });

  it('are kept as given in the select, with their result positions', () => {
    const stmt = select(addresses.c.email, User).executionOptions({ populateExisting: true });
    expect(stmt.rawColumns).toEqual([addresses.c.email, User]);
    expect(stmt.items[1]).toEqual({ raw: User, start: 1, count: 5 });
    expect(stmt.options).toEqual({ populateExisting: true });
    expect(stmt.where(users.c.id.eq(1)).options).toEqual({ populateExisting: true });
  });
});
