import { describe, expect, it } from 'vitest';
import { QueuePool } from '../../src/pool/index.js';
import type { PoolOptions } from '../../src/pool/index.js';
import { CaptureLogger, FakeOps, settle } from './fake-ops.js';

function makePool(options: PoolOptions = {}) {
  const ops = new FakeOps();
  const logger = new CaptureLogger();
  const pool = new QueuePool(ops, { logger, ...options });
  return { ops, logger, pool };
}

describe('dispose', () => {
  it('closes idle connections and closes checked-out ones when they are returned', async () => {
    const { ops, pool } = makePool({ poolSize: 3 });
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => pool.checkout()));
    await a!.release();
    await b!.release();
    await pool.dispose();
    expect(ops.openIds()).toEqual([3]);
    expect(pool.status()).toBe(
      'Pool size: 3  Connections in pool: 0 Current Overflow: -2 Current Checked out connections: 1',
    );
    expect(c!.connection.closed).toBe(false);
    await c!.release();
    expect(ops.open.size).toBe(0);
    expect(ops.resets.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(pool.status()).toBe(
      'Pool size: 3  Connections in pool: 0 Current Overflow: -3 Current Checked out connections: 0',
    );
  });

  it('stays usable: the next checkout opens a new connection', async () => {
    const { ops, pool } = makePool({ poolSize: 1 });
    await (await pool.checkout()).release();
    await pool.dispose();
    const h = await pool.checkout();
    expect(h.connection.id).toBe(2);
    await h.release();
    expect(ops.openIds()).toEqual([2]);
  });

  it('gives the slot of a connection closed after dispose to a waiter', async () => {
    const { ops, pool } = makePool({ poolSize: 1, maxOverflow: 0, timeout: 5 });
    const held = await pool.checkout();
    await pool.dispose();
    const waiting = pool.checkout();
    await settle();
    await held.release();
    const next = await waiting;
    expect(next.connection.id).toBe(2);
    expect(ops.openIds()).toEqual([2]);
    await next.release();
  });

  it('is safe to call twice and on an empty pool', async () => {
    const { pool } = makePool();
    await pool.dispose();
    await pool.dispose();
    expect(pool.checkedIn).toBe(0);
  });
});
