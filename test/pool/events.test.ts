import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import { QueuePool } from '../../src/pool/index.js';
import type { PoolEventName, PoolOptions } from '../../src/pool/index.js';
import { CaptureLogger, FakeOps } from './fake-ops.js';
import type { FakeConnection } from './fake-ops.js';

function makePool(options: PoolOptions = {}) {
  const ops = new FakeOps();
  const logger = new CaptureLogger();
  const pool = new QueuePool(ops, { logger, ...options });
  return { ops, logger, pool };
}

const ALL: PoolEventName[] = ['connect', 'checkout', 'checkin', 'reset', 'invalidate', 'close'];

function record(pool: QueuePool<FakeConnection>) {
  const events: unknown[][] = [];
  for (const name of ALL) pool.on(name, (...args: unknown[]) => events.push([name, ...args]));
  return events;
}

describe('pool events', () => {
  it('fires connect, checkout, reset, checkin, invalidate and close in order with their arguments', async () => {
    const { pool } = makePool({ poolSize: 1 });
    const events = record(pool);
    const h = await pool.checkout();
    const conn1 = h.connection;
    const info1 = h.info;
    await h.release();
    const h2 = await pool.checkout();
    const error = new Error('gone');
    await h2.invalidate(error);
    const h3 = await pool.checkout();
    const conn2 = h3.connection;
    await h3.release();

    expect(events.map((e) => e[0])).toEqual([
      'connect',
      'checkout',
      'reset',
      'checkin',
      'checkout',
      'invalidate',
      'close',
      'checkin',
      'connect',
      'checkout',
      'reset',
      'checkin',
    ]);
    expect(events[0]).toEqual(['connect', conn1, info1, undefined]);
    expect(events[1]?.[1]).toBe(conn1);
    expect(events[1]?.[2]).toBe(info1);
    expect(events[1]?.[3]).toBe(h);
    expect(events[2]).toEqual(['reset', conn1, info1, { mode: 'rollback' }]);
    expect(events[3]).toEqual(['checkin', conn1, info1, undefined]);
    expect(events[5]).toEqual(['invalidate', conn1, info1, error]);
    expect(events[6]).toEqual(['close', conn1, info1, undefined]);
    // After a hard invalidation the checkin event carries no connection, as in SQLAlchemy.
    expect(events[7]?.[1]).toBeNull();
    expect(events[8]?.[1]).toBe(conn2);
  });

  it('fires reset with mode null when resetOnReturn is off', async () => {
    const { pool } = makePool({ resetOnReturn: null });
    const events = record(pool);
    await (await pool.checkout()).release();
    expect(events.find((e) => e[0] === 'reset')?.[3]).toEqual({ mode: null });
  });

  it('fires close at dispose but not at a normal checkin', async () => {
    const { pool } = makePool({ poolSize: 2 });
    const events = record(pool);
    await (await pool.checkout()).release();
    expect(events.some((e) => e[0] === 'close')).toBe(false);
    await pool.dispose();
    expect(events.filter((e) => e[0] === 'close')).toHaveLength(1);
  });

  it('fires close when an overflow connection is returned to a full pool', async () => {
    const { pool } = makePool({ poolSize: 1, maxOverflow: 1 });
    const events = record(pool);
    const [a, b] = await Promise.all([pool.checkout(), pool.checkout()]);
    await a!.release();
    await b!.release();
    expect(events.filter((e) => e[0] === 'close')).toHaveLength(1);
  });

  it('keeps working when listeners throw, and logs each failure', async () => {
    const { ops, pool, logger } = makePool({ poolSize: 1 });
    for (const name of ALL) {
      pool.on(name, () => {
        throw new Error(`listener for ${name} failed`);
      });
    }
    const seen: string[] = [];
    pool.on('checkin', () => seen.push('second listener still runs'));
    const h = await pool.checkout();
    await h.release();
    const h2 = await pool.checkout();
    await h2.invalidate();
    const h3 = await pool.checkout();
    await h3.release();
    expect(seen).toHaveLength(3);
    expect(ops.open.size).toBe(1);
    expect(pool.checkedIn).toBe(1);
    expect(logger.lines).toContain(
      "ERROR Exception in pool 'connect' listener (ignored): Error:listener for connect failed",
    );
    expect(logger.lines.filter((l) => l.startsWith('ERROR'))).toHaveLength(12);
  });

  it('on() returns an unsubscribe function and off() removes a listener', async () => {
    const { pool } = makePool();
    const calls: string[] = [];
    const a = () => calls.push('a');
    const b = () => calls.push('b');
    const unsubscribe = pool.on('checkout', a);
    pool.on('checkout', b);
    await (await pool.checkout()).release();
    unsubscribe();
    await (await pool.checkout()).release();
    pool.off('checkout', b);
    await (await pool.checkout()).release();
    expect(calls).toEqual(['a', 'b', 'b']);
  });

  it('refuses unknown event names and non-function listeners', () => {
    const { pool } = makePool();
    expect(() => pool.on('checkedout' as PoolEventName, () => {})).toThrow(ArgumentError);
    expect(() => pool.on('checkout', 'nope' as unknown as () => void)).toThrow(ArgumentError);
  });

  it('carries listeners over to a recreated pool', async () => {
    const { pool } = makePool();
    const calls: string[] = [];
    pool.on('connect', () => calls.push('connect'));
    const next = pool.recreate();
    await (await next.checkout()).release();
    expect(calls).toEqual(['connect']);
  });
});
