import { describe, expect, it } from 'vitest';
import { ResourceClosedError } from '../../src/errors.js';
import { QueuePool } from '../../src/pool/index.js';
import type { PoolOptions } from '../../src/pool/index.js';
import { CaptureLogger, FakeOps, settle } from './fake-ops.js';

function makePool(options: PoolOptions = {}) {
  const ops = new FakeOps();
  const logger = new CaptureLogger();
  const pool = new QueuePool(ops, { logger, ...options });
  return { ops, logger, pool };
}

describe('reset on return', () => {
  it('rolls back by default', async () => {
    const { ops, pool } = makePool();
    await (await pool.checkout()).release();
    expect(ops.resets).toEqual([{ id: 1, mode: 'rollback' }]);
  });

  it("commits with resetOnReturn 'commit'", async () => {
    const { ops, pool } = makePool({ resetOnReturn: 'commit' });
    await (await pool.checkout()).release();
    expect(ops.resets).toEqual([{ id: 1, mode: 'commit' }]);
  });

  it("does nothing with resetOnReturn null or 'none'", async () => {
    for (const resetOnReturn of [null, 'none'] as const) {
      const { ops, pool } = makePool({ resetOnReturn });
      await (await pool.checkout()).release();
      expect(ops.resets).toEqual([]);
      expect(pool.checkedIn).toBe(1);
    }
  });

  it('invalidates a connection whose reset fails instead of pooling it, and frees its slot', async () => {
    const { ops, pool, logger } = makePool({ poolSize: 1, maxOverflow: 0, timeout: 0 });
    const h = await pool.checkout();
    ops.resetError = new Error('server closed the connection');
    await h.release();
    expect(ops.calls).toEqual(['connect 1', 'reset 1 rollback', 'close 1']);
    expect(pool.checkedIn).toBe(0);
    expect(pool.checkedOut).toBe(0);
    expect(logger.lines).toContain(
      'ERROR Exception during reset or similar on <connection 1>: Error:server closed the connection',
    );
    ops.resetError = null;
    const next = await pool.checkout();
    expect(next.connection.id).toBe(2);
    await next.release();
  });
});

describe('release', () => {
  it('is idempotent', async () => {
    const { ops, pool } = makePool();
    const h = await pool.checkout();
    const p1 = h.release();
    const p2 = h.release();
    await Promise.all([p1, p2]);
    await h.release();
    expect(ops.resets).toHaveLength(1);
    expect(pool.checkedIn).toBe(1);
  });

  it('refuses access to the connection after release', async () => {
    const { pool } = makePool();
    const h = await pool.checkout();
    expect(h.isValid).toBe(true);
    await h.release();
    expect(h.isValid).toBe(false);
    expect(() => h.connection).toThrow(ResourceClosedError);
  });

  it('keeps info with the underlying connection across checkouts', async () => {
    const { pool } = makePool({ poolSize: 1 });
    const a = await pool.checkout();
    a.info.marker = 'kept';
    await a.release();
    const b = await pool.checkout();
    expect(b.info.marker).toBe('kept');
    expect(b.createdAt).toBe(a.createdAt);
    await b.release();
  });
});

describe('invalidate', () => {
  it('closes the connection at once, frees the slot and gives the next checkout a new connection', async () => {
    const { ops, pool } = makePool({ poolSize: 1, maxOverflow: 0, timeout: 0 });
    const h = await pool.checkout();
    await h.invalidate(new Error('broken'));
    expect(ops.calls).toEqual(['connect 1', 'close 1']);
    expect(h.isValid).toBe(false);
    expect(pool.checkedOut).toBe(0);
    await h.release(); // no-op after invalidate
    await h.invalidate(); // idempotent
    expect(ops.closes).toBe(1);
    const next = await pool.checkout();
    expect(next.connection.id).toBe(2);
    expect(next.info).toEqual({});
    await next.release();
    expect(ops.closes).toBe(1);
  });

  it('soft invalidation keeps the connection usable until release, then closes it', async () => {
    const { ops, pool } = makePool({ poolSize: 1 });
    const h = await pool.checkout();
    await h.invalidate(new Error('suspect'), { soft: true });
    expect(h.isValid).toBe(true);
    expect(h.connection.closed).toBe(false);
    await h.release();
    expect(ops.calls).toEqual(['connect 1', 'reset 1 rollback', 'close 1']);
    expect(pool.checkedIn).toBe(0);
    const next = await pool.checkout();
    expect(next.connection.id).toBe(2);
    await next.release();
  });

  it('hands the freed slot of an invalidated connection to a waiter', async () => {
    const { pool } = makePool({ poolSize: 1, maxOverflow: 0, timeout: 5 });
    const h = await pool.checkout();
    const waiting = pool.checkout();
    await settle();
    await h.invalidate();
    const next = await waiting;
    expect(next.connection.id).toBe(2);
    await next.release();
  });

  it('invalidateIdle() closes an idle connection and frees its slot', async () => {
    const { ops, pool } = makePool({ poolSize: 2 });
    const hs = await Promise.all([1, 2].map(() => pool.checkout()));
    const conn1 = hs[0]!.connection;
    for (const h of hs) await h.release();
    pool.invalidateIdle(conn1, new Error('idle connection reset by peer'));
    await settle();
    expect(ops.openIds()).toEqual([2]);
    expect(pool.status()).toBe(
      'Pool size: 2  Connections in pool: 1 Current Overflow: -1 Current Checked out connections: 0',
    );
    const h = await pool.checkout();
    expect(h.connection.id).toBe(2);
    await h.release();
  });

  it('invalidateIdle() on a checked-out connection closes it when returned', async () => {
    const { ops, pool } = makePool({ poolSize: 1 });
    const h = await pool.checkout();
    pool.invalidateIdle(h.connection, new Error('boom'));
    expect(h.connection.closed).toBe(false);
    await h.release();
    expect(ops.open.size).toBe(0);
    expect(pool.checkedIn).toBe(0);
  });

  it('invalidateIdle() ignores connections the pool does not know', () => {
    const { pool } = makePool();
    expect(() => pool.invalidateIdle({ id: 99, closed: false })).not.toThrow();
  });

  it('logs a close failure instead of throwing it', async () => {
    const { ops, pool, logger } = makePool();
    const h = await pool.checkout();
    ops.closeError = new Error('socket gone');
    await h.invalidate();
    expect(logger.lines).toContain(
      'ERROR Exception closing connection <connection 1>: Error:socket gone',
    );
  });
});
