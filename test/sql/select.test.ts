import { describe, expect, it } from 'vitest';
import { bindParam, func, select } from '../../src/sql/index.js';
import { addresses, messages, odd, tags, users } from './fixtures.js';
import { DIALECTS, compileFor, expectSql, qmarks } from './helpers.js';

const same = (pg: string, params: readonly unknown[] = []) => ({
  sqlite: [qmarks(pg), params] as const,
  postgresql: [pg, params] as const,
  mysql: [qmarks(pg), params] as const,
});

describe('select()', () => {
  it('selects named columns, qualified by their table', () => {
    expectSql(select(users.c.id, users.c.name), same('SELECT users.id, users.name FROM users'));
  });

  it('selects every column of a table, using SQL names (not property names)', () => {
    expectSql(
      select(users),
      same('SELECT users.id, users.name, users.age, users.active, users.last_login FROM users'),
    );
  });

  it('ANDs the conditions of several where() calls, binding every value', () => {
    const stmt = select(users.c.id).where(users.c.age.ge(18)).where(users.c.name.eq("O'Brien"));
    expectSql(
      stmt,
      same('SELECT users.id FROM users WHERE users.age >= $1 AND users.name = $2', [18, "O'Brien"]),
    );
  });

  it('skips undefined conditions (dynamic filters)', () => {
    const maybe: ReturnType<typeof users.c.age.eq> | undefined = undefined;
    expectSql(
      select(users.c.id).where(maybe, users.c.id.eq(1)),
      same('SELECT users.id FROM users WHERE users.id = $1', [1]),
    );
  });

  it('renders ORDER BY, LIMIT and OFFSET as bound parameters', () => {
    const stmt = select(users.c.name)
      .orderBy(users.c.name, users.c.age.desc())
      .limit(10)
      .offset(20);
    expectSql(
      stmt,
      same(
        'SELECT users.name FROM users ORDER BY users.name, users.age DESC LIMIT $1 OFFSET $2',
        [10, 20],
      ),
    );
  });

  it('renders OFFSET without LIMIT in each dialect’s form', () => {
    expectSql(select(users.c.id).offset(5), {
      sqlite: ['SELECT users.id FROM users LIMIT -1 OFFSET ?', [5]],
      postgresql: ['SELECT users.id FROM users OFFSET $1', [5]],
      mysql: ['SELECT users.id FROM users LIMIT 18446744073709551615 OFFSET ?', [5]],
    });
  });

  it('renders NULLS FIRST/LAST natively, and emulates them on MySQL', () => {
    const stmt = select(users.c.id).orderBy(
      users.c.age.asc().nullsLast(),
      users.c.name.desc().nullsFirst(),
    );
    expectSql(stmt, {
      sqlite:
        'SELECT users.id FROM users ORDER BY users.age ASC NULLS LAST, users.name DESC NULLS FIRST',
      postgresql:
        'SELECT users.id FROM users ORDER BY users.age ASC NULLS LAST, users.name DESC NULLS FIRST',
      mysql:
        'SELECT users.id FROM users ORDER BY users.age IS NULL, users.age ASC, users.name IS NOT NULL, users.name DESC',
    });
  });

  it('renders GROUP BY and HAVING', () => {
    const stmt = select(users.c.age, func.count().label('n'))
      .groupBy(users.c.age)
      .having(func.count().gt(1));
    expectSql(
      stmt,
      same(
        'SELECT users.age, count(*) AS n FROM users GROUP BY users.age HAVING count(*) > $1',
        [1],
      ),
    );
  });

  it('renders DISTINCT, and DISTINCT ON on PostgreSQL only', () => {
    expectSql(select(users.c.name).distinct(), same('SELECT DISTINCT users.name FROM users'));
    expectSql(select(users.c.name, users.c.age).distinct(users.c.name), {
      sqlite: { error: /SQLite does not support DISTINCT ON/ },
      postgresql: 'SELECT DISTINCT ON (users.name) users.name, users.age FROM users',
      mysql: { error: /MySQL does not support DISTINCT ON/ },
      mariadb: { error: /MariaDB does not support DISTINCT ON/ },
    });
  });

  it('infers the ON clause of a join from the one foreign key', () => {
    expectSql(
      select(users.c.name, addresses.c.email).join(addresses),
      same(
        'SELECT users.name, addresses.email FROM users JOIN addresses ON addresses.user_id = users.id',
      ),
    );
    expectSql(
      select(addresses.c.email, users.c.name).join(users),
      same(
        'SELECT addresses.email, users.name FROM addresses JOIN users ON addresses.user_id = users.id',
      ),
    );
  });

  it('renders outer joins and explicit ON clauses', () => {
    const stmt = select(users.c.name, messages.c.body).outerJoin(
      messages,
      messages.c.senderId.eq(users.c.id),
    );
    expectSql(
      stmt,
      same(
        'SELECT users.name, messages.body FROM users LEFT OUTER JOIN messages ON messages.sender_id = users.id',
      ),
    );
  });

  it('refuses FULL OUTER JOIN on MySQL', () => {
    const stmt = select(users.c.name, addresses.c.email).join(addresses, undefined, { full: true });
    expectSql(stmt, {
      sqlite:
        'SELECT users.name, addresses.email FROM users FULL OUTER JOIN addresses ON addresses.user_id = users.id',
      postgresql:
        'SELECT users.name, addresses.email FROM users FULL OUTER JOIN addresses ON addresses.user_id = users.id',
      mysql: { error: /MySQL does not support FULL OUTER JOIN/ },
      mariadb: { error: /MariaDB does not support FULL OUTER JOIN/ },
    });
  });

  it('chains joins across three tables', () => {
    const stmt = select(users.c.name, addresses.c.email, messages.c.body)
      .join(addresses)
      .join(messages, messages.c.senderId.eq(users.c.id));
    expectSql(
      stmt,
      same(
        'SELECT users.name, addresses.email, messages.body FROM users JOIN addresses ON addresses.user_id = users.id ' +
          'JOIN messages ON messages.sender_id = users.id',
      ),
    );
  });

  it('selects from join objects built by table.join() and joinFrom()', () => {
    expectSql(
      select(users.c.name, addresses.c.email).selectFrom(users.join(addresses)),
      same(
        'SELECT users.name, addresses.email FROM users JOIN addresses ON addresses.user_id = users.id',
      ),
    );
    expectSql(
      select(func.count()).joinFrom(addresses, users, undefined, { outer: true }),
      same(
        'SELECT count(*) AS count FROM addresses LEFT OUTER JOIN users ON addresses.user_id = users.id',
      ),
    );
    const boss = users.alias('boss');
    expectSql(
      select(users.c.name)
        .selectFrom(users.outerJoin(boss, boss.c.id.eq(users.c.age)))
        .where(boss.c.name.isNull()),
      same(
        'SELECT users.name FROM users LEFT OUTER JOIN users AS boss ON boss.id = users.age WHERE boss.name IS NULL',
      ),
    );
  });

  it('selects from an explicit FROM (count over a table)', () => {
    expectSql(select(func.count()).selectFrom(users), same('SELECT count(*) AS count FROM users'));
    expectSql(
      select(func.count()).where(users.c.age.gt(3)),
      same('SELECT count(*) AS count FROM users WHERE users.age > $1', [3]),
    );
  });

  it('renders FOR UPDATE options, refusing what a dialect lacks', () => {
    expectSql(select(users.c.id).forUpdate(), {
      sqlite: { error: /SQLite does not support FOR UPDATE/ },
      postgresql: 'SELECT users.id FROM users FOR UPDATE',
      mysql: 'SELECT users.id FROM users FOR UPDATE',
    });
    expectSql(select(users.c.id).forUpdate({ of: [users], skipLocked: true }), {
      sqlite: { error: /SQLite does not support FOR UPDATE/ },
      postgresql: 'SELECT users.id FROM users FOR UPDATE OF users SKIP LOCKED',
      mysql: 'SELECT users.id FROM users FOR UPDATE OF users SKIP LOCKED',
      mariadb: { error: /MariaDB does not support FOR UPDATE OF/ },
    });
    expectSql(select(users.c.id).forUpdate({ read: true, nowait: true }), {
      sqlite: { error: /SQLite does not support FOR SHARE/ },
      postgresql: 'SELECT users.id FROM users FOR SHARE NOWAIT',
      mysql: 'SELECT users.id FROM users LOCK IN SHARE MODE NOWAIT',
    });
  });

  it('quotes reserved and mixed-case identifiers and handles columns named like JS built-ins', () => {
    expectSql(select(odd).where(odd.c.constructor.eq(1), odd.c.length.gt(2)), {
      sqlite: [
        'SELECT "order".constructor, "order".name, "order".length, "order"."select", "order".to_string, "order"."MixedCase" ' +
          'FROM "order" WHERE "order".constructor = ? AND "order".length > ?',
        [1, 2],
      ],
      postgresql: [
        'SELECT "order".constructor, "order".name, "order".length, "order"."select", "order".to_string, "order"."MixedCase" ' +
          'FROM "order" WHERE "order".constructor = $1 AND "order".length > $2',
        [1, 2],
      ],
      mysql: [
        'SELECT `order`.constructor, `order`.name, `order`.length, `order`.`select`, `order`.to_string, `order`.`MixedCase` ' +
          'FROM `order` WHERE `order`.constructor = ? AND `order`.length > ?',
        [1, 2],
      ],
    });
  });

  it('reports result keys: property names, labels, function names, anon_N', () => {
    const stmt = select(
      users.c.lastLogin,
      users.c.age.add(1),
      func.max(users.c.age),
      users.c.name.label('who'),
      users.c.age.mul(2),
    );
    const compiled = stmt.compile(DIALECTS.postgresql);
    expect(compiled.resultKeys).toEqual(['lastLogin', 'anon_1', 'max', 'who', 'anon_2']);
    expect(compiled.sql).toBe(
      'SELECT users.last_login, users.age + $1 AS anon_1, max(users.age) AS max, users.name AS who, users.age * $2 AS anon_2 FROM users',
    );
    expect(compiled.returnsRows).toBe(true);
    expect(compiled.statementKind).toBe('select');
  });

  it('takes named parameters at execution', () => {
    const stmt = select(users.c.id).where(users.c.name.eq(bindParam('name')));
    expect(compileFor(stmt, 'postgresql', { name: 'Ann' })).toEqual({
      sql: 'SELECT users.id FROM users WHERE users.name = $1',
      params: ['Ann'],
    });
    expect(() => compileFor(stmt, 'sqlite')).toThrow(
      "A value is required for bind parameter 'name'",
    );
  });

  it('keeps the raw items and their result positions for mapped classes', () => {
    const stmt = select(users, addresses.c.email);
    expect(stmt.items.map((i) => [i.start, i.count])).toEqual([
      [0, 5],
      [5, 1],
    ]);
    expect(stmt.selectedColumns.map((c) => c.key)).toEqual([
      'id',
      'name',
      'age',
      'active',
      'lastLogin',
      'email',
    ]);
    expect(stmt.selectedColumns[4]!.column).toBe(users.c.lastLogin);
  });

  it('selects a tag table with no relationships on its own', () => {
    expectSql(
      select(tags.c.label).where(tags.c.label.in(['a', 'b'])),
      same('SELECT tags.label FROM tags WHERE tags.label IN ($1, $2)', ['a', 'b']),
    );
  });
});
