/**
 * The mysql2 adapter runs transactions with the session's `autocommit` off instead of sending
 * BEGIN. These tests check that transactions, AUTOCOMMIT connections, savepoints and
 * transaction-control SQL behave exactly as they do with an explicit BEGIN, and count the
 * statements sent to show that the BEGIN round trip is gone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/create-engine.js';
import type { Connection } from '../../src/engine/connection.js';
import type { Engine } from '../../src/engine/engine.js';
import { text } from '../../src/sql/text.js';
import { serverDatabase } from '../helpers/databases.js';

const db = serverDatabase('mariadb');
const T = 'mysql_autocommit_items';

describe.skipIf(db.url === undefined)('mysql2 transactions without BEGIN', () => {
  let engine: Engine;

  const count = async (conn: Connection): Promise<number> =>
    Number(await conn.scalar(text(`SELECT count(*) FROM ${T}`)));

  /** Counts rows from a connection of its own, in a fresh transaction. */
  const countElsewhere = async (): Promise<number> => {
    const other = await engine.connect();
    try {
      return await count(other);
    } finally {
      await other.close();
    }
  };

  /** The SQL texts sent through the raw mysql2 connection of `conn` while `work` runs. */
  const sentDuring = async (conn: Connection, work: () => Promise<void>): Promise<string[]> => {
    const raw = conn.driverConnection as {
      query: (...args: unknown[]) => unknown;
      execute: (...args: unknown[]) => unknown;
    };
    const sent: string[] = [];
    const query = raw.query;
    const execute = raw.execute;
    raw.query = (...args: unknown[]) => (sent.push(String(args[0])), query.apply(raw, args));
    raw.execute = (...args: unknown[]) => (sent.push(String(args[0])), execute.apply(raw, args));
    try {
      await work();
    } finally {
      raw.query = query;
      raw.execute = execute;
    }
    return sent;
  };

  beforeAll(async () => {
    engine = createEngine(db.url as string, { poolSize: 2 });
    await engine.begin(async (c) => {
      await c.execute(text(`DROP TABLE IF EXISTS ${T}`));
      await c.execute(text(`CREATE TABLE ${T} (id INTEGER PRIMARY KEY) ENGINE=InnoDB`));
    });
  });

  afterAll(async () => {
    await engine.begin(async (c) => void (await c.execute(text(`DROP TABLE IF EXISTS ${T}`))));
    await engine.dispose();
  });

  const clear = () => engine.begin(async (c) => void (await c.execute(text(`DELETE FROM ${T}`))));

  it('sends no BEGIN: the first statement opens the transaction, COMMIT ends it', async () => {
    await clear();
    const conn = await engine.connect();
    await conn.execute(text('SELECT 1')); // the connection has run one transaction already
    await conn.commit();
    const sent = await sentDuring(conn, async () => {
      await conn.execute(text(`INSERT INTO ${T} (id) VALUES (1)`));
      expect(await countElsewhere()).toBe(0);
      await conn.commit();
    });
    expect(sent).toEqual([`INSERT INTO ${T} (id) VALUES (1)`, 'COMMIT']);
    expect(await countElsewhere()).toBe(1);
    await conn.close();
  });

  it('ROLLBACK discards the transaction, and the next one starts clean', async () => {
    await clear();
    const conn = await engine.connect();
    await conn.execute(text(`INSERT INTO ${T} (id) VALUES (1)`));
    await conn.rollback();
    expect(await count(conn)).toBe(0);
    await conn.execute(text(`INSERT INTO ${T} (id) VALUES (2)`));
    await conn.commit();
    expect(await countElsewhere()).toBe(1);
    await conn.close();
  });

  it('a read transaction takes its snapshot at the first read, as after BEGIN', async () => {
    await clear();
    const reader = await engine.connect();
    await reader.execute(text('SELECT 1 FROM DUAL')); // no table read yet
    await engine.begin(async (c) => void (await c.execute(text(`INSERT INTO ${T} VALUES (1)`))));
    expect(await count(reader)).toBe(1);
    await engine.begin(async (c) => void (await c.execute(text(`INSERT INTO ${T} VALUES (2)`))));
    expect(await count(reader)).toBe(1); // REPEATABLE READ: the snapshot of the first read
    await reader.rollback();
    expect(await count(reader)).toBe(2);
    await reader.close();
  });

  it('an AUTOCOMMIT connection commits each statement, also after transactions', async () => {
    await clear();
    const conn = await engine.connect();
    await conn.execute(text(`INSERT INTO ${T} (id) VALUES (1)`));
    await conn.commit();
    conn.executionOptions({ isolationLevel: 'AUTOCOMMIT' });
    await conn.execute(text(`INSERT INTO ${T} (id) VALUES (2)`));
    expect(await countElsewhere()).toBe(2);
    expect(Number(await conn.scalar(text('SELECT @@autocommit')))).toBe(1);
    await conn.rollback(); // no effect in AUTOCOMMIT mode
    expect(await countElsewhere()).toBe(2);
    await conn.close();
    // Back in the pool the connection runs transactions again.
    const again = await engine.connect();
    await again.execute(text(`INSERT INTO ${T} (id) VALUES (3)`));
    expect(await countElsewhere()).toBe(2);
    await again.rollback();
    await again.close();
  });

  it('a savepoint can be the first statement of a transaction', async () => {
    await clear();
    const conn = await engine.connect();
    await conn.execute(text('SELECT 1')); // the connection has run one transaction already
    await conn.commit();
    const nested = await conn.beginNested();
    await conn.execute(text(`INSERT INTO ${T} (id) VALUES (1)`));
    await nested.rollback();
    await conn.execute(text(`INSERT INTO ${T} (id) VALUES (2)`));
    await conn.commit();
    expect(await countElsewhere()).toBe(1);
    await conn.close();
  });

  it('after COMMIT sent as SQL, later statements commit on their own, as after BEGIN', async () => {
    await clear();
    const conn = await engine.connect();
    await conn.execute(text(`INSERT INTO ${T} (id) VALUES (1)`));
    await conn.execute(text('COMMIT'));
    await conn.execute(text(`INSERT INTO ${T} (id) VALUES (2)`));
    expect(await countElsewhere()).toBe(2);
    await conn.rollback();
    expect(await countElsewhere()).toBe(2);
    await conn.close();
  });

  it('ROLLBACK TO SAVEPOINT sent as SQL keeps the transaction open', async () => {
    await clear();
    const conn = await engine.connect();
    await conn.execute(text(`INSERT INTO ${T} (id) VALUES (1)`));
    await conn.execute(text('SAVEPOINT sp_sql'));
    await conn.execute(text(`INSERT INTO ${T} (id) VALUES (2)`));
    await conn.execute(text('ROLLBACK TO SAVEPOINT sp_sql'));
    expect(await count(conn)).toBe(1);
    expect(await countElsewhere()).toBe(0);
    await conn.rollback();
    expect(await countElsewhere()).toBe(0);
    await conn.close();
  });

  it('BEGIN sent as SQL opens a transaction that the connection then ends', async () => {
    await clear();
    const conn = await engine.connect();
    await conn.execute(text(`INSERT INTO ${T} (id) VALUES (1)`));
    await conn.execute(text('BEGIN')); // commits the insert, as MySQL does
    await conn.execute(text(`INSERT INTO ${T} (id) VALUES (2)`));
    expect(await countElsewhere()).toBe(1);
    await conn.rollback();
    expect(await countElsewhere()).toBe(1);
    await conn.close();
  });

  it('with autocommit set by SQL, transactions still begin and end', async () => {
    await clear();
    const conn = await engine.connect();
    await conn.execute(text('SET autocommit = 1'));
    await conn.commit();
    await conn.execute(text(`INSERT INTO ${T} (id) VALUES (1)`));
    expect(await countElsewhere()).toBe(0);
    await conn.rollback();
    await conn.execute(text(`INSERT INTO ${T} (id) VALUES (2)`));
    await conn.commit();
    expect(await countElsewhere()).toBe(1);
    await conn.close();
  });
});
