import { describe, expect, it } from 'vitest';
import { alias, func, select } from '../../src/sql/index.js';
import { addresses, users } from './fixtures.js';
import { expectSql, qmarks } from './helpers.js';

const same = (pg: string, params: readonly unknown[] = []) => ({
  sqlite: [qmarks(pg), params] as const,
  postgresql: [pg, params] as const,
  mysql: [qmarks(pg), params] as const,
});

describe('aliases and subqueries', () => {
  it('joins an alias of the same table', () => {
    const boss = alias(users, 'boss');
    const stmt = select(users.c.name, boss.c.name.label('boss')).join(
      boss,
      boss.c.id.eq(users.c.age),
    );
    expectSql(
      stmt,
      same(
        'SELECT users.name, boss.name AS boss FROM users JOIN users AS boss ON boss.id = users.age',
      ),
    );
  });

  it('selects from a subquery through its .c columns', () => {
    const counts = select(addresses.c.userId, func.count().label('n'))
      .groupBy(addresses.c.userId)
      .subquery('counts');
    const stmt = select(users.c.name, counts.c.n)
      .join(counts, counts.c.userId.eq(users.c.id))
      .where(counts.c.n.gt(2));
    expectSql(
      stmt,
      same(
        'SELECT users.name, counts.n FROM users JOIN (SELECT addresses.user_id, count(*) AS n FROM addresses ' +
          'GROUP BY addresses.user_id) AS counts ON counts.user_id = users.id WHERE counts.n > $1',
        [2],
      ),
    );
  });

  it('infers a join to a subquery through the columns it proxies', () => {
    const recent = select(addresses.c.userId, addresses.c.email)
      .where(addresses.c.email.like('%@x.org'))
      .subquery('recent');
    expectSql(
      select(users.c.name, recent.c.email).join(recent),
      same(
        'SELECT users.name, recent.email FROM users JOIN (SELECT addresses.user_id, addresses.email FROM addresses ' +
          'WHERE addresses.email LIKE $1) AS recent ON recent.user_id = users.id',
        ['%@x.org'],
      ),
    );
  });

  it('labels duplicate column names in a subquery so .c keys stay distinct', () => {
    const sq = select(users.c.id, addresses.c.id).join(addresses).subquery('sq');
    expect(Object.keys(sq.c)).toEqual(['id', 'id_1']);
    expectSql(
      select((sq.c as unknown as Record<string, typeof users.c.id>).id_1!),
      same(
        'SELECT sq.id_1 FROM (SELECT users.id, addresses.id AS id_1 FROM users JOIN addresses ON addresses.user_id = users.id) AS sq',
      ),
    );
  });

  it('renders scalar subqueries, correlated to the enclosing query', () => {
    const n = select(func.count()).where(addresses.c.userId.eq(users.c.id)).scalarSubquery();
    expectSql(
      select(users.c.name, n.label('n')),
      same(
        'SELECT users.name, (SELECT count(*) AS count FROM addresses WHERE addresses.user_id = users.id) AS n FROM users',
      ),
    );
  });

  it('renders IN with a subquery', () => {
    const stmt = select(users.c.name).where(
      users.c.id.in(select(addresses.c.userId).where(addresses.c.email.endsWith('.org'))),
    );
    expectSql(
      stmt,
      same(
        "SELECT users.name FROM users WHERE users.id IN (SELECT addresses.user_id FROM addresses WHERE addresses.email LIKE $1 ESCAPE '/')",
        ['%.org'],
      ),
    );
  });

  it('does not correlate a subquery selecting only the enclosing table', () => {
    const stmt = select(users.c.name).where(
      users.c.id.in(select(users.c.id).where(users.c.age.gt(5))),
    );
    expectSql(
      stmt,
      same(
        'SELECT users.name FROM users WHERE users.id IN (SELECT users.id FROM users WHERE users.age > $1)',
        [5],
      ),
    );
  });
});
