import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../src/errors.js';
import { AssertionPool, NullPool, SingletonThreadPool, StaticPool } from '../../src/pool/index.js';
import { CaptureLogger, FakeOps, gate, settle } from './fake-ops.js';

const logger = () => new CaptureLogger();

describe('NullPool', () => {
  it('opens a connection per checkout and closes it on return', async () => {
    const ops = new FakeOps();
    const pool = new NullPool(ops, { logger: logger() });
    const a = await pool.checkout();
    const b = await pool.checkout();
    expect([a.connection.id, b.connection.id]).toEqual([1, 2]);
    expect(pool.checkedOut).toBe(2);
    await a.release();
    await b.release();
    expect(ops.calls).toEqual([
      'connect 1',
      'connect 2',
      'reset 1 rollback',
      'close 1',
      'reset 2 rollback',
      'close 2',
    ]);
    expect(pool.checkedOut).toBe(0);
    expect(pool.status()).toBe('NullPool');
  });

  it('supports invalidate and frees nothing twice', async () => {
    const ops = new FakeOps();
    const pool = new NullPool(ops, { logger: logger() });
    const h = await pool.checkout();
    await h.invalidate();
    await h.release();
    expect(ops.closes).toBe(1);
    expect(pool.checkedOut).toBe(0);
  });

  it('lets a failed connect propagate and counts nothing out', async () => {
    const ops = new FakeOps();
    ops.failNextConnects = 1;
    const pool = new NullPool(ops, { logger: logger() });
    await expect(pool.checkout()).rejects.toThrow('connect refused 1');
    expect(pool.checkedOut).toBe(0);
  });
});

describe('StaticPool', () => {
  it('gives every checkout, even concurrent ones, the same connection', async () => {
    const ops = new FakeOps();
    const pool = new StaticPool(ops, { logger: logger() });
    const [a, b, c] = await Promise.all([pool.checkout(), pool.checkout(), pool.checkout()]);
    expect(ops.connects).toBe(1);
    expect(a!.connection).toBe(b!.connection);
    expect(b!.connection).toBe(c!.connection);
    expect(pool.checkedOut).toBe(3);
    for (const h of [a, b, c]) await h!.release();
    expect(ops.resets).toHaveLength(3);
    expect(ops.closes).toBe(0);
    expect(pool.checkedIn).toBe(1);
    const d = await pool.checkout();
    expect(d.connection.id).toBe(1);
    await d.release();
    expect(pool.status()).toBe('StaticPool');
  });

  it('makes a new connection after an invalidation', async () => {
    const ops = new FakeOps();
    const pool = new StaticPool(ops, { logger: logger() });
    const a = await pool.checkout();
    await a.invalidate();
    const b = await pool.checkout();
    expect(b.connection.id).toBe(2);
    await b.release();
  });

  it('keeps a soft-invalidated connection for its holders and gives new checkouts a new one', async () => {
    const ops = new FakeOps();
    const pool = new StaticPool(ops, { logger: logger() });
    const a = await pool.checkout();
    await a.invalidate(undefined, { soft: true });
    const b = await pool.checkout();
    expect(b.connection.id).toBe(2);
    expect(a.connection.closed).toBe(false);
    await a.release();
    expect(ops.openIds()).toEqual([2]);
    await b.release();
    expect(ops.openIds()).toEqual([2]);
  });

  it('closes the connection at dispose, or when the last holder returns it', async () => {
    const ops = new FakeOps();
    const pool = new StaticPool(ops, { logger: logger() });
    await (await pool.checkout()).release();
    await pool.dispose();
    expect(ops.open.size).toBe(0);
    const h = await pool.checkout();
    await pool.dispose();
    expect(h.connection.closed).toBe(false);
    await h.release();
    expect(ops.open.size).toBe(0);
  });

  it('recreate() keeps the connect function', async () => {
    const ops = new FakeOps();
    const pool = new StaticPool(ops, { logger: logger() });
    const next = pool.recreate();
    expect(next).toBeInstanceOf(StaticPool);
    await (await next.checkout()).release();
    expect(ops.connects).toBe(1);
  });
});

describe('SingletonThreadPool', () => {
  it('returns the same handle to nested checkouts; only the outermost release resets', async () => {
    const ops = new FakeOps();
    const pool = new SingletonThreadPool(ops, { logger: logger() });
    const outer = await pool.checkout();
    const inner = await pool.checkout();
    expect(inner).toBe(outer);
    await inner.release();
    expect(ops.resets).toHaveLength(0);
    expect(outer.isValid).toBe(true);
    await outer.release();
    expect(ops.resets).toEqual([{ id: 1, mode: 'rollback' }]);
    expect(ops.closes).toBe(0);
  });

  it('keeps its one connection between checkouts', async () => {
    const ops = new FakeOps();
    const pool = new SingletonThreadPool(ops, { logger: logger() });
    for (let i = 0; i < 3; i++) await (await pool.checkout()).release();
    expect(ops.connects).toBe(1);
    expect(pool.checkedIn).toBe(1);
    expect(pool.status()).toMatch(/^SingletonThreadPool id:\d+ size: 1$/);
  });

  it('shares one connect between concurrent first checkouts', async () => {
    const ops = new FakeOps();
    const connectGate = gate();
    ops.connectGate = connectGate.promise;
    const pool = new SingletonThreadPool(ops, { logger: logger() });
    const a = pool.checkout();
    const b = pool.checkout();
    await settle();
    connectGate.open();
    const [ha, hb] = await Promise.all([a, b]);
    expect(ha).toBe(hb);
    expect(ops.connects).toBe(1);
    await ha.release();
    await hb.release();
    expect(ops.resets).toHaveLength(1);
  });

  it('hard invalidation ends the shared handle whatever the nesting', async () => {
    const ops = new FakeOps();
    const pool = new SingletonThreadPool(ops, { logger: logger() });
    const outer = await pool.checkout();
    await pool.checkout();
    await outer.invalidate();
    const next = await pool.checkout();
    expect(next).not.toBe(outer);
    expect(next.connection.id).toBe(2);
    await next.release();
  });

  it('accepts poolSize, which one thread identity can never exceed', () => {
    const pool = new SingletonThreadPool(new FakeOps(), { poolSize: 1, logger: logger() });
    expect(pool.size).toBe(1);
  });
});

describe('AssertionPool', () => {
  it('refuses a second concurrent checkout, naming where the first was made', async () => {
    const ops = new FakeOps();
    const pool = new AssertionPool(ops, { logger: logger() });
    const first = await pool.checkout();
    const error = await pool.checkout().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as Error).message).toMatch(/^connection is already checked out at:\n {4}at /);
    expect((error as Error).message).toContain('other-pools.test.ts');
    await first.release();
    expect(pool.status()).toBe('AssertionPool');
  });

  it('allows sequential checkouts of its one connection', async () => {
    const ops = new FakeOps();
    const pool = new AssertionPool(ops, { logger: logger() });
    for (let i = 0; i < 3; i++) {
      const h = await pool.checkout();
      expect(h.connection.id).toBe(1);
      await h.release();
    }
    expect(ops.connects).toBe(1);
  });

  it('frees the slot when the connect fails', async () => {
    const ops = new FakeOps();
    ops.failNextConnects = 1;
    const pool = new AssertionPool(ops, { logger: logger() });
    await expect(pool.checkout()).rejects.toThrow('connect refused 1');
    const h = await pool.checkout();
    expect(h.connection.id).toBe(2);
    await h.release();
  });
});
