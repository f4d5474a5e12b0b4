import { describe, expect, it } from 'vitest';
import { ArgumentError, InvalidRequestError } from '../../src/errors.js';
import { sql, text } from '../../src/sql/text.js';
import { sqliteFlavour } from '../../src/dialects/sqlite/flavour.js';
import { postgresqlFlavour } from '../../src/dialects/postgresql/flavour.js';
import { mysqlFlavour } from '../../src/dialects/mysql/flavour.js';

describe('text()', () => {
  it('turns :name binds into the dialect placeholders', () => {
    const t = text('SELECT * FROM t WHERE a = :a AND b = :b');
    expect(t.compile(sqliteFlavour).sql).toBe('SELECT * FROM t WHERE a = ? AND b = ?');
    expect(t.compile(postgresqlFlavour).sql).toBe('SELECT * FROM t WHERE a = $1 AND b = $2');
    expect(t.compile(postgresqlFlavour).bind({ a: 1, b: 'x' })).toEqual([1, 'x']);
  });

  it('reuses one numbered placeholder for a repeated name, and repeats ? for positional', () => {
    const t = text('SELECT :x + :y + :x');
    expect(t.compile(postgresqlFlavour).sql).toBe('SELECT $1 + $2 + $1');
    expect(t.compile(postgresqlFlavour).bind({ x: 1, y: 2 })).toEqual([1, 2]);
    expect(t.compile(sqliteFlavour).sql).toBe('SELECT ? + ? + ?');
    expect(t.compile(sqliteFlavour).bind({ x: 1, y: 2 })).toEqual([1, 2, 1]);
  });

  it('leaves PostgreSQL casts, escaped colons, quoted text and comments alone', () => {
    const t = text(
      "SELECT :v::int, '10:30:00', 'a :not', \"col:x\", x\\:y -- :c\n /* :d */ FROM t WHERE a=:a",
    );
    expect(t.compile(postgresqlFlavour).sql).toBe(
      "SELECT $1::int, '10:30:00', 'a :not', \"col:x\", x:y -- :c\n /* :d */ FROM t WHERE a=$2",
    );
    expect(t.bindNames).toEqual(['v', 'a']);
  });

  it('understands backslash escapes in MySQL strings only', () => {
    const t = text("SELECT 'it\\'s :no', :yes");
    expect(t.compile(mysqlFlavour).sql).toBe("SELECT 'it\\'s :no', ?");
  });

  it('raises for a missing bind instead of sending NULL', () => {
    const c = text('SELECT :x').compile(sqliteFlavour);
    expect(() => c.bind({})).toThrow(InvalidRequestError);
    expect(() => c.bind({})).toThrow("A value is required for bind parameter 'x'");
    expect(() => c.bind({ x: undefined })).toThrow(/'x'/);
    expect(c.bind({ x: null })).toEqual([null]);
  });

  it('compiles once per dialect', () => {
    const t = text('SELECT :a');
    expect(t.compile(sqliteFlavour)).toBe(t.compile(sqliteFlavour));
    expect(t.compile(sqliteFlavour)).not.toBe(t.compile(postgresqlFlavour));
    expect(t.compile(sqliteFlavour).compiledAt).toBeTypeOf('number');
  });

  it('bindparams() fixes values, columns() declares result keys', () => {
    const t = text('SELECT :a, :b').bindparams({ a: 1 });
    expect(t.compile(sqliteFlavour).bind({ b: 2 })).toEqual([1, 2]);
    expect(t.compile(sqliteFlavour).bind({ a: 5, b: 2 })).toEqual([5, 2]);
    expect(() => text('SELECT :a').bindparams({ z: 1 })).toThrow(ArgumentError);
    expect(text('SELECT 1 AS x').columns('x').compile(sqliteFlavour).resultKeys).toEqual(['x']);
  });

  it('guesses whether rows come back', () => {
    expect(text('SELECT 1').compile(sqliteFlavour).returnsRows).toBe(true);
    expect(text('  with x as (select 1) select * from x').compile(sqliteFlavour).returnsRows).toBe(
      true,
    );
    expect(text('INSERT INTO t VALUES (1)').compile(sqliteFlavour).returnsRows).toBe(false);
    expect(text('INSERT INTO t VALUES (1) RETURNING id').compile(sqliteFlavour).returnsRows).toBe(
      true,
    );
    expect(text('UPDATE t SET a = 1').compile(sqliteFlavour).statementKind).toBe('text');
  });

  it('refuses a non-string', () => {
    expect(() => text(5 as never)).toThrow(ArgumentError);
  });
});

describe('the sql`` tag', () => {
  it('binds every interpolation, never splices it', () => {
    const evil = "'; DROP TABLE users; --";
    const c = sql`SELECT * FROM users WHERE name = ${evil} AND id = ${3}`.compile(
      postgresqlFlavour,
    );
    expect(c.sql).toBe('SELECT * FROM users WHERE name = $1 AND id = $2');
    expect(c.bind()).toEqual([evil, 3]);
  });

  it('splices nested fragments and text(), keeping their binds', () => {
    const where = sql`id = ${5}`;
    const c = sql`SELECT * FROM t WHERE ${where} AND ${text('name = :n')}`.compile(
      postgresqlFlavour,
    );
    expect(c.sql).toBe('SELECT * FROM t WHERE id = $1 AND name = $2');
    expect(c.bind({ n: 'x' })).toEqual([5, 'x']);
  });

  it('quotes identifiers by dialect and joins lists', () => {
    const q = sql`SELECT ${sql.identifier('order')} FROM ${sql.identifier('s', 'Tbl')} WHERE id IN (${sql.join([1, 2, 3])})`;
    expect(q.compile(postgresqlFlavour).sql).toBe(
      'SELECT "order" FROM s."Tbl" WHERE id IN ($1, $2, $3)',
    );
    expect(q.compile(mysqlFlavour).sql).toBe('SELECT `order` FROM s.`Tbl` WHERE id IN (?, ?, ?)');
    expect(() => sql.identifier('')).toThrow(ArgumentError);
    expect(() => sql.identifier('a\0b')).toThrow(ArgumentError);
  });

  it('splices unsafeRaw() text verbatim', () => {
    expect(sql`SELECT 1 ${sql.unsafeRaw('+ 1')}`.compile(sqliteFlavour).sql).toBe('SELECT 1 + 1');
  });

  it('compiles a call site once per dialect', () => {
    const make = (v: number) => sql`SELECT ${v}`;
    const a = make(1).compile(sqliteFlavour);
    const b = make(2).compile(sqliteFlavour);
    expect(a.compiledAt).toBe(b.compiledAt);
    expect(b.bind()).toEqual([2]);
  });

  it('refuses undefined values', () => {
    expect(() => sql`SELECT ${undefined}`.compile(sqliteFlavour)).toThrow(/pass null for SQL NULL/);
  });

  it('exposes its parts for splicing into larger statements', () => {
    expect(sql`a = ${1} AND ${sql.identifier('b')} = ${text(':c')}`.toParts()).toEqual([
      { kind: 'text', text: 'a = ' },
      { kind: 'value', value: 1 },
      { kind: 'text', text: ' AND ' },
      { kind: 'identifier', names: ['b'] },
      { kind: 'text', text: ' = ' },
      { kind: 'bind', name: 'c' },
    ]);
  });
});
