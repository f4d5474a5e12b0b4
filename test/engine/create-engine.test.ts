import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import { createEngine } from '../../src/engine/create-engine.js';
import { NullPool, QueuePool, SingletonThreadPool, StaticPool } from '../../src/pool/index.js';
import { sqliteFileUrl } from '../helpers/databases.js';

describe('createEngine() options', () => {
  it('does not connect and uses SQLAlchemy defaults', async () => {
    const engine = createEngine('postgresql://nobody@127.0.0.1:1/none');
    expect(engine.pool).toBeInstanceOf(QueuePool);
    expect(engine.pool.status()).toBe(
      'Pool size: 5  Connections in pool: 0 Current Overflow: -5 Current Checked out connections: 0',
    );
    expect(engine.echo).toBe(false);
    expect(engine.queryCacheSize).toBe(500);
    expect(engine.name).toBe('postgresql');
    expect(engine.driver).toBe('pg');
    expect(String(engine)).toBe('Engine(postgresql://nobody@127.0.0.1:1/none)');
    await engine.dispose();
  });

  it('chooses the pool class per dialect like SQLAlchemy', async () => {
    const memory = createEngine('sqlite://');
    expect(memory.pool).toBeInstanceOf(SingletonThreadPool);
    expect(createEngine('sqlite:///:memory:').pool).toBeInstanceOf(SingletonThreadPool);
    expect(createEngine(sqliteFileUrl()).pool).toBeInstanceOf(QueuePool);
    expect(createEngine('mysql://root@127.0.0.1/test').pool).toBeInstanceOf(QueuePool);
    expect(createEngine('mariadb://root@127.0.0.1/test').pool).toBeInstanceOf(QueuePool);
    expect(createEngine('sqlite://', { poolClass: StaticPool }).pool).toBeInstanceOf(StaticPool);
  });

  it('refuses an unknown option, naming it', () => {
    expect(() => createEngine('sqlite://', { lala: 5 } as never)).toThrow(ArgumentError);
    expect(() => createEngine('sqlite://', { lala: 5 } as never)).toThrow(
      /Unknown option 'lala' passed to createEngine\(\)/,
    );
    expect(() => createEngine('sqlite://', { pool_size: 5 } as never)).toThrow(/'pool_size'/);
  });

  it('refuses a value of the wrong type, naming the option', () => {
    expect(() => createEngine('sqlite://', { echo: 'yes' } as never)).toThrow(
      /option 'echo': expected true, false or 'debug', got 'yes'/,
    );
    expect(() => createEngine(sqliteFileUrl(), { poolSize: -1 })).toThrow(/'poolSize'/);
    expect(() => createEngine(sqliteFileUrl(), { poolSize: 2.5 })).toThrow(/'poolSize'/);
    expect(() => createEngine(sqliteFileUrl(), { poolTimeout: 'x' } as never)).toThrow(
      /'poolTimeout'/,
    );
    expect(() => createEngine(sqliteFileUrl(), { hideParameters: 1 } as never)).toThrow(
      /'hideParameters'/,
    );
    expect(() => createEngine(sqliteFileUrl(), { connectArgs: 'x' } as never)).toThrow(
      /'connectArgs'/,
    );
    expect(() => createEngine(sqliteFileUrl(), { logger: {} } as never)).toThrow(/'logger'/);
    expect(() => createEngine(sqliteFileUrl(), { poolResetOnReturn: 'maybe' } as never)).toThrow(
      /'poolResetOnReturn'/,
    );
    expect(() =>
      createEngine(sqliteFileUrl(), { executionOptions: { bogus: 1 } } as never),
    ).toThrow(/Unknown execution option 'bogus'/);
  });

  it('refuses pool options the chosen pool class does not take', () => {
    expect(() => createEngine('sqlite://', { poolClass: StaticPool, maxOverflow: 5 })).toThrow(
      "Invalid argument(s) 'maxOverflow' sent to createEngine(), using configuration " +
        'sqlite/StaticPool/Engine. Please check that the options are appropriate for this ' +
        'combination of components.',
    );
    expect(() => createEngine('sqlite://', { maxOverflow: 1 })).toThrow(
      /Invalid argument\(s\) 'maxOverflow' sent to createEngine\(\), using configuration sqlite\/SingletonThreadPool\/Engine/,
    );
    expect(() =>
      createEngine('postgresql://u@h/db', { poolClass: NullPool, poolSize: 3, poolTimeout: 2 }),
    ).toThrow(
      /Invalid argument\(s\) 'poolSize','poolTimeout' sent to createEngine\(\), using configuration postgresql\/NullPool\/Engine/,
    );
    // Options every pool takes are fine everywhere.
    expect(() =>
      createEngine('sqlite://', { poolPrePing: true, poolRecycle: 10, echoPool: true }),
    ).not.toThrow();
  });

  it('accepts a ready pool, or a function building one from the engine verbs', async () => {
    const first = createEngine(sqliteFileUrl(), { poolSize: 2 });
    const second = createEngine(first.url, { pool: first.pool });
    expect(second.pool).toBe(first.pool);
    const third = createEngine(sqliteFileUrl(), { pool: (ops) => new NullPool(ops) });
    expect(third.pool).toBeInstanceOf(NullPool);
    const conn = await third.connect();
    await conn.close();
    expect(() => createEngine(first.url, { pool: first.pool, poolSize: 3 })).toThrow(
      /Invalid argument\(s\) 'poolSize'/,
    );
    await first.dispose();
    await third.dispose();
  });

  it('names the supported schemes for an unknown one', () => {
    expect(() => createEngine('oracle://scott@h/db')).toThrow(ArgumentError);
    expect(() => createEngine('oracle://scott@h/db')).toThrow(
      /unknown database 'oracle'.*sqlite:\/\/.*postgresql:\/\/.*mysql:\/\/.*mariadb:\/\//,
    );
    expect(() => createEngine('postgresql+psycopg2://u@h/db')).toThrow(
      /psycopg2 is a Python driver/,
    );
    expect(() => createEngine('mysql+nope://u@h/db')).toThrow(
      /Unknown driver 'nope' for mysql: supported drivers are mysql2/,
    );
  });

  it('refuses a SQLite URL with a user, host or port', () => {
    expect(() => createEngine('sqlite://user:pw@host/file.db')).toThrow(
      /Invalid SQLite URL: sqlite:\/\/user:\*\*\*@host\/file.db\nValid SQLite URL forms are:/,
    );
  });

  it('validates isolationLevel against the dialect', () => {
    expect(() => createEngine('postgresql://u@h/db', { isolationLevel: 'CHAOS' })).toThrow(
      "Invalid value 'CHAOS' for isolationLevel. Valid isolation levels for 'postgresql' are " +
        'AUTOCOMMIT, READ COMMITTED, READ UNCOMMITTED, REPEATABLE READ, SERIALIZABLE',
    );
    expect(() => createEngine('sqlite://', { isolationLevel: 'read_uncommitted' })).not.toThrow();
    expect(() => createEngine('sqlite://', { isolationLevel: 'REPEATABLE READ' })).toThrow(
      /Valid isolation levels for 'sqlite' are AUTOCOMMIT, READ UNCOMMITTED, SERIALIZABLE/,
    );
  });

  it('sets the SQL flavour upfront for mariadb:// and at first connect for mysql://', () => {
    const maria = createEngine('mariadb://root@127.0.0.1/test');
    expect(maria.dialect.sqlSettled).toBe(true);
    expect(maria.dialect.sql.supportsReturning).toBe(true);
    const my = createEngine('mysql://root@127.0.0.1/test');
    expect(my.dialect.sqlSettled).toBe(false);
    expect(my.dialect.sql.supportsReturning).toBe(false);
  });

  it('gives the engine its own compiled-statement cache with queryCacheSize', () => {
    const engine = createEngine('sqlite://', { queryCacheSize: 10 });
    expect(engine.queryCacheSize).toBe(10);
    expect(engine.dialect.sql.compiledCacheSize).toBe(10);
    expect(createEngine('sqlite://').dialect.sql.compiledCacheSize).toBeUndefined();
  });

  it('lets engine.echo be switched after creation', () => {
    const engine = createEngine('sqlite://', { echo: true });
    expect(engine.echo).toBe(true);
    engine.echo = 'debug';
    expect(engine.echo).toBe('debug');
  });
});
