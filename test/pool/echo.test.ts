import { afterEach, describe, expect, it, vi } from 'vitest';
import { QueuePool } from '../../src/pool/index.js';
import type { PoolOptions } from '../../src/pool/index.js';
import { CaptureLogger, FakeOps } from './fake-ops.js';
import type { FakeConnection } from './fake-ops.js';

function makePool(options: PoolOptions = {}) {
  const ops = new FakeOps();
  const logger = new CaptureLogger();
  const pool = new QueuePool(ops, { logger, ...options });
  return { ops, logger, pool };
}

async function twoRoundsThenDispose(pool: QueuePool<FakeConnection>) {
  await (await pool.checkout()).release();
  await (await pool.checkout()).release();
  await pool.dispose();
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('pool echo', () => {
  it("logs the full sequence with echo 'debug'", async () => {
    const { pool, logger } = makePool({ echo: 'debug' });
    await twoRoundsThenDispose(pool);
    expect(logger.lines).toEqual([
      'DEBUG Created new connection <connection 1>',
      'INFO Connection <connection 1> checked out from pool',
      'INFO Connection <connection 1> being returned to pool',
      'DEBUG Connection <connection 1> rollback-on-return',
      'INFO Connection <connection 1> checked out from pool',
      'INFO Connection <connection 1> being returned to pool',
      'DEBUG Connection <connection 1> rollback-on-return',
      'DEBUG Closing connection <connection 1>',
      'INFO Pool disposed. Pool size: 5  Connections in pool: 0 Current Overflow: -5 Current Checked out connections: 0',
    ]);
  });

  it('logs checkouts, checkins and dispose at INFO with echo true', async () => {
    const { pool, logger } = makePool({ echo: true });
    await twoRoundsThenDispose(pool);
    expect(logger.lines.every((l) => l.startsWith('INFO '))).toBe(true);
    expect(logger.lines).toHaveLength(5);
    expect(logger.lines.at(-1)).toMatch(/^INFO Pool disposed\. Pool size: 5 {2}/);
  });

  it('logs nothing with echo off', async () => {
    const { pool, logger } = makePool();
    await twoRoundsThenDispose(pool);
    expect(logger.lines).toEqual([]);
  });

  it('logs pre-ping, commit-on-return, invalidation and recreate lines', async () => {
    const { pool, logger } = makePool({ echo: 'debug', prePing: true, resetOnReturn: 'commit' });
    await (await pool.checkout()).release();
    const h = await pool.checkout();
    await h.invalidate(new Error('connection reset by peer'));
    pool.recreate();
    expect(logger.lines).toEqual([
      'DEBUG Created new connection <connection 1>',
      'INFO Connection <connection 1> checked out from pool',
      'DEBUG Connection <connection 1> is fresh, skipping pre-ping',
      'INFO Connection <connection 1> being returned to pool',
      'DEBUG Connection <connection 1> commit-on-return',
      'INFO Connection <connection 1> checked out from pool',
      'DEBUG Pool pre-ping on connection <connection 1>',
      'INFO Invalidate connection <connection 1> (reason: Error:connection reset by peer)',
      'DEBUG Closing connection <connection 1>',
      'INFO Pool recreating',
    ]);
  });

  it('masks passwords in logged reasons', async () => {
    const { pool, logger } = makePool({ echo: true });
    const h = await pool.checkout();
    await h.invalidate(new Error('could not reach postgresql://app:s3cret@db:5432/app'));
    expect(logger.lines.join('\n')).not.toContain('s3cret');
    expect(logger.lines.join('\n')).toContain('postgresql://app:***@db:5432/app');
  });

  it('writes to the console under athanor.pool.<Class>[.<loggingName>] by default', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const ops = new FakeOps();
    const plain = new QueuePool(ops, { echo: true });
    await (await plain.checkout()).release();
    const named = new QueuePool(ops, { echo: true, loggingName: 'reports' });
    await (await named.checkout()).release();
    const lines = log.mock.calls.map((c) => String(c[0]));
    expect(lines[0]).toMatch(
      / INFO athanor\.pool\.QueuePool Connection <connection 1> checked out from pool$/,
    );
    expect(lines.at(-1)).toMatch(
      / INFO athanor\.pool\.QueuePool\.reports Connection <connection \d+> being returned to pool$/,
    );
  });
});
