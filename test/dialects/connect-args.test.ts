import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import { makeUrl } from '../../src/engine/url.js';
import { createDialect } from '../../src/dialects/registry.js';
import { MysqlDialect } from '../../src/dialects/mysql/dialect.js';
import { mariadbFlavour, mysqlFlavour } from '../../src/dialects/mysql/flavour.js';
import { PostgresqlDialect } from '../../src/dialects/postgresql/dialect.js';
import { SqliteDialect } from '../../src/dialects/sqlite/dialect.js';

describe('SQLite connect arguments', () => {
  const d = new SqliteDialect();
  it('resolves relative paths against the working directory and keeps absolute ones', () => {
    expect(d.createConnectArgs(makeUrl('sqlite:///data/app.db'), {}).filename).toBe(
      resolve(process.cwd(), 'data/app.db'),
    );
    expect(d.createConnectArgs(makeUrl('sqlite:////tmp/app.db'), {}).filename).toBe('/tmp/app.db');
  });

  it('recognises every in-memory form and picks the pool for it', () => {
    for (const u of ['sqlite://', 'sqlite:///:memory:', 'sqlite:///x.db?mode=memory']) {
      const args = d.createConnectArgs(makeUrl(u), {});
      expect(args.memory).toBe(true);
      expect(d.defaultPoolClass(args)).toBe('SingletonThreadPool');
    }
    expect(d.defaultPoolClass(d.createConnectArgs(makeUrl('sqlite:///f.db'), {}))).toBe(
      'QueuePool',
    );
  });

  it('splits Athanor options from driver options and validates pragma names', () => {
    const args = d.createConnectArgs(makeUrl('sqlite:///f.db?mode=ro'), {
      pragmas: { foreign_keys: true },
      statementCacheSize: 10,
      verbose: undefined,
    });
    expect(args.driverOptions).toEqual({ readonly: true, verbose: undefined });
    expect(args.pragmas).toEqual({ foreign_keys: true });
    expect(args.statementCacheSize).toBe(10);
    expect(args.safeIntegers).toBeUndefined(); // exact integers, checked per row set
    expect(() => d.createConnectArgs(makeUrl('sqlite://'), { pragmas: { 'x; DROP': 1 } })).toThrow(
      ArgumentError,
    );
    expect(() => d.createConnectArgs(makeUrl('sqlite://'), { safeIntegers: 'yes' })).toThrow(
      /safeIntegers must be a boolean/,
    );
  });
});

describe('PostgreSQL connect arguments', () => {
  const d = new PostgresqlDialect();
  it('maps the URL to pg options and keeps the password out of enumerable keys', () => {
    const args = d.createConnectArgs(
      makeUrl(
        'postgresql://app:s3cret@db:6543/app?application_name=api&connect_timeout=3&sslmode=require',
      ),
      {},
    );
    expect(args).toMatchObject({
      host: 'db',
      port: 6543,
      user: 'app',
      database: 'app',
      application_name: 'api',
      connectionTimeoutMillis: 3000,
      ssl: { rejectUnauthorized: false },
      keepAlive: true,
    });
    expect(args.password).toBe('s3cret');
    expect(Object.keys(args)).not.toContain('password');
    expect(JSON.stringify(args)).not.toContain('s3cret');
  });

  it('lets connectArgs override and refuses a bad sslmode', () => {
    expect(d.createConnectArgs(makeUrl('postgresql://h/db'), { keepAlive: false }).keepAlive).toBe(
      false,
    );
    expect(d.createConnectArgs(makeUrl('postgresql://h/db'), {}).connectionTimeoutMillis).toBe(
      10_000,
    );
    expect(() => d.createConnectArgs(makeUrl('postgresql://h/db?sslmode=bogus'), {})).toThrow(
      /Invalid sslmode 'bogus'/,
    );
  });
});

describe('MySQL / MariaDB connect arguments', () => {
  it('sets the value-preserving defaults', () => {
    const args = new MysqlDialect().createConnectArgs(makeUrl('mysql://root:pw@h:3307/test'), {});
    expect(args).toMatchObject({
      host: 'h',
      port: 3307,
      user: 'root',
      database: 'test',
      supportBigNumbers: true,
      bigNumberStrings: false,
      decimalNumbers: false,
      timezone: 'Z',
      multipleStatements: false,
    });
    expect(Object.keys(args)).not.toContain('password');
  });

  it('uses MariaDB SQL upfront for mariadb:// and decides at connect for mysql://', () => {
    const maria = createDialect(makeUrl('mariadb://root@h/test'));
    expect(maria.sql).toBe(mariadbFlavour);
    expect(maria.name).toBe('mariadb');
    const my = createDialect(makeUrl('mysql+mysql2://root@h/test'));
    expect(my.sql).toBe(mysqlFlavour);
    expect(my.sqlSettled).toBe(false);
  });
});
