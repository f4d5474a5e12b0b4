import { describe, expect, it } from 'vitest';
import { ArgumentError } from '../../src/errors.js';
import {
  AssertionPool,
  NullPool,
  QueuePool,
  SingletonThreadPool,
  StaticPool,
} from '../../src/pool/index.js';
import type { PoolClass, PoolOps, PoolOptions } from '../../src/pool/index.js';
import { CaptureLogger, FakeOps } from './fake-ops.js';

describe('pool options', () => {
  it('lists the accepted options per class', () => {
    expect([...QueuePool.acceptedOptions].sort()).toEqual(
      [
        'echo',
        'logger',
        'loggingName',
        'maxOverflow',
        'poolSize',
        'prePing',
        'recycle',
        'resetOnReturn',
        'storeTraceback',
        'timeout',
        'useLifo',
      ].sort(),
    );
    for (const cls of [NullPool, StaticPool, AssertionPool] as PoolClass[]) {
      expect(cls.acceptedOptions).not.toContain('poolSize');
      expect(cls.acceptedOptions).not.toContain('maxOverflow');
      expect(cls.acceptedOptions).not.toContain('timeout');
      expect(cls.acceptedOptions).not.toContain('useLifo');
      expect(cls.acceptedOptions).toContain('prePing');
    }
    expect(SingletonThreadPool.acceptedOptions).toContain('poolSize');
    expect(SingletonThreadPool.acceptedOptions).not.toContain('maxOverflow');
  });

  it('refuses options the class does not accept, naming them', () => {
    expect(() => new NullPool(new FakeOps(), { poolSize: 5, maxOverflow: 2 })).toThrow(
      new ArgumentError(
        'NullPool does not accept the option(s) poolSize, maxOverflow; it accepts recycle, prePing, resetOnReturn, echo, logger, loggingName, storeTraceback',
      ),
    );
    expect(() => new NullPool(new FakeOps(), { timeout: 1 })).toThrow(ArgumentError);
    expect(() => new QueuePool(new FakeOps(), { poolsize: 5 } as PoolOptions)).toThrow(
      /does not accept the option\(s\) poolsize/,
    );
    // Undefined values are ignored, so an engine can pass its whole option set.
    expect(() => new NullPool(new FakeOps(), { poolSize: undefined })).not.toThrow();
  });

  it('validates values with messages that say what is allowed', () => {
    const ops = new FakeOps();
    const bad: [PoolOptions, RegExp][] = [
      [{ poolSize: -1 }, /poolSize must be a whole number >= 0/],
      [{ poolSize: 1.5 }, /poolSize must be a whole number/],
      [{ maxOverflow: 0.5 }, /maxOverflow must be a whole number/],
      [{ timeout: -1 }, /timeout must be a number of seconds >= 0, or null/],
      [{ recycle: Number.NaN }, /recycle must be a number of seconds/],
      [
        { resetOnReturn: 'rollbak' as 'rollback' },
        /resetOnReturn must be 'rollback', 'commit', 'none' or null/,
      ],
      [{ echo: 'verbose' as 'debug' }, /echo must be true, false or 'debug'/],
      [{ prePing: 'yes' as unknown as boolean }, /prePing must be true or false/],
    ];
    for (const [options, message] of bad) {
      expect(() => new QueuePool(ops, options)).toThrow(message);
    }
  });

  it('refuses an ops object that lacks a verb', () => {
    const ops = { connect: async () => ({}) } as unknown as PoolOps<object>;
    expect(() => new QueuePool(ops)).toThrow(/QueuePool needs ops\.reset\(\)/);
  });

  it('applies the defaults: size 5, overflow 10, timeout 30', async () => {
    const ops = new FakeOps();
    const pool = new QueuePool(ops, { logger: new CaptureLogger(), timeout: 0 });
    const hs = await Promise.all(Array.from({ length: 15 }, () => pool.checkout()));
    await expect(pool.checkout()).rejects.toThrow(
      'QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 0.00',
    );
    for (const h of hs) await h.release();
    expect(pool.checkedIn).toBe(5);
  });

  it('recreate() keeps class, size, overflow and reset mode but starts empty', async () => {
    const ops = new FakeOps();
    const pool = new QueuePool(ops, { poolSize: 2, maxOverflow: 1, resetOnReturn: null });
    await (await pool.checkout()).release();
    const next = pool.recreate();
    expect(next).toBeInstanceOf(QueuePool);
    expect(next).not.toBe(pool);
    expect(next.status()).toBe(
      'Pool size: 2  Connections in pool: 0 Current Overflow: -2 Current Checked out connections: 0',
    );
    const h = await next.checkout();
    expect(next.overflow).toBe(-1);
    await h.release();
    expect(ops.resets).toEqual([]);
    // Connection numbers continue across recreate, so log lines stay unambiguous.
    expect(h.info).toEqual({});
    expect((next as unknown as { _life: { counter: { next: number } } })._life.counter.next).toBe(
      3,
    );
  });

  it('a pool class can be passed around as a PoolClass value', async () => {
    const classes: PoolClass[] = [
      QueuePool,
      NullPool,
      StaticPool,
      SingletonThreadPool,
      AssertionPool,
    ];
    for (const cls of classes) {
      const pool = new cls(new FakeOps(), { logger: new CaptureLogger() });
      const h = await pool.checkout();
      expect(h.connection.id).toBe(1);
      await h.release();
      await pool.dispose();
    }
  });
});
