import { describe, expect, it } from 'vitest';
import {
  and,
  bindParam,
  caseValue,
  caseWhen,
  cast,
  exists,
  func,
  literal,
  not,
  or,
  select,
  sqlFalse,
  sqlNull,
  sqlTrue,
  types,
  callFunction,
  type Condition,
} from '../../src/sql/index.js';
import { addresses, users } from './fixtures.js';
import { DIALECTS, expectSql, qmarks } from './helpers.js';

const where = (cond: Condition) => select(users.c.id).where(cond);
const same = (pg: string, params: readonly unknown[] = []) => ({
  sqlite: [qmarks(pg), params] as const,
  postgresql: [pg, params] as const,
  mysql: [qmarks(pg), params] as const,
});
const W = 'SELECT users.id FROM users WHERE ';

describe('comparison operators', () => {
  it.each([
    ['eq', users.c.age.eq(5), 'users.age = $1'],
    ['ne', users.c.age.ne(5), 'users.age <> $1'],
    ['gt', users.c.age.gt(5), 'users.age > $1'],
    ['ge', users.c.age.ge(5), 'users.age >= $1'],
    ['lt', users.c.age.lt(5), 'users.age < $1'],
    ['le', users.c.age.le(5), 'users.age <= $1'],
  ] as const)('%s binds its value', (_name, cond, sql) => {
    expectSql(where(cond), same(W + sql, [5]));
  });

  it('compiles eq(null) to IS NULL and ne(null) to IS NOT NULL, binding nothing', () => {
    expectSql(where(users.c.age.eq(null)), same(`${W}users.age IS NULL`));
    expectSql(where(users.c.age.ne(null)), same(`${W}users.age IS NOT NULL`));
    expectSql(where(users.c.age.isNull()), same(`${W}users.age IS NULL`));
    expectSql(where(users.c.age.isNotNull()), same(`${W}users.age IS NOT NULL`));
  });

  it('compares two columns without binding', () => {
    expectSql(where(users.c.id.eq(users.c.age)), same(`${W}users.id = users.age`));
  });

  it('renders IN and NOT IN lists, and empty lists as constant conditions', () => {
    expectSql(where(users.c.id.in([1, 2, 3])), same(`${W}users.id IN ($1, $2, $3)`, [1, 2, 3]));
    expectSql(where(users.c.id.notIn([4])), same(`${W}users.id NOT IN ($1)`, [4]));
    expectSql(where(users.c.id.in([])), same(`${W}1 <> 1`));
    expectSql(where(users.c.id.notIn([])), same(`${W}1 = 1`));
  });

  it('renders BETWEEN', () => {
    expectSql(
      where(users.c.age.between(18, 65)),
      same(`${W}users.age BETWEEN $1 AND $2`, [18, 65]),
    );
  });
});

describe('LIKE family', () => {
  it('binds LIKE patterns as given', () => {
    expectSql(where(users.c.name.like('A%')), same(`${W}users.name LIKE $1`, ['A%']));
    expectSql(where(users.c.name.notLike('A%')), same(`${W}users.name NOT LIKE $1`, ['A%']));
    expectSql(
      where(users.c.name.like('A!%', { escape: '!' })),
      same(`${W}users.name LIKE $1 ESCAPE '!'`, ['A!%']),
    );
    // A backslash escape is itself escaped where backslashes are string escapes (MySQL).
    expectSql(where(users.c.name.like('A\\%', { escape: '\\' })), {
      sqlite: [`${W}users.name LIKE ? ESCAPE '\\'`, ['A\\%']],
      postgresql: [`${W}users.name LIKE $1 ESCAPE '\\'`, ['A\\%']],
      mysql: [`${W}users.name LIKE ? ESCAPE '\\\\'`, ['A\\%']],
    });
  });

  it('renders ILIKE on PostgreSQL and lower() LIKE lower() elsewhere', () => {
    expectSql(where(users.c.name.ilike('%ann%')), {
      sqlite: [`${W}lower(users.name) LIKE lower(?)`, ['%ann%']],
      postgresql: [`${W}users.name ILIKE $1`, ['%ann%']],
      mysql: [`${W}lower(users.name) LIKE lower(?)`, ['%ann%']],
    });
    expectSql(where(users.c.name.notIlike('x')), {
      sqlite: [`${W}lower(users.name) NOT LIKE lower(?)`, ['x']],
      postgresql: [`${W}users.name NOT ILIKE $1`, ['x']],
      mysql: [`${W}lower(users.name) NOT LIKE lower(?)`, ['x']],
    });
  });

  it('escapes %, _ and the escape character in contains/startsWith/endsWith', () => {
    expectSql(
      where(users.c.name.contains('50%_off/now')),
      same(`${W}users.name LIKE $1 ESCAPE '/'`, ['%50/%/_off//now%']),
    );
    expectSql(
      where(users.c.name.startsWith('a_b')),
      same(`${W}users.name LIKE $1 ESCAPE '/'`, ['a/_b%']),
    );
    expectSql(
      where(users.c.name.endsWith('%')),
      same(`${W}users.name LIKE $1 ESCAPE '/'`, ['%/%']),
    );
  });
});

describe('boolean combinations', () => {
  it('flattens and/or and parenthesises by precedence', () => {
    const cond = and(
      users.c.age.gt(1),
      or(users.c.name.eq('a'), users.c.name.eq('b')),
      and(users.c.id.lt(9), users.c.id.gt(0)),
    );
    expectSql(
      where(cond),
      same(
        `${W}users.age > $1 AND (users.name = $2 OR users.name = $3) AND users.id < $4 AND users.id > $5`,
        [1, 'a', 'b', 9, 0],
      ),
    );
    expectSql(
      where(or(and(users.c.id.eq(1), users.c.id.eq(2)), users.c.id.eq(3))),
      same(`${W}users.id = $1 AND users.id = $2 OR users.id = $3`, [1, 2, 3]),
    );
  });

  it('renders not() around comparisons and plain boolean columns', () => {
    expectSql(where(not(users.c.age.eq(3))), same(`${W}NOT (users.age = $1)`, [3]));
    expectSql(where(not(users.c.active)), same(`${W}NOT users.active`));
    expectSql(where(users.c.active), same(`${W}users.active`));
  });

  it('renders empty and()/or() as TRUE/FALSE (1/0 on SQLite)', () => {
    expectSql(where(and()), { sqlite: `${W}1`, postgresql: `${W}TRUE`, mysql: `${W}TRUE` });
    expectSql(where(or()), { sqlite: `${W}0`, postgresql: `${W}FALSE`, mysql: `${W}FALSE` });
  });

  it('binds boolean values as 1/0 where the database has no boolean type', () => {
    expectSql(where(users.c.active.eq(true)), {
      sqlite: [`${W}users.active = ?`, [1]],
      postgresql: [`${W}users.active = $1`, [true]],
      mysql: [`${W}users.active = ?`, [1]],
    });
  });
});

describe('arithmetic and strings', () => {
  it('parenthesises arithmetic by precedence', () => {
    expectSql(
      where(
        users.c.age
          .add(1)
          .mul(2)
          .gt(users.c.id.sub(users.c.age.sub(3))),
      ),
      same(`${W}(users.age + $1) * $2 > users.id - (users.age - $3)`, [1, 2, 3]),
    );
    expectSql(where(users.c.age.mod(2).eq(0)), same(`${W}users.age % $1 = $2`, [2, 0]));
    expectSql(where(users.c.age.div(2).neg().lt(0)), same(`${W}-(users.age / $1) < $2`, [2, 0]));
  });

  it('concatenates with || or concat() on MySQL', () => {
    expectSql(where(users.c.name.concat('!').eq('a!')), {
      sqlite: [`${W}users.name || ? = ?`, ['!', 'a!']],
      postgresql: [`${W}users.name || $1 = $2`, ['!', 'a!']],
      mysql: [`${W}concat(users.name, ?) = ?`, ['!', 'a!']],
    });
  });
});

describe('functions', () => {
  it('renders typed functions and proxied ones', () => {
    const stmt = select(
      func.count(),
      func.count(users.c.age, { distinct: true }).label('ages'),
      func.sum(users.c.age),
      func.avg(users.c.age),
      func.min(users.c.name),
      func.lower(users.c.name).label('ln'),
      func.coalesce(users.c.age, 0).label('age0'),
      func.abs(users.c.age).label('a'),
      func.round(users.c.age, 1).label('r'),
      func.json_array!(users.c.id).label('j'),
      callFunction('json_array', [users.c.age], types.json()).label('j2'),
    );
    expectSql(
      stmt,
      same(
        'SELECT count(*) AS count, count(DISTINCT users.age) AS ages, sum(users.age) AS sum, avg(users.age) AS avg, min(users.name) AS min, ' +
          'lower(users.name) AS ln, coalesce(users.age, $1) AS age0, abs(users.age) AS a, round(users.age, $2) AS r, ' +
          'json_array(users.id) AS j, json_array(users.age) AS j2 FROM users',
        [0, 1],
      ),
    );
  });

  it('renders now() and length() per dialect', () => {
    expectSql(select(func.now(), func.length(users.c.name).label('len')), {
      sqlite:
        "SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now') AS now, length(users.name) AS len FROM users",
      postgresql: 'SELECT now() AS now, length(users.name) AS len FROM users',
      mysql: 'SELECT UTC_TIMESTAMP(6) AS now, char_length(users.name) AS len FROM users',
    });
  });

  it('refuses function names that are not identifiers', () => {
    expect(() => func['x); DROP TABLE users; --']!()).toThrow(/Invalid SQL function name/);
  });
});

describe('case, cast, literals, exists', () => {
  it('renders CASE with bound results', () => {
    const grp = caseWhen(
      [
        [users.c.age.lt(13), 'child'],
        [users.c.age.lt(18), 'teen'],
      ],
      { else: 'adult' },
    ).label('grp');
    expectSql(
      select(grp),
      same(
        'SELECT CASE WHEN users.age < $1 THEN $2 WHEN users.age < $3 THEN $4 ELSE $5 END AS grp FROM users',
        [13, 'child', 18, 'teen', 'adult'],
      ),
    );
  });

  it('renders the simple CASE form, its WHEN values bound with the operand’s type', () => {
    const place = caseValue(
      users.c.id,
      [
        [1, 'first'],
        [bindParam('other'), 'second'],
      ],
      {
        else: users.c.name,
      },
    ).label('place');
    expectSql(
      select(place),
      same(
        'SELECT CASE users.id WHEN $1 THEN $2 WHEN $3 THEN $4 ELSE users.name END AS place FROM users',
        [1, 'first', 7, 'second'],
      ),
      { other: 7 },
    );
    const label = place.node as unknown as { element: { whens: (readonly [{ type: unknown }])[] } };
    expect(label.element.whens[1]![0].type).toBe(users.c.id.type);
    expect(() => caseValue(users.c.id, [])).toThrow('caseValue() needs at least one');
  });

  it('caches the simple and searched CASE forms as different shapes', () => {
    const simple = select(caseValue(users.c.age, [[users.c.id, 'x']]).label('c'));
    const searched = select(caseWhen([[users.c.age.eq(users.c.id), 'x']]).label('c'));
    expect(simple.compile(DIALECTS.sqlite).sql).toBe(
      'SELECT CASE users.age WHEN users.id THEN ? END AS c FROM users',
    );
    expect(searched.compile(DIALECTS.sqlite).sql).toBe(
      'SELECT CASE WHEN users.age = users.id THEN ? END AS c FROM users',
    );
  });

  it('renders CAST with each dialect’s type names, keeping the column key', () => {
    expectSql(
      select(cast(users.c.age, types.text()), cast(users.c.name, types.integer()).label('n')),
      {
        sqlite:
          'SELECT CAST(users.age AS TEXT) AS age, CAST(users.name AS INTEGER) AS n FROM users',
        postgresql:
          'SELECT CAST(users.age AS TEXT) AS age, CAST(users.name AS INTEGER) AS n FROM users',
        mysql: 'SELECT CAST(users.age AS CHAR) AS age, CAST(users.name AS SIGNED) AS n FROM users',
      },
    );
  });

  it('binds literal() values and renders NULL/TRUE/FALSE keywords', () => {
    expectSql(
      select(
        literal(7).label('seven'),
        sqlNull().label('nothing'),
        sqlTrue().label('t'),
        sqlFalse().label('f'),
      ),
      {
        sqlite: ['SELECT ? AS seven, NULL AS nothing, 1 AS t, 0 AS f', [7]],
        postgresql: ['SELECT $1 AS seven, NULL AS nothing, TRUE AS t, FALSE AS f', [7]],
        mysql: ['SELECT ? AS seven, NULL AS nothing, TRUE AS t, FALSE AS f', [7]],
      },
    );
  });

  it('renders EXISTS and NOT EXISTS, correlated', () => {
    const has = exists(select(addresses.c.id).where(addresses.c.userId.eq(users.c.id)));
    expectSql(
      where(not(has)),
      same(
        `${W}NOT EXISTS (SELECT addresses.id FROM addresses WHERE addresses.user_id = users.id)`,
      ),
    );
  });

  it('types a bindParam from the column it meets and checks values given at execution', () => {
    const stmt = where(users.c.lastLogin.lt(bindParam('cutoff')));
    const when = new Date('2024-03-10T09:59:59.999Z');
    expectSql(
      stmt,
      {
        sqlite: [`${W}users.last_login < ?`, ['2024-03-10T09:59:59.999Z']],
        postgresql: [`${W}users.last_login < $1`, ['2024-03-10T09:59:59.999Z']],
        mysql: [`${W}users.last_login < ?`, ['2024-03-10 09:59:59.999']],
      },
      { cutoff: when },
    );
    expect(() => stmt.compile(DIALECTS.sqlite).bind({ cutoff: '2024-03-10' })).toThrow(
      'Wrong value for users.last_login (timestamp): expected a valid Date, got the string "2024-03-10".',
    );
  });

  it('uses bindParam defaults when the parameter is not given', () => {
    const stmt = where(users.c.age.gt(bindParam('min', { defaultValue: 18 })));
    expectSql(stmt, same(`${W}users.age > $1`, [18]));
    expectSql(stmt, same(`${W}users.age > $1`, [21]), { min: 21 });
  });
});
