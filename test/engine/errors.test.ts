import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DBAPIError } from '../../src/errors.js';
import { DataError, IntegrityError, OperationalError, ProgrammingError } from '../../src/errors.js';
import { createEngine } from '../../src/engine/create-engine.js';
import type { Engine } from '../../src/engine/engine.js';
import { text } from '../../src/sql/text.js';
import { allDatabases, serverDatabase } from '../helpers/databases.js';
import { captureLogger } from './helpers.js';

const T = 'eng_err_users';

for (const db of allDatabases()) {
  describe.skipIf(db.url === undefined)(`driver errors are wrapped on ${db.name}`, () => {
    let engine: Engine;

    beforeAll(async () => {
      engine = createEngine(db.url as string);
      await engine.begin(async (c) => {
        await c.execute(text(`DROP TABLE IF EXISTS ${T}`));
        await c.execute(
          text(`CREATE TABLE ${T} (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL UNIQUE)`),
        );
        await c.execute(text(`INSERT INTO ${T} (id, name) VALUES (1, 'taken')`));
      });
    });

    afterAll(async () => {
      await engine.begin(async (c) => void (await c.execute(text(`DROP TABLE IF EXISTS ${T}`))));
      await engine.dispose();
    });

    it('a unique violation is an IntegrityError with the statement and parameters', async () => {
      const c = await engine.connect();
      const err = await c
        .execute(text(`INSERT INTO ${T} (id, name) VALUES (:id, :name)`), { id: 2, name: 'taken' })
        .catch((e: unknown) => e);
      await c.close();
      expect(err).toBeInstanceOf(IntegrityError);
      const e = err as IntegrityError;
      expect(e.statement).toMatch(new RegExp(`^INSERT INTO ${T} \\(id, name\\) VALUES`));
      expect(e.params).toEqual([2, 'taken']);
      expect(e.orig).toBeInstanceOf(Error);
      expect(e.connectionInvalidated).toBe(false);
      expect(e.code).toBe('gkpj');
      expect(e.message).toContain(`[SQL: INSERT INTO ${T}`);
      expect(e.message).toContain('[parameters: [2, "taken"]]');
    });

    it('a NOT NULL violation is an IntegrityError', async () => {
      const c = await engine.connect();
      const err = await c
        .execute(text(`INSERT INTO ${T} (id, name) VALUES (:id, :name)`), { id: 3, name: null })
        .catch((e: unknown) => e);
      await c.close();
      expect(err).toBeInstanceOf(IntegrityError);
    });

    it('a syntax error is a ProgrammingError, and so is a missing table', async () => {
      const c = await engine.connect();
      const syntax = await c.execute(text('SELEC 1')).catch((e: unknown) => e);
      expect(syntax).toBeInstanceOf(ProgrammingError);
      expect((syntax as ProgrammingError).statement).toBe('SELEC 1');
      await c.rollback();
      const missing = await c
        .execute(text('SELECT * FROM eng_err_no_such_table'))
        .catch((e: unknown) => e);
      expect(missing).toBeInstanceOf(ProgrammingError);
      await c.close();
    });

    // SQLite does not enforce VARCHAR lengths, so this one is for the servers.
    const onServers: typeof it =
      db.name === 'sqlite' ? ((() => undefined) as unknown as typeof it) : it;
    onServers('a too-long value is a DataError', async () => {
      const c = await engine.connect();
      const err = await c
        .execute(text(`INSERT INTO ${T} (id, name) VALUES (:id, :name)`), {
          id: 9,
          name: 'x'.repeat(50),
        })
        .catch((e: unknown) => e);
      await c.close();
      expect(err).toBeInstanceOf(DataError);
    });

    it('the connection stays usable after an error that is not a disconnect', async () => {
      const c = await engine.connect();
      const driver = c.driverConnection;
      await c.execute(text('SELEC 1')).catch(() => undefined);
      await c.rollback();
      expect(Number(await c.scalar(text('SELECT 1')))).toBe(1);
      expect(c.driverConnection).toBe(driver);
      expect(c.invalidated).toBe(false);
      await c.close();
    });

    it('hideParameters keeps values out of the message and the error object', async () => {
      const hidden = createEngine(db.url as string, { hideParameters: true });
      const c = await hidden.connect();
      const err = (await c
        .execute(text(`INSERT INTO ${T} (id, name) VALUES (:id, :name)`), { id: 4, name: 'taken' })
        .catch((e: unknown) => e)) as DBAPIError;
      await c.close();
      await hidden.dispose();
      expect(err).toBeInstanceOf(IntegrityError);
      expect(err.message).toContain('[SQL parameters hidden due to hideParameters=true]');
      expect(err.message).not.toContain('taken"');
      expect(err.params).toBeUndefined();
    });
  });
}

const pgDb = serverDatabase('postgresql');
describe.skipIf(pgDb.url === undefined)('connect errors never show the password', () => {
  it('a wrong database with a password in the URL', async () => {
    const logger = captureLogger();
    const host = new globalThis.URL((pgDb.url as string).replace(/^postgresql:/, 'http:'));
    const url = `postgresql://postgres:s3cret@${host.host}/nonexistent_db`;
    const engine = createEngine(url, { echo: true, echoPool: 'debug', logger });
    const err = await engine.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationalError);
    const shown = [
      String(err),
      (err as Error).message,
      (err as Error).stack ?? '',
      inspect(err, { depth: 10, showHidden: true }),
      JSON.stringify(err),
      String(engine),
      inspect(engine, { depth: 5 }),
      logger.text(),
    ].join('\n');
    expect(shown).toContain('nonexistent_db');
    expect(shown).not.toContain('s3cret');
    expect((err as OperationalError).connectionInvalidated).toBe(false);
    expect(engine.pool.checkedOut).toBe(0);
    await engine.dispose();
  });

  it('an unreachable server', async () => {
    const engine = createEngine('postgresql://postgres:s3cret@127.0.0.1:1/x?connect_timeout=2');
    const err = await engine.connect().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationalError);
    expect(inspect(err, { depth: 10, showHidden: true })).not.toContain('s3cret');
    await engine.dispose();
  });
});
