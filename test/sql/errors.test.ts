import { describe, expect, it } from 'vitest';
import { ArgumentError, CompileError, InvalidRequestError } from '../../src/errors.js';
import { MetaData, bindParam, insert, select, text, types, update } from '../../src/sql/index.js';
import { addresses, messages, tags, users } from './fixtures.js';
import { DIALECTS, compileFor } from './helpers.js';

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('a column of another table without a join', () => {
  it('is refused when two tables are selected with no join, naming both and the fix', () => {
    const err = thrown(() => compileFor(select(users.c.name, addresses.c.email), 'postgresql'));
    expect(err).toBeInstanceOf(CompileError);
    expect(err.message).toBe(
      'This select() uses columns of users and addresses but has no join between them; use .join(addresses) ' +
        '(the ON clause is inferred from a foreign key), or .selectFrom(users, addresses) if you want a cross join.',
    );
  });

  it('is refused when a WHERE uses a table missing from an explicit FROM', () => {
    const err = thrown(() =>
      compileFor(
        select(addresses.c.email).selectFrom(addresses).where(users.c.name.eq('x')),
        'sqlite',
      ),
    );
    expect(err).toBeInstanceOf(CompileError);
    expect(err.message).toBe(
      'Column users.name is from table users, which is not in the FROM clause of this statement; ' +
        'add it with .join(users) (the ON clause is inferred from a foreign key) or .selectFrom(users).',
    );
  });

  it('is refused in UPDATE and DELETE', () => {
    expect(() =>
      compileFor(
        update(users).values({ name: 'x' }).where(addresses.c.email.eq('e')),
        'postgresql',
      ),
    ).toThrow(/Column addresses\.email is from table addresses, which is not in the FROM clause/);
  });

  it('is allowed when selectFrom() asks for a cross join', () => {
    expect(
      compileFor(select(users.c.name, tags.c.label).selectFrom(users, tags), 'sqlite').sql,
    ).toBe('SELECT users.name, tags.label FROM users, tags');
  });
});

describe('joins that cannot be inferred', () => {
  it('names both tables and the fix when no foreign key links them', () => {
    const err = thrown(() => select(users.c.name, tags.c.label).join(tags));
    expect(err).toBeInstanceOf(ArgumentError);
    expect(err.message).toBe(
      "Can't find any foreign key relationships between 'users' and 'tags'; pass the ON clause explicitly, " +
        'e.g. .join(tags, tags.c.<fk>.eq(users.c.<pk>)).',
    );
  });

  it('lists the keys when more than one foreign key links them', () => {
    const err = thrown(() => select(users.c.name, messages.c.body).join(messages));
    expect(err).toBeInstanceOf(ArgumentError);
    expect(err.message).toBe(
      "Can't determine the join between 'users' and 'messages': they are related by more than one foreign key " +
        '(messages(sender_id); messages(recipient_id)); pass the ON clause explicitly as the second argument of join().',
    );
  });
});

describe('wrong value types', () => {
  const wrong = (fn: () => unknown) => {
    const err = thrown(fn);
    expect(err).toBeInstanceOf(ArgumentError);
    return err.message;
  };

  it('names table.column, the expected type and the value given in comparisons', () => {
    expect(wrong(() => users.c.age.eq('12' as never))).toBe(
      'Wrong value for users.age (integer): expected a number with no fraction, got the string "12".',
    );
    expect(wrong(() => users.c.age.in([1, 2.5]))).toBe(
      'Wrong value for users.age (integer): expected a number with no fraction, got the number 2.5.',
    );
    expect(wrong(() => users.c.lastLogin.gt('2024-01-01' as never))).toBe(
      'Wrong value for users.last_login (timestamp): expected a valid Date, got the string "2024-01-01".',
    );
    expect(wrong(() => users.c.lastLogin.gt(new Date('nope')))).toBe(
      'Wrong value for users.last_login (timestamp): expected a valid Date, got an invalid Date.',
    );
  });

  it('checks insert and update values', () => {
    expect(wrong(() => insert(users).values({ name: 5 as never }))).toBe(
      'Wrong value for users.name (text): expected a string, got the number 5.',
    );
    expect(wrong(() => update(users).values({ active: 'yes' as never }))).toBe(
      'Wrong value for users.active (boolean): expected a boolean, got the string "yes".',
    );
    expect(wrong(() => insert(users).values({ name: 'a', nickname: 'b' } as never))).toBe(
      "insert().values(): table users has no column 'nickname'; its columns are id, name, age, active, lastLogin.",
    );
  });

  it('checks values given for named parameters at execution', () => {
    const stmt = select(users.c.id).where(users.c.age.eq(bindParam('age')));
    expect(() => stmt.compile(DIALECTS.sqlite).bind({ age: 'x' })).toThrow(
      'Wrong value for users.age (integer): expected a number with no fraction, got the string "x".',
    );
  });

  it('checks every other type', () => {
    const md = new MetaData();
    const t = md.table('checked', (t) => ({
      id: t.integer().primaryKey(),
      n: t.numeric(10, 2),
      d: t.date(),
      u: t.uuid(),
      e: t.enum(['a', 'b']),
      big: t.bigint(),
      bin: t.bytes(),
      j: t.json(),
    }));
    expect(wrong(() => t.c.n.eq(1.5 as never))).toBe(
      'Wrong value for checked.n (numeric): expected a decimal string, got the number 1.5.',
    );
    expect(wrong(() => t.c.d.eq('10/03/2024'))).toBe(
      'Wrong value for checked.d (date): expected a \'YYYY-MM-DD\' string, got the string "10/03/2024".',
    );
    expect(wrong(() => t.c.u.eq('not-a-uuid'))).toBe(
      'Wrong value for checked.u (uuid): expected a UUID string, got the string "not-a-uuid".',
    );
    expect(wrong(() => t.c.e.eq('c' as never))).toBe(
      "Wrong value for checked.e (enum): expected one of 'a', 'b', got the string \"c\".",
    );
    expect(wrong(() => t.c.big.eq(1.5 as never))).toBe(
      'Wrong value for checked.big (bigint): expected a bigint (or a safe integer number), got the number 1.5.',
    );
    expect(wrong(() => t.c.bin.eq('abc' as never))).toBe(
      'Wrong value for checked.bin (bytes): expected a Buffer or Uint8Array, got the string "abc".',
    );
    expect(wrong(() => t.c.j.eq((() => 1) as never))).toBe(
      'Wrong value for checked.j (json): expected a JSON-serialisable value, got a function.',
    );
    expect(wrong(() => t.c.n.eq(undefined as never))).toBe(
      'Value for checked.n is undefined: pass null for SQL NULL, or leave the key out.',
    );
  });
});

describe('statements a dialect cannot express', () => {
  it('names the dialect and the feature', () => {
    expect(() =>
      compileFor(insert(users).values({ name: 'a' }).returning(users.c.id), 'mysql'),
    ).toThrow(
      new CompileError(
        'MySQL does not support RETURNING on INSERT; read the generated key from the result (lastInsertId) or select the row afterwards.',
      ),
    );
    expect(() => compileFor(select(users.c.id).forUpdate(), 'sqlite')).toThrow(
      'SQLite does not support FOR UPDATE; remove forUpdate() (it locks the whole database for writes anyway).',
    );
    expect(() =>
      compileFor(
        insert(users)
          .values({ name: 'a' })
          .onDuplicateKeyUpdate({ set: { name: 'b' } }),
        'postgresql',
      ),
    ).toThrow(
      'PostgreSQL does not support ON DUPLICATE KEY UPDATE; use onConflictDoUpdate({ target, set }) or onConflictDoNothing().',
    );
    expect(() =>
      compileFor(insert(users).values({ name: 'a' }).onConflictDoNothing(), 'mariadb'),
    ).toThrow(
      'MariaDB does not support ON CONFLICT; use onDuplicateKeyUpdate({ set }) for MySQL/MariaDB.',
    );
  });

  it('refuses more bound parameters than the dialect allows', () => {
    const rows = Array.from({ length: 8200 }, (_, i) => ({
      name: `n${i}`,
      age: i,
      active: true,
      lastLogin: null,
    }));
    expect(() => compileFor(insert(users).values(rows), 'sqlite')).toThrow(
      'The statement has 32800 bound parameters but SQLite allows at most 32766; split the rows into smaller batches.',
    );
  });
});

describe('other bad input', () => {
  it('explains missing named parameters', () => {
    const err = thrown(() =>
      compileFor(select(users.c.id).where(users.c.id.eq(bindParam('id'))), 'postgresql'),
    );
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect(err.message).toBe(
      "A value is required for bind parameter 'id' (users.id); pass it in the parameters of execute().",
    );
  });

  it('explains a missing bind of text()', () => {
    expect(() =>
      text('SELECT * FROM users WHERE id = :id').compile(DIALECTS.sqlite).bind({}),
    ).toThrow(/A value is required for bind parameter 'id'/);
  });

  it('explains a select() used as a value', () => {
    expect(() => users.c.id.eq(select(addresses.c.userId) as never)).toThrow(
      'A select() was used where a single value is expected: call .scalarSubquery() on it (or use exists()/in()).',
    );
    expect(() => users.c.id.in(select(addresses.c.userId, addresses.c.email))).toThrow(
      'in() takes a select() of exactly one column, got 2 columns.',
    );
  });

  it('refuses ordering comparisons with null', () => {
    expect(() => users.c.age.gt(null)).toThrow(
      'Comparing users.age with null using > is always unknown in SQL; use isNull()/isNotNull().',
    );
  });

  it('refuses bad schema definitions', () => {
    const md = new MetaData();
    md.table('t', (t) => ({ id: t.integer().primaryKey() }));
    expect(() => md.table('t', (t) => ({ id: t.integer() }))).toThrow(
      "Table 't' is already defined for this MetaData instance; define each table once.",
    );
    expect(() => md.table('u', (t) => ({ a: t.integer('x'), b: t.text('x') }))).toThrow(
      "Table 'u': properties 'a' and 'b' both map to column 'x'.",
    );
    expect(() => md.table('v', () => ({}))).toThrow("Table 'v' needs at least one column.");
    expect(() => types.numeric(-1)).toThrow(
      'numeric precision must be a non-negative integer, got -1',
    );
    expect(() =>
      md.table('w', (t) => ({
        a: t.integer().references(() => users.c.id, { onDelete: 'explode' as never }),
      })),
    ).toThrow(
      'Foreign key on w(a): unknown referential action "explode"; use one of cascade, set null, set default, restrict, no action.',
    );
  });

  it('refuses negative limits and odd LIKE escapes', () => {
    expect(() => select(users.c.id).limit(-1)).toThrow('limit() takes an integer ≥ 0, got -1.');
    expect(() => users.c.name.like('x', { escape: '//' })).toThrow(
      'A LIKE escape must be one character, got "//".',
    );
  });
});
