import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/create-engine.js';
import { text } from '../../src/sql/text.js';
import { sqliteFileUrl } from '../helpers/databases.js';
import { captureLogger } from './helpers.js';

/** Log lines without the volatile timing. */
function normalise(lines: string[]): string[] {
  return lines.map((l) =>
    l
      .replace(/generated in \d+\.\d{5}s/, 'generated in Xs')
      .replace(/cached since [\d.e+-]+s ago/, 'cached since Xs ago'),
  );
}

describe('echo logging', () => {
  it('logs BEGIN (implicit), the SQL, stats with parameters, and COMMIT', async () => {
    const logger = captureLogger();
    const engine = createEngine(sqliteFileUrl(), { echo: true, logger });
    await engine.begin(async (c) => {
      await c.execute(text('CREATE TABLE eng_echo (id INTEGER, name TEXT)'));
      await c.execute(text('INSERT INTO eng_echo (id, name) VALUES (:id, :name)'), {
        id: 1,
        name: 'a',
      });
    });
    expect(normalise(logger.lines)).toEqual([
      'INFO BEGIN (implicit)',
      'INFO CREATE TABLE eng_echo (id INTEGER, name TEXT)',
      'INFO [generated in Xs] []',
      'INFO INSERT INTO eng_echo (id, name) VALUES (?, ?)',
      'INFO [generated in Xs] [1, "a"]',
      'INFO COMMIT',
    ]);
    await engine.dispose();
  });

  it('shows [cached since …] when the compiled statement is reused', async () => {
    const logger = captureLogger();
    const engine = createEngine('sqlite://', { echo: true, logger });
    const q = text('SELECT :x AS x');
    const c = await engine.connect();
    await c.execute(q, { x: 1 });
    await c.execute(q, { x: 2 });
    await c.rollback();
    await c.close();
    expect(normalise(logger.lines)).toEqual([
      'INFO BEGIN (implicit)',
      'INFO SELECT ? AS x',
      'INFO [generated in Xs] [1]',
      'INFO SELECT ? AS x',
      'INFO [cached since Xs ago] [2]',
      'INFO ROLLBACK',
    ]);
  });

  it("echo: 'debug' adds the column names and every row", async () => {
    const logger = captureLogger();
    const engine = createEngine('sqlite://', { echo: 'debug', logger });
    const c = await engine.connect();
    (await c.execute(text("SELECT 5 AS a, 'y' AS b UNION ALL SELECT 6, 'z'"))).all();
    await c.close();
    expect(normalise(logger.lines).slice(1)).toEqual([
      "INFO SELECT 5 AS a, 'y' AS b UNION ALL SELECT 6, 'z'",
      'INFO [generated in Xs] []',
      'DEBUG Col ["a", "b"]',
      'DEBUG Row [5, "y"]',
      'DEBUG Row [6, "z"]',
      'INFO ROLLBACK',
    ]);
  });

  it('hideParameters hides values from the log', async () => {
    const logger = captureLogger();
    const engine = createEngine('sqlite://', { echo: true, hideParameters: true, logger });
    const c = await engine.connect();
    await c.execute(text('SELECT :secret'), { secret: 'hunter2' });
    await c.close();
    expect(logger.text()).toContain('[SQL parameters hidden due to hideParameters=true]');
    expect(logger.text()).not.toContain('hunter2');
  });

  it('executemany logs are truncated to 10 parameter sets', async () => {
    const logger = captureLogger();
    const engine = createEngine('sqlite://', { echo: true, logger });
    const c = await engine.connect();
    await c.execute(text('CREATE TABLE t (x INTEGER)'));
    await c.execute(
      text('INSERT INTO t (x) VALUES (:x)'),
      Array.from({ length: 100 }, (_, x) => ({ x })),
    );
    await c.close();
    const line = logger.lines.find((l) => l.includes('displaying'));
    expect(line).toContain('... displaying 10 of 100 total bound parameter sets ...');
    expect(line).toContain('[98], [99]]');
  });

  it('logs raw SQL as [raw sql], and autocommit messages', async () => {
    const logger = captureLogger();
    const engine = createEngine('sqlite://', { echo: true, logger, isolationLevel: 'AUTOCOMMIT' });
    const c = await engine.connect();
    await c.execDriverSql('SELECT ?', [1]);
    await c.commit();
    await c.execDriverSql('SELECT 2');
    await c.rollback();
    await c.close();
    expect(normalise(logger.lines)).toEqual([
      'INFO BEGIN (implicit; DBAPI should not BEGIN due to autocommit mode)',
      'INFO SELECT ?',
      'INFO [raw sql] [1]',
      'INFO COMMIT using DBAPI connection.commit(), has no effect due to autocommit mode',
      'INFO BEGIN (implicit; DBAPI should not BEGIN due to autocommit mode)',
      'INFO SELECT 2',
      'INFO [raw sql] []',
      'INFO ROLLBACK using DBAPI connection.rollback(), has no effect due to autocommit mode',
    ]);
  });

  it('prefixes every line with the loggingToken', async () => {
    const logger = captureLogger();
    const engine = createEngine('sqlite://', { echo: true, logger });
    const c = await engine.connect();
    c.executionOptions({ loggingToken: 't1' });
    await c.execute(text('SELECT 1'));
    await c.close();
    expect(logger.lines.every((l) => l.startsWith('INFO [t1] '))).toBe(true);
  });

  it('logs savepoints', async () => {
    const logger = captureLogger();
    const engine = createEngine('sqlite://', { echo: true, logger });
    await engine.begin(async (c) => {
      const sp = await c.beginNested();
      await sp.rollback();
      await c.beginNested(async () => undefined);
    });
    expect(logger.lines).toEqual([
      'INFO BEGIN (implicit)',
      'INFO SAVEPOINT sa_savepoint_1',
      'INFO ROLLBACK TO SAVEPOINT sa_savepoint_1',
      'INFO SAVEPOINT sa_savepoint_2',
      'INFO RELEASE SAVEPOINT sa_savepoint_2',
      'INFO COMMIT',
    ]);
  });

  it('engine.echo can be switched on later; a connection samples it when created', async () => {
    const logger = captureLogger();
    const engine = createEngine('sqlite://', { logger });
    const quiet = await engine.connect();
    engine.echo = true;
    await quiet.execute(text('SELECT 1'));
    expect(logger.lines).toEqual([]);
    await quiet.close();
    const loud = await engine.connect();
    await loud.execute(text('SELECT 1'));
    await loud.close();
    expect(logger.lines.length).toBeGreaterThan(0);
  });

  it('echoPool logs checkouts, checkins, invalidations and dispose', async () => {
    const logger = captureLogger();
    const engine = createEngine(sqliteFileUrl(), { echoPool: 'debug', logger });
    const c = await engine.connect();
    await c.execute(text('SELECT 1'));
    await c.invalidate();
    await c.rollback();
    await c.execute(text('SELECT 1'));
    await c.close();
    await engine.dispose();
    const log = logger.text();
    expect(log).toMatch(/Created new connection <connection \d+>/);
    expect(log).toMatch(/Connection <connection \d+> checked out from pool/);
    expect(log).toMatch(/Invalidate connection <connection \d+>/);
    expect(log).toMatch(/Connection <connection \d+> being returned to pool/);
    expect(log).toContain('Pool disposed.');
    expect(log).toContain('Pool recreating');
  });
});
