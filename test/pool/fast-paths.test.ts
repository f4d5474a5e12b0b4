/**
 * The pool's synchronous paths: `checkoutNow()` hands out an idle connection without a
 * promise, and a release whose reset would do nothing (`ops.needsReset`) takes the connection
 * back at once. Each must give what the general path gives, and step aside whenever the general
 * path has something to do (connect, recycle, pre-ping, listeners, echo, a reset).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { QueuePool, SingletonThreadPool } from '../../src/pool/index.js';
import type { PoolOptions } from '../../src/pool/index.js';
import { AsyncLock, LockTimeoutError } from '../../src/util/async-lock.js';
import { PoolTimeoutError } from '../../src/errors.js';
import { CaptureLogger, FakeOps, settle } from './fake-ops.js';
import type { FakeConnection } from './fake-ops.js';

/** FakeOps that says which connections have an open transaction, as the engine's ops do. */
class TransactionalOps extends FakeOps {
  readonly inTransaction = new Set<number>();
  needsResetCalls = 0;
  needsReset(connection: FakeConnection): boolean {
    this.needsResetCalls++;
    return this.inTransaction.has(connection.id);
  }
}

function makePool(options: PoolOptions = {}, ops = new TransactionalOps()) {
  const logger = new CaptureLogger();
  const pool = new QueuePool(ops, { logger, poolSize: 2, maxOverflow: 0, ...options });
  return { ops, logger, pool };
}

describe('checkoutNow()', () => {
  it('returns nothing while a connection would have to be made, then the idle connection checkout() would give', async () => {
    const { pool } = makePool();
    expect(pool.checkoutNow()).toBeUndefined();
    expect(pool.checkedOut).toBe(0);
    const a = await pool.checkout();
    const b = await pool.checkout();
    await a.release();
    await b.release();
    // FIFO: the connection returned first goes out first, as with checkout().
    const now = pool.checkoutNow();
    expect(now?.connection.id).toBe(1);
    expect(pool.checkedOut).toBe(1);
    const next = await pool.checkout();
    expect(next.connection.id).toBe(2);
    await now?.release();
    await next.release();
    expect(pool.checkedIn).toBe(2);
  });

  it('follows useLifo like checkout()', async () => {
    const { pool } = makePool({ useLifo: true });
    const a = await pool.checkout();
    const b = await pool.checkout();
    await a.release();
    await b.release();
    const now = pool.checkoutNow();
    expect(now?.connection.id).toBe(2);
    await now?.release();
  });

  it('steps aside for pre-ping, recycle, echo, tracebacks, checkout listeners and stale connections', async () => {
    const variants: PoolOptions[] = [
      { prePing: true },
      { recycle: 3600 },
      { echo: true },
      { storeTraceback: true },
    ];
    for (const options of variants) {
      const { pool } = makePool(options);
      await (await pool.checkout()).release();
      expect(pool.checkoutNow(), JSON.stringify(options)).toBeUndefined();
      const h = await pool.checkout();
      expect(h.connection.id).toBe(1);
      await h.release();
    }
    const { pool } = makePool();
    await (await pool.checkout()).release();
    const off = pool.on('checkout', () => undefined);
    expect(pool.checkoutNow()).toBeUndefined();
    off();
    pool.invalidateStale();
    expect(pool.checkoutNow()).toBeUndefined();
    const fresh = await pool.checkout();
    expect(fresh.connection.id).toBe(2);
    await fresh.release();
    expect(pool.checkoutNow()?.connection.id).toBe(2);
  });

  it('is never used by a pool class that overrides checkout()', async () => {
    const ops = new TransactionalOps();
    const pool = new SingletonThreadPool(ops, { logger: new CaptureLogger() });
    const h = await pool.checkout();
    await h.release();
    expect(pool.checkoutNow()).toBeUndefined();
  });
});

describe('release without a reset to do', () => {
  it('takes the connection back before the release is awaited when needsReset says no', async () => {
    const { ops, pool } = makePool();
    const h = await pool.checkout();
    const done = h.release();
    expect(pool.checkedIn).toBe(1);
    await done;
    expect(ops.needsResetCalls).toBe(1);
    expect(ops.resets).toEqual([]);
  });

  it('still resets a connection with an open transaction, and without needsReset always', async () => {
    const { ops, pool } = makePool();
    const h = await pool.checkout();
    ops.inTransaction.add(h.connection.id);
    await h.release();
    expect(ops.resets).toEqual([{ id: 1, mode: 'rollback' }]);

    const plain = new FakeOps();
    const other = new QueuePool(plain, { logger: new CaptureLogger(), poolSize: 1 });
    const g = await other.checkout();
    await g.release();
    expect(plain.resets).toEqual([{ id: 1, mode: 'rollback' }]);
  });

  it('keeps the reset and checkin events, echo lines and resetOnReturn modes', async () => {
    const { ops, pool } = makePool();
    const seen: string[] = [];
    pool.on('reset', () => void seen.push('reset'));
    pool.on('checkin', () => void seen.push('checkin'));
    await (await pool.checkout()).release();
    expect(seen).toEqual(['reset', 'checkin']);
    // The reset event fired, so the reset ran too (the listener may rely on it).
    expect(ops.resets).toHaveLength(1);

    const echo = makePool({ echo: 'debug' });
    await (await echo.pool.checkout()).release();
    expect(echo.logger.lines).toContain('DEBUG Connection <connection 1> rollback-on-return');
    expect(echo.logger.lines).toContain('INFO Connection <connection 1> being returned to pool');

    const commit = makePool({ resetOnReturn: 'commit' });
    const h = await commit.pool.checkout();
    commit.ops.inTransaction.add(h.connection.id);
    await h.release();
    expect(commit.ops.resets).toEqual([{ id: 1, mode: 'commit' }]);
  });

  it('hands the connection to the first waiter, and closes it when the pool was disposed', async () => {
    const { ops, pool } = makePool({ poolSize: 1 });
    const held = await pool.checkout();
    const waiting = pool.checkout();
    await settle();
    await held.release();
    const next = await waiting;
    expect(next.connection.id).toBe(1);
    await pool.dispose();
    await next.release();
    expect(ops.closes).toBe(1);
    expect(pool.checkedIn).toBe(0);
  });

  it('closes a soft-invalidated connection instead of keeping it', async () => {
    const { ops, pool } = makePool();
    const h = await pool.checkout();
    await h.invalidate(new Error('flaky'), { soft: true });
    await h.release();
    expect(ops.closes).toBe(1);
    expect(pool.checkedIn).toBe(0);
  });
});

describe('time limits served by one timer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('AsyncLock: each waiter fails at its own limit, the others keep their place', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    const lock = new AsyncLock();
    const release = await lock.acquire();
    const order: string[] = [];
    const short = lock.acquire(1).then(
      () => order.push('short got it'),
      (err: unknown) => {
        expect(err).toBeInstanceOf(LockTimeoutError);
        expect((err as LockTimeoutError).seconds).toBe(1);
        order.push('short timed out');
      },
    );
    const long = lock.acquire(5).then((r) => {
      order.push('long got it');
      r();
    });
    const forever = lock.acquire(null).then((r) => {
      order.push('forever got it');
      r();
    });
    expect(lock.waiting).toBe(3);
    await vi.advanceTimersByTimeAsync(1500);
    await short;
    expect(order).toEqual(['short timed out']);
    expect(lock.waiting).toBe(2);
    release();
    await Promise.all([long, forever]);
    expect(order).toEqual(['short timed out', 'long got it', 'forever got it']);
    // Nobody waits with a limit any more: no timer is left to keep the process alive.
    expect(vi.getTimerCount()).toBe(0);
  });

  it('AsyncLock: a lock handed on in time leaves no timer behind', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    const lock = new AsyncLock();
    const release = await lock.acquire();
    const waiting = lock.acquire(30);
    expect(vi.getTimerCount()).toBe(1);
    release();
    (await waiting)();
    expect(vi.getTimerCount()).toBe(0);
    expect(lock.locked).toBe(false);
  });

  it('QueuePool: waiters time out at their own deadlines and a served queue stops the timer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] });
    const { pool } = makePool({ poolSize: 1, timeout: 2 });
    const held = await pool.checkout();
    const first = pool.checkout();
    const firstFailed = first.then(
      () => false,
      (err: unknown) => err instanceof PoolTimeoutError,
    );
    await vi.advanceTimersByTimeAsync(1000);
    const second = pool.checkout();
    expect(pool.waiting).toBe(2);
    await vi.advanceTimersByTimeAsync(1500);
    expect(await firstFailed).toBe(true);
    expect(pool.waiting).toBe(1);
    await held.release();
    const got = await second;
    expect(got.connection.id).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    await got.release();
  });
});
