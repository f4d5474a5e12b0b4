import { afterEach, describe, expect, it, vi } from 'vitest';
import { DisconnectionError } from '../../src/errors.js';
import { QueuePool } from '../../src/pool/index.js';
import type { PoolOptions } from '../../src/pool/index.js';
import { CaptureLogger, FakeOps } from './fake-ops.js';

function makePool(options: PoolOptions = {}) {
  const ops = new FakeOps();
  const logger = new CaptureLogger();
  const pool = new QueuePool(ops, { logger, ...options });
  return { ops, logger, pool };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('recycle', () => {
  it('reuses a connection inside the recycle window and replaces it at checkout once older', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(10_000_000);
    const { ops, pool } = makePool({ poolSize: 1, recycle: 30, echo: true });
    const first = await pool.checkout();
    await first.release();
    vi.setSystemTime(10_001_000);
    const second = await pool.checkout();
    expect(second.connection.id).toBe(1);
    await second.release();
    vi.setSystemTime(10_035_000);
    const third = await pool.checkout();
    expect(third.connection.id).toBe(2);
    expect(ops.calls).toContain('close 1');
    expect(third.createdAt).toBe(10_035_000);
    await third.release();
  });

  it('logs the recycle at INFO', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
    const { logger, pool } = makePool({ recycle: 1, echo: true });
    await (await pool.checkout()).release();
    vi.setSystemTime(1_002_000);
    await (await pool.checkout()).release();
    expect(logger.lines).toContain('INFO Connection <connection 1> exceeded timeout; recycling');
  });

  it('never recycles a connection while it is checked out', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
    const { ops, pool } = makePool({ recycle: 1 });
    const held = await pool.checkout();
    vi.setSystemTime(1_010_000);
    expect(held.connection.closed).toBe(false);
    expect(ops.closes).toBe(0);
    await held.release();
    expect(ops.closes).toBe(0);
  });

  it('keeps the slot when the reconnect after a recycle fails, then frees it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(1_000_000);
    const { ops, pool } = makePool({ poolSize: 1, maxOverflow: 0, recycle: 1, timeout: 0 });
    await (await pool.checkout()).release();
    vi.setSystemTime(1_005_000);
    ops.failNextConnects = 1;
    await expect(pool.checkout()).rejects.toThrow('connect refused 2');
    expect(pool.checkedOut).toBe(0);
    expect(ops.open.size).toBe(0);
    const h = await pool.checkout();
    expect(h.connection.id).toBe(3);
    await h.release();
  });
});

describe('pre-ping', () => {
  it('skips the ping for a connection made by this checkout and pings it on later checkouts', async () => {
    const { ops, pool } = makePool({ prePing: true });
    const first = await pool.checkout();
    expect(ops.pings).toBe(0);
    await first.release();
    const second = await pool.checkout();
    expect(ops.pings).toBe(1);
    await second.release();
    expect(ops.resets).toHaveLength(2);
  });

  it('replaces a dead connection without the caller seeing an error', async () => {
    const { ops, pool } = makePool({ poolSize: 1, prePing: true });
    await (await pool.checkout()).release();
    ops.deadIds.add(1);
    const h = await pool.checkout();
    expect(h.connection.id).toBe(2);
    expect(ops.calls).toEqual(['connect 1', 'reset 1 rollback', 'ping 1', 'close 1', 'connect 2']);
    await h.release();
  });

  it('treats a rejected ping as a dead connection', async () => {
    const { ops, pool } = makePool({ poolSize: 1, prePing: true });
    await (await pool.checkout()).release();
    ops.deadIds.add(1);
    ops.pingError = new Error('server closed the connection unexpectedly');
    const h = await pool.checkout();
    expect(h.connection.id).toBe(2);
    await h.release();
  });

  it('marks every connection opened before a failed ping as stale, recycled at its next checkout without a ping', async () => {
    const { ops, pool, logger } = makePool({ poolSize: 3, prePing: true, echo: 'debug' });
    const hs = await Promise.all([1, 2, 3].map(() => pool.checkout()));
    for (const h of hs) await h.release();
    ops.deadIds.add(1);
    const a = await pool.checkout(); // pings 1 (dead) -> reconnects as 4
    expect(a.connection.id).toBe(4);
    const pingsAfterFirst = ops.pings;
    const b = await pool.checkout(); // 2 is stale: replaced without a ping
    const c = await pool.checkout(); // 3 is stale too
    expect([b.connection.id, c.connection.id]).toEqual([5, 6]);
    expect(ops.pings).toBe(pingsAfterFirst);
    expect(ops.openIds()).toEqual([4, 5, 6]);
    expect(logger.lines).toContain(
      'INFO Disconnection detected on checkout, invalidating all pooled connections prior to current timestamp (reason: DisconnectionError:Pre-ping found connection <connection 1> dead)',
    );
    expect(logger.lines).toContain(
      'INFO Connection <connection 2> invalidated due to pool invalidation; recycling',
    );
    for (const h of [a, b, c]) await h.release();
    // Connections made after the invalidation are pinged normally again.
    const d = await pool.checkout();
    expect(ops.pings).toBe(pingsAfterFirst + 1);
    await d.release();
  });

  it('propagates the connect error when the database stays down, without corrupting the counters', async () => {
    const { ops, pool } = makePool({ poolSize: 2, maxOverflow: 0, prePing: true, timeout: 0 });
    const hs = await Promise.all([1, 2].map(() => pool.checkout()));
    for (const h of hs) await h.release();
    ops.deadIds.add(1).add(2);
    ops.connectError = new Error('database is stopped');
    await expect(pool.checkout()).rejects.toThrow('database is stopped');
    expect(pool.checkedOut).toBe(0);
    expect(pool.checkedIn).toBe(1);
    ops.connectError = null;
    const again = await Promise.all([1, 2].map(() => pool.checkout()));
    expect(again.every((h) => !h.connection.closed)).toBe(true);
    for (const h of again) await h.release();
    expect(pool.status()).toBe(
      'Pool size: 2  Connections in pool: 2 Current Overflow: 0 Current Checked out connections: 0',
    );
  });

  it('invalidateStale() marks existing connections for replacement at their next checkout', async () => {
    const { ops, pool } = makePool({ poolSize: 2 });
    const hs = await Promise.all([1, 2].map(() => pool.checkout()));
    for (const h of hs) await h.release();
    pool.invalidateStale();
    expect(ops.closes).toBe(0); // lazy: nothing is closed eagerly
    const h = await pool.checkout();
    expect(h.connection.id).toBe(3);
    expect(ops.calls).toContain('close 1');
    await h.release();
  });
});

describe('checkout listeners asking for another connection', () => {
  it('retries with a new connection when a checkout listener throws DisconnectionError', async () => {
    const { ops, pool } = makePool({ poolSize: 1 });
    await (await pool.checkout()).release();
    let calls = 0;
    pool.on('checkout', () => {
      calls++;
      if (calls === 1) throw new DisconnectionError('stale pid');
    });
    const h = await pool.checkout();
    expect(h.connection.id).toBe(2);
    expect(ops.calls).toContain('close 1');
    await h.release();
  });

  it('gives up after three attempts with a DisconnectionError and frees the slot', async () => {
    const { ops, pool, logger } = makePool({ poolSize: 1, maxOverflow: 0, echo: true });
    pool.on('checkout', () => {
      throw new DisconnectionError('always dead');
    });
    const error = await pool.checkout().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DisconnectionError);
    expect((error as Error).message).toMatch(/dead at checkout 3 times/);
    expect(ops.connects).toBe(3);
    expect(ops.open.size).toBe(0);
    expect(pool.checkedOut).toBe(0);
    expect(logger.lines).toContain('INFO Reconnection attempts exhausted on checkout');
  });
});
