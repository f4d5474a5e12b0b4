import { describe, expect, it } from 'vitest';
import {
  MetaData,
  bindParam,
  deleteFrom,
  func,
  insert,
  literal,
  select,
  update,
} from '../../src/sql/index.js';
import { addresses, users } from './fixtures.js';
import { DIALECTS, compileFor, expectSql, qmarks } from './helpers.js';

const same = (pg: string, params: readonly unknown[] = []) => ({
  sqlite: [qmarks(pg), params] as const,
  postgresql: [pg, params] as const,
  mysql: [qmarks(pg), params] as const,
});

describe('insert()', () => {
  it('inserts one row, filling client-side defaults', () => {
    expectSql(insert(users).values({ name: 'Ann', age: 30 }), {
      sqlite: ['INSERT INTO users (name, age, active) VALUES (?, ?, ?)', ['Ann', 30, 1]],
      postgresql: ['INSERT INTO users (name, age, active) VALUES ($1, $2, $3)', ['Ann', 30, true]],
      mysql: ['INSERT INTO users (name, age, active) VALUES (?, ?, ?)', ['Ann', 30, 1]],
    });
  });

  it('inserts several rows with one multi-row VALUES', () => {
    expectSql(
      insert(addresses).values([
        { userId: 1, email: 'a@x' },
        { userId: 2, email: 'b@x' },
      ]),
      same('INSERT INTO addresses (user_id, email) VALUES ($1, $2), ($3, $4)', [
        1,
        'a@x',
        2,
        'b@x',
      ]),
    );
  });

  it('calls function defaults once per row per execution', () => {
    const md = new MetaData();
    let n = 0;
    const t = md.table('seq', (c) => ({
      id: c.integer().primaryKey(),
      code: c
        .text()
        .notNull()
        .default(() => `c${++n}`),
    }));
    const stmt = insert(t).values([{}, {}]);
    expect(compileFor(stmt, 'sqlite').params).toEqual(['c1', 'c2']);
    expect(compileFor(stmt, 'sqlite').params).toEqual(['c3', 'c4']);
    // A given value in one row, the default in another: each row binds its own.
    const mixed = insert(t).values([{ code: 'given' }, {}]);
    expect(compileFor(mixed, 'sqlite').params).toEqual(['given', 'c5']);
    expect(compileFor(mixed, 'sqlite').params).toEqual(['given', 'c6']);
  });

  it('renders RETURNING where the dialect has it, and a CompileError naming the dialect where not', () => {
    expectSql(insert(users).values({ name: 'x' }).returning(users.c.id, users.c.lastLogin), {
      sqlite: ['INSERT INTO users (name, active) VALUES (?, ?) RETURNING id, last_login', ['x', 1]],
      postgresql: [
        'INSERT INTO users (name, active) VALUES ($1, $2) RETURNING id, last_login',
        ['x', true],
      ],
      mysql: { error: /^MySQL does not support RETURNING on INSERT/ },
      mariadb: [
        'INSERT INTO users (name, active) VALUES (?, ?) RETURNING id, last_login',
        ['x', 1],
      ],
    });
    const compiled = insert(users)
      .values({ name: 'x' })
      .returning(users.c.id, users.c.lastLogin)
      .compile(DIALECTS.postgresql);
    expect(compiled.returnsRows).toBe(true);
    expect(compiled.resultKeys).toEqual(['id', 'lastLogin']);
  });

  it('inserts from a select', () => {
    const stmt = insert(addresses).fromSelect(
      [addresses.c.userId, addresses.c.email],
      select(users.c.id, users.c.name).where(users.c.age.gt(3)),
    );
    expectSql(
      stmt,
      same(
        'INSERT INTO addresses (user_id, email) SELECT users.id, users.name FROM users WHERE users.age > $1',
        [3],
      ),
    );
  });

  it('inserts all-default rows in each dialect’s form', () => {
    const md = new MetaData();
    const t = md.table('only_id', (c) => ({ id: c.integer().primaryKey() }));
    expectSql(insert(t).values({}), {
      sqlite: 'INSERT INTO only_id DEFAULT VALUES',
      postgresql: 'INSERT INTO only_id DEFAULT VALUES',
      mysql: 'INSERT INTO only_id () VALUES ()',
    });
  });

  it('without values(), takes the row from named parameters (executemany)', () => {
    const stmt = insert(users);
    expect(compileFor(stmt, 'postgresql', { name: 'Bo', lastLogin: null })).toEqual({
      sql: 'INSERT INTO users (name, age, active, last_login) VALUES ($1, $2, $3, $4)',
      params: ['Bo', null, true, null],
    });
    expect(() => compileFor(stmt, 'postgresql', { age: 3 })).toThrow(
      "A value is required for bind parameter 'name' (users.name)",
    );
  });

  it('accepts bindParam values and SQL expressions in values()', () => {
    const stmt = insert(users).values({ name: bindParam('n'), age: literal(3).add(4) });
    expectSql(
      stmt,
      {
        sqlite: ['INSERT INTO users (name, age, active) VALUES (?, ? + ?, ?)', ['z', 3, 4, 1]],
        postgresql: [
          'INSERT INTO users (name, age, active) VALUES ($1, $2 + $3, $4)',
          ['z', 3, 4, true],
        ],
        mysql: ['INSERT INTO users (name, age, active) VALUES (?, ? + ?, ?)', ['z', 3, 4, 1]],
      },
      { n: 'z' },
    );
  });
});

describe('upserts', () => {
  it('renders ON CONFLICT on PostgreSQL/SQLite and names the right method on MySQL', () => {
    const stmt = insert(users).values({ id: 1, name: 'Ann' });
    const upsert = stmt.onConflictDoUpdate({
      target: users.c.id,
      set: { name: stmt.excluded.name, age: users.c.age.add(1) },
      where: users.c.active,
    });
    expectSql(upsert, {
      sqlite: [
        'INSERT INTO users (id, name, active) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, age = users.age + ? WHERE users.active',
        [1, 'Ann', 1, 1],
      ],
      postgresql: [
        'INSERT INTO users (id, name, active) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET name = excluded.name, age = users.age + $4 WHERE users.active',
        [1, 'Ann', true, 1],
      ],
      mysql: {
        error:
          /^MySQL does not support ON CONFLICT; use onDuplicateKeyUpdate\(\{ set \}\) for MySQL\/MariaDB\.$/,
      },
      mariadb: { error: /^MariaDB does not support ON CONFLICT; use onDuplicateKeyUpdate/ },
    });
    expectSql(stmt.onConflictDoNothing(), {
      sqlite: 'INSERT INTO users (id, name, active) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
      postgresql: 'INSERT INTO users (id, name, active) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      mysql: { error: /MySQL does not support ON CONFLICT/ },
    });
  });

  it('renders ON DUPLICATE KEY UPDATE on MySQL and names the right method elsewhere', () => {
    const stmt = insert(users).values({ id: 1, name: 'Ann' });
    expectSql(stmt.onDuplicateKeyUpdate({ set: { name: stmt.excluded.name } }), {
      sqlite: {
        error:
          /^SQLite does not support ON DUPLICATE KEY UPDATE; use onConflictDoUpdate\(\{ target, set \}\) or onConflictDoNothing\(\)\.$/,
      },
      postgresql: {
        error: /^PostgreSQL does not support ON DUPLICATE KEY UPDATE; use onConflictDoUpdate/,
      },
      mysql: [
        'INSERT INTO users (id, name, active) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name)',
        [1, 'Ann', 1],
      ],
    });
  });

  it('adds WHERE true to an INSERT … SELECT upsert (SQLite needs it to parse)', () => {
    const stmt = insert(addresses)
      .fromSelect([addresses.c.userId, addresses.c.email], select(users.c.id, users.c.name))
      .onConflictDoNothing();
    expectSql(stmt, {
      sqlite:
        'INSERT INTO addresses (user_id, email) SELECT users.id, users.name FROM users WHERE 1 ON CONFLICT DO NOTHING',
      postgresql:
        'INSERT INTO addresses (user_id, email) SELECT users.id, users.name FROM users WHERE TRUE ON CONFLICT DO NOTHING',
      mysql: { error: /MySQL does not support ON CONFLICT/ },
    });
  });
});

describe('update()', () => {
  it('updates with values and expressions, in table column order', () => {
    const stmt = update(users)
      .values({ age: users.c.age.add(1), name: 'X' })
      .where(users.c.id.eq(5));
    expectSql(
      stmt,
      same('UPDATE users SET name = $1, age = users.age + $2 WHERE users.id = $3', ['X', 1, 5]),
    );
  });

  it('merges values() calls and applies onUpdate defaults', () => {
    const md = new MetaData();
    const docs = md.table('docs', (t) => ({
      id: t.integer().primaryKey(),
      title: t.text(),
      version: t
        .integer()
        .notNull()
        .default(1)
        .onUpdate(() => 99),
    }));
    const stmt = update(docs).values({ title: 'a' }).values({ title: 'b' });
    expectSql(stmt, same('UPDATE docs SET title = $1, version = $2', ['b', 99]));
    expectSql(update(docs).values({ version: 7 }), same('UPDATE docs SET version = $1', [7]));
  });

  it('renders RETURNING on PostgreSQL/SQLite only (MariaDB has none for UPDATE)', () => {
    expectSql(update(users).values({ age: 1 }).returning(users.c.id), {
      sqlite: 'UPDATE users SET age = ? RETURNING id',
      postgresql: 'UPDATE users SET age = $1 RETURNING id',
      mysql: { error: /^MySQL does not support RETURNING on UPDATE/ },
      mariadb: { error: /^MariaDB does not support RETURNING on UPDATE/ },
    });
  });

  it('refuses an UPDATE without values', () => {
    expect(() => compileFor(update(users).where(users.c.id.eq(1)), 'sqlite')).toThrow(
      'update(users) has no values: call .values({ column: value }).',
    );
  });

  it('takes bindParam values for executemany', () => {
    const stmt = update(users)
      .values({ name: bindParam('newName') })
      .where(users.c.id.eq(bindParam('id')));
    expect(compileFor(stmt, 'postgresql', { newName: 'Q', id: 3 })).toEqual({
      sql: 'UPDATE users SET name = $1 WHERE users.id = $2',
      params: ['Q', 3],
    });
  });
});

describe('delete()', () => {
  it('deletes with a WHERE and RETURNING (not on MySQL)', () => {
    expectSql(
      deleteFrom(users).where(users.c.id.in([1, 2])),
      same('DELETE FROM users WHERE users.id IN ($1, $2)', [1, 2]),
    );
    expectSql(deleteFrom(users).where(users.c.id.eq(1)).returning(users.c.name), {
      sqlite: 'DELETE FROM users WHERE users.id = ? RETURNING name',
      postgresql: 'DELETE FROM users WHERE users.id = $1 RETURNING name',
      mysql: { error: /^MySQL does not support RETURNING on DELETE/ },
      mariadb: 'DELETE FROM users WHERE users.id = ? RETURNING name',
    });
  });

  it('deletes with a correlated subquery', () => {
    const stmt = deleteFrom(users).where(
      select(func.count()).where(addresses.c.userId.eq(users.c.id)).scalarSubquery().eq(0),
    );
    expectSql(
      stmt,
      same(
        'DELETE FROM users WHERE (SELECT count(*) AS count FROM addresses WHERE addresses.user_id = users.id) = $1',
        [0],
      ),
    );
  });
});
