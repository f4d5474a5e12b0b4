/**
 * The MySQL/MariaDB cursor reads the result from the query's row events, pausing the socket
 * between batches: a connection killed while a stream is paused must fail the stream (a
 * dead connection reports to the connection, not to the query), never leave it waiting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/create-engine.js';
import type { Engine } from '../../src/engine/engine.js';
import { text } from '../../src/sql/text.js';
import { serverDatabase } from '../helpers/databases.js';

const db = serverDatabase('mariadb');

describe.skipIf(db.url === undefined)('MariaDB streaming cursor', () => {
  let engine: Engine;
  beforeAll(() => {
    engine = createEngine(db.url as string);
  });
  afterAll(async () => {
    await engine.dispose();
  });

  it('streams a large result in whole batches, every row once and in order', async () => {
    const conn = await engine.connect();
    try {
      const stream = await conn.stream(
        text('SELECT seq FROM seq_1_to_20000'),
        {},
        {
          yieldPer: 1000,
        },
      );
      let expected = 1;
      for (const row of await stream.tuples().fetchMany(1000)) {
        expect(Number(row[0])).toBe(expected++);
      }
      for await (const row of stream) expect(Number(row[0])).toBe(expected++);
      expect(expected).toBe(20001);
      expect(await conn.scalar<number>(text('SELECT 1 AS one'))).toBe(1);
    } finally {
      await conn.close();
    }
  });

  it('fails a stream whose connection is killed between batches', async () => {
    const conn = await engine.connect();
    const killer = await engine.connect();
    try {
      const threadId = conn.driverInfo.threadId as number;
      const stream = await conn.stream(
        text('SELECT seq FROM seq_1_to_1000000'),
        {},
        {
          yieldPer: 100,
        },
      );
      const tuples = stream.tuples();
      expect(await tuples.fetchMany(100)).toHaveLength(100);
      await killer.execDriverSql(`KILL ${threadId}`);
      await expect(async () => {
        for (;;) if ((await tuples.fetchMany(100)).length === 0) break;
      }).rejects.toThrow();
    } finally {
      await killer.close();
      await conn.close();
    }
  }, 20_000);
});
