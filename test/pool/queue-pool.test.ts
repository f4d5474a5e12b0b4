import { describe, expect, it } from 'vitest';
import { PoolTimeoutError, TimeoutError } from '../../src/errors.js';
import { QueuePool } from '../../src/pool/index.js';
import type { PoolOptions, PooledConnection } from '../../src/pool/index.js';
import { CaptureLogger, FakeOps, gate, settle, sleep } from './fake-ops.js';
import type { FakeConnection } from './fake-ops.js';

function makePool(options: PoolOptions = {}) {
  const ops = new FakeOps();
  const logger = new CaptureLogger();
  const pool = new QueuePool(ops, { logger, ...options });
  return { ops, logger, pool };
}

type Counts = [size: number, checkedIn: number, overflow: number, checkedOut: number];
const counts = (pool: QueuePool<FakeConnection>): Counts => [
  pool.size,
  pool.checkedIn,
  pool.overflow,
  pool.checkedOut,
];

describe('QueuePool accounting', () => {
  it('tracks size, checked-in, overflow and checked-out as SQLAlchemy does (poolSize 3, unlimited overflow)', async () => {
    const { pool } = makePool({ poolSize: 3, maxOverflow: -1 });
    const seen: Counts[] = [];
    const handles: PooledConnection<FakeConnection>[] = [];
    for (let i = 0; i < 6; i++) {
      handles.push(await pool.checkout());
      seen.push(counts(pool));
    }
    expect(seen).toEqual([
      [3, 0, -2, 1],
      [3, 0, -1, 2],
      [3, 0, 0, 3],
      [3, 0, 1, 4],
      [3, 0, 2, 5],
      [3, 0, 3, 6],
    ]);
    for (const h of handles.splice(0, 3)) await h.release();
    expect(counts(pool)).toEqual([3, 3, 3, 3]);
    for (const h of handles.splice(0)) await h.release();
    expect(counts(pool)).toEqual([3, 3, 0, 0]);
    const again = [await pool.checkout(), await pool.checkout()];
    expect(counts(pool)).toEqual([3, 1, 0, 2]);
    for (const h of again) await h.release();
  });

  it('opens overflow connections on demand and closes them when returned to a full pool', async () => {
    const { ops, pool } = makePool({ poolSize: 2, maxOverflow: 2 });
    const handles = await Promise.all([1, 2, 3, 4].map(() => pool.checkout()));
    expect(ops.connects).toBe(4);
    expect(pool.overflow).toBe(2);
    for (const h of handles) await h.release();
    expect(ops.closes).toBe(2);
    expect(ops.openIds()).toEqual([1, 2]);
    expect(counts(pool)).toEqual([2, 2, 0, 0]);
  });

  it('closes each overflow connection exactly once over repeated rounds and never the pooled ones', async () => {
    const { ops, pool } = makePool({ poolSize: 2, maxOverflow: 2 });
    for (let round = 0; round < 5; round++) {
      const handles = await Promise.all([1, 2, 3, 4].map(() => pool.checkout()));
      for (const h of handles) await h.release();
    }
    expect(ops.connects).toBe(12);
    expect(ops.closes).toBe(10);
    expect(ops.open.size).toBe(2);
  });

  it('formats status() exactly like SQLAlchemy', async () => {
    const { pool } = makePool();
    expect(pool.status()).toBe(
      'Pool size: 5  Connections in pool: 0 Current Overflow: -5 Current Checked out connections: 0',
    );
    const h = await pool.checkout();
    await h.release();
    expect(pool.status()).toBe(
      'Pool size: 5  Connections in pool: 1 Current Overflow: -4 Current Checked out connections: 0',
    );
  });

  it('treats poolSize 0 as unlimited whatever maxOverflow says, reporting overflow 0', async () => {
    for (const maxOverflow of [42, 0, -5, 1]) {
      const { ops, pool } = makePool({ poolSize: 0, maxOverflow, timeout: 0 });
      const handles = await Promise.all(Array.from({ length: 20 }, () => pool.checkout()));
      expect(pool.overflow).toBe(0);
      expect(pool.checkedOut).toBe(20);
      for (const h of handles) await h.release();
      expect(pool.checkedIn).toBe(20);
      expect(ops.closes).toBe(0);
    }
  });

  it('allows unlimited overflow with maxOverflow -1', async () => {
    const { ops, pool } = makePool({ poolSize: 1, maxOverflow: -1, timeout: 0 });
    const handles = await Promise.all(Array.from({ length: 30 }, () => pool.checkout()));
    expect(ops.maxOpen).toBe(30);
    for (const h of handles) await h.release();
    expect(ops.open.size).toBe(1);
    expect(counts(pool)).toEqual([1, 1, 0, 0]);
  });
});

describe('QueuePool timeouts', () => {
  it('raises PoolTimeoutError with SQLAlchemy wording after the timeout', async () => {
    const { pool } = makePool({ poolSize: 2, maxOverflow: 1, timeout: 0.1 });
    const held = await Promise.all([1, 2, 3].map(() => pool.checkout()));
    const started = performance.now();
    const error = await pool.checkout().catch((e: unknown) => e);
    const waited = performance.now() - started;
    expect(error).toBeInstanceOf(PoolTimeoutError);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe(
      'QueuePool limit of size 2 overflow 1 reached, connection timed out, timeout 0.10',
    );
    expect((error as PoolTimeoutError).code).toBe('3o7r');
    expect(waited).toBeGreaterThanOrEqual(95);
    expect(waited).toBeLessThan(1000);
    for (const h of held) await h.release();
    expect(pool.waiting).toBe(0);
    expect(pool.checkedOut).toBe(0);
  });

  it('formats whole-second timeouts with two decimals', async () => {
    const { pool } = makePool({ poolSize: 1, maxOverflow: 0, timeout: 0 });
    const held = await pool.checkout();
    await expect(pool.checkout()).rejects.toThrow(
      'QueuePool limit of size 1 overflow 0 reached, connection timed out, timeout 0.00',
    );
    await held.release();
  });

  it('fails at once with timeout 0', async () => {
    const { pool } = makePool({ poolSize: 1, maxOverflow: 0, timeout: 0 });
    const held = await pool.checkout();
    const started = performance.now();
    await expect(pool.checkout()).rejects.toBeInstanceOf(PoolTimeoutError);
    expect(performance.now() - started).toBeLessThan(200);
    await held.release();
  });

  it('waits forever with timeout null until a connection comes back', async () => {
    const { pool } = makePool({ poolSize: 1, maxOverflow: 0, timeout: null });
    const held = await pool.checkout();
    let got: PooledConnection<FakeConnection> | undefined;
    const waiting = pool.checkout().then((h) => (got = h));
    await sleep(50);
    expect(got).toBeUndefined();
    await held.release();
    await waiting;
    expect(got?.connection.id).toBe(1);
    await got?.release();
  });

  it('honours sub-second timeouts on the waiting side only and leaves other waiters queued', async () => {
    const { pool } = makePool({ poolSize: 1, maxOverflow: 0, timeout: 0.05 });
    const held = await pool.checkout();
    const results = await Promise.allSettled([pool.checkout(), pool.checkout()]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await held.release();
    const next = await pool.checkout();
    expect(next.connection.id).toBe(1);
    await next.release();
  });
});

describe('QueuePool waiters', () => {
  it('serves waiters first-come-first-served and never lets a newer caller jump the queue', async () => {
    const { pool } = makePool({ poolSize: 1, maxOverflow: 0, timeout: 5 });
    const held = await pool.checkout();
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) =>
      pool.checkout().then(async (h) => {
        order.push(n);
        await settle();
        await h.release();
      }),
    );
    await settle();
    expect(pool.waiting).toBe(3);
    await held.release();
    // A caller arriving after the release must still queue behind the three waiters.
    const late = pool.checkout().then(async (h) => {
      order.push(4);
      await h.release();
    });
    await Promise.all([...waiters, late]);
    expect(order).toEqual([1, 2, 3, 4]);
  });

  it('hands a returned connection directly to the first waiter', async () => {
    const { ops, pool } = makePool({ poolSize: 1, maxOverflow: 0, timeout: 5 });
    const held = await pool.checkout();
    const waiting = pool.checkout();
    await settle();
    await held.release();
    const next = await waiting;
    expect(next.connection.id).toBe(1);
    expect(ops.connects).toBe(1);
    await next.release();
  });

  it('releases the slot of a failed connect and lets the next waiter connect', async () => {
    const { ops, pool } = makePool({ poolSize: 2, maxOverflow: 3, timeout: 5 });
    const held = await Promise.all([1, 2, 3].map(() => pool.checkout()));
    expect(pool.overflow).toBe(1);
    ops.connectError = new Error('database is stopped');
    await expect(pool.checkout()).rejects.toThrow('database is stopped');
    expect(pool.overflow).toBe(1);
    expect(pool.checkedOut).toBe(3);
    ops.connectError = null;
    const more = await Promise.all([1, 2].map(() => pool.checkout()));
    expect(pool.overflow).toBe(3);
    for (const h of [...held, ...more]) await h.release();
    expect(counts(pool)).toEqual([2, 2, 0, 0]);
  });

  it('passes the slot of a failed connect to a queued waiter, which connects on it', async () => {
    const { ops, pool } = makePool({ poolSize: 1, maxOverflow: 0, timeout: 5 });
    const connectGate = gate();
    ops.connectGate = connectGate.promise;
    ops.failNextConnects = 1;
    const first = pool.checkout();
    const second = pool.checkout();
    await settle();
    expect(pool.waiting).toBe(1);
    const firstFailed = expect(first).rejects.toThrow('connect refused 1');
    ops.connectGate = null;
    connectGate.open();
    await firstFailed;
    // The waiter got the freed slot and connected on it.
    const h = await second;
    expect(h.connection.id).toBe(2);
    expect(h.connection.closed).toBe(false);
    expect(pool.checkedOut).toBe(1);
    await h.release();
    expect(counts(pool)).toEqual([1, 1, 0, 0]);
  });

  it('does not let one slow connect block other checkouts', async () => {
    const { ops, pool } = makePool({ poolSize: 2, maxOverflow: 2, timeout: 5 });
    const warm = await pool.checkout();
    const slow = gate();
    ops.connectGate = slow.promise;
    const slowCheckout = pool.checkout();
    await settle();
    ops.connectGate = null;
    await warm.release();
    const fast = await pool.checkout();
    expect(fast.connection.id).toBe(1);
    slow.open();
    const late = await slowCheckout;
    expect(late.connection.id).toBe(2);
    await fast.release();
    await late.release();
  });

  it('runs 200 concurrent tasks through poolSize 5 / maxOverflow 5 without exceeding 10 connections', async () => {
    const { ops, pool } = makePool({ poolSize: 5, maxOverflow: 5, timeout: 10 });
    ops.connectDelayMs = 1;
    let inUse = 0;
    let maxInUse = 0;
    await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const h = await pool.checkout();
        inUse++;
        maxInUse = Math.max(maxInUse, inUse);
        expect(h.connection.closed).toBe(false);
        await sleep(i % 3);
        inUse--;
        await h.release();
      }),
    );
    expect(ops.maxOpen).toBeLessThanOrEqual(10);
    expect(maxInUse).toBe(10);
    expect(ops.open.size).toBe(5);
    expect(counts(pool)).toEqual([5, 5, 0, 0]);
    expect(pool.waiting).toBe(0);
  });
});

describe('QueuePool order', () => {
  it('cycles through idle connections round-robin by default (FIFO)', async () => {
    const { pool } = makePool({ poolSize: 3 });
    const hs = await Promise.all([1, 2, 3].map(() => pool.checkout()));
    for (const h of hs) await h.release();
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) {
      const h = await pool.checkout();
      ids.push(h.connection.id);
      await h.release();
    }
    expect(ids).toEqual([1, 2, 3, 1]);
  });

  it('reuses the most recently returned connection with useLifo', async () => {
    const { pool } = makePool({ poolSize: 3, useLifo: true });
    const hs = await Promise.all([1, 2, 3].map(() => pool.checkout()));
    for (const h of hs) await h.release();
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const h = await pool.checkout();
      ids.push(h.connection.id);
      await h.release();
    }
    expect(ids).toEqual([3, 3, 3]);
  });
});
