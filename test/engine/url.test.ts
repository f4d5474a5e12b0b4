import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import { URL, makeUrl } from '../../src/engine/url.js';

describe('URL parsing', () => {
  it('parses every part of a full URL', () => {
    const u = makeUrl(
      'postgresql+pg://scott:tiger@db.example.com:5433/app?sslmode=require&application_name=x',
    );
    expect(u.drivername).toBe('postgresql+pg');
    expect(u.getBackendName()).toBe('postgresql');
    expect(u.getDriverName()).toBe('pg');
    expect(u.username).toBe('scott');
    expect(u.password).toBe('tiger');
    expect(u.host).toBe('db.example.com');
    expect(u.port).toBe(5433);
    expect(u.database).toBe('app');
    expect(u.query).toEqual({ sslmode: 'require', application_name: 'x' });
  });

  it('reads a URL without driver as the dialect default driver (null)', () => {
    expect(makeUrl('mysql://root@127.0.0.1:3306/test').getDriverName()).toBeNull();
  });

  it('accepts postgres:// as postgresql://', () => {
    const u = makeUrl('postgres://u@h/db');
    expect(u.drivername).toBe('postgresql');
    expect(u.getBackendName()).toBe('postgresql');
  });

  it('decodes percent-encoded passwords and usernames', () => {
    const u = makeUrl('dbtype://user:pass word + other%3Awords@host/dbname');
    expect(u.password).toBe('pass word + other:words');
    expect(String(u)).toBe('dbtype://user:***@host/dbname');
    expect(u.renderAsString({ hidePassword: false })).toBe(
      'dbtype://user:pass word + other%3Awords@host/dbname',
    );
    const v = makeUrl('dbtype://username:apples%40oranges%40%40@hostspec/database');
    expect(v.password).toBe('apples@oranges@@');
    const w = makeUrl('dbtype://username%40:@hostspec/database');
    expect(w.username).toBe('username@');
    expect(w.password).toBe('');
    expect(String(w)).toBe('dbtype://username%40:***@hostspec/database');
  });

  it('parses the SQLite forms', () => {
    expect(makeUrl('sqlite://').database).toBeNull();
    expect(makeUrl('sqlite:///:memory:').database).toBe(':memory:');
    expect(makeUrl('sqlite:///relative/file.db').database).toBe('relative/file.db');
    expect(makeUrl('sqlite:////absolute/file.db').database).toBe('/absolute/file.db');
    expect(makeUrl('sqlite:////usr/local/_xtest@example.com/members.db').database).toBe(
      '/usr/local/_xtest@example.com/members.db',
    );
  });

  it('parses IPv6 hosts and re-brackets them', () => {
    const u = makeUrl('dbtype://[2001:da8:2004:1000:202:116:160:90]:80/database?foo=bar');
    expect(u.host).toBe('2001:da8:2004:1000:202:116:160:90');
    expect(u.port).toBe(80);
    expect(u.renderAsString({ hidePassword: false })).toBe(
      'dbtype://[2001:da8:2004:1000:202:116:160:90]:80/database?foo=bar',
    );
  });

  it('keeps repeated query keys as lists and renders keys sorted', () => {
    const u = makeUrl('dbtype://h/db?b=2&a=1&a=3&c=x%20y');
    expect(u.query).toEqual({ b: '2', a: ['1', '3'], c: 'x y' });
    expect(u.renderAsString()).toBe('dbtype://h/db?a=1&a=3&b=2&c=x+y');
  });

  it('allows a query without a database and a database with @ and spaces', () => {
    expect(makeUrl('dbtype://host?x=1').database).toBeNull();
    expect(makeUrl('dbtype://host/my db@x').database).toBe('my db@x');
  });

  it('round-trips through renderAsString without hiding the password', () => {
    for (const s of [
      'postgresql://scott:ti%40ger@localhost:5432/test?sslmode=require',
      'sqlite:////tmp/x.db',
      'mysql+mysql2://root@127.0.0.1:3306/test',
      'dbtype://us%C3%A9r:p%C3%A1ss@host/db',
    ]) {
      const u = makeUrl(s);
      expect(URL.parse(u.renderAsString({ hidePassword: false })).equals(u)).toBe(true);
    }
  });

  it('never prints the password: toString, JSON, inspect, template strings', () => {
    const u = makeUrl('postgresql://app:s3cret@db/app');
    expect(String(u)).not.toContain('s3cret');
    expect(`${u}`).not.toContain('s3cret');
    expect(JSON.stringify({ u })).not.toContain('s3cret');
    expect(inspect(u, { depth: 5 })).not.toContain('s3cret');
    expect(inspect({ nested: u }, { depth: 5, showHidden: true })).not.toContain('s3cret');
    expect(String(u)).toBe('postgresql://app:***@db/app');
  });

  it('set() and query helpers return changed copies', () => {
    const u = makeUrl('postgresql://a:b@h/db?x=1');
    const v = u.set({ database: 'other', port: 1234 });
    expect(v.database).toBe('other');
    expect(v.port).toBe(1234);
    expect(v.password).toBe('b');
    expect(u.database).toBe('db');
    expect(u.updateQueryDict({ y: '2' }).query).toEqual({ x: '1', y: '2' });
    expect(u.differenceUpdateQuery(['x']).query).toEqual({});
    expect(Object.isFrozen(u)).toBe(true);
  });

  it('URL.create builds without escaping', () => {
    const u = URL.create({
      drivername: 'postgresql',
      username: 'me',
      password: 'p@ss/w:rd',
      host: 'db',
    });
    expect(u.password).toBe('p@ss/w:rd');
    expect(URL.parse(u.renderAsString({ hidePassword: false })).password).toBe('p@ss/w:rd');
  });

  it('refuses what it cannot parse', () => {
    expect(() => makeUrl('notarealurl')).toThrow(ArgumentError);
    expect(() => makeUrl('notarealurl')).toThrow(
      'Could not parse SQLAlchemy URL from given URL string',
    );
    expect(() => makeUrl('postgresql://h:notaport/db')).toThrow(/Invalid port 'notaport'/);
    expect(() => makeUrl(42 as unknown as string)).toThrow(ArgumentError);
  });
});
