/**
 * Pool overhead micro-benchmark: checkout + release cycles on a QueuePool whose connections
 * are fake (every verb resolves at once), so the time measured is the pool's own work.
 * Run directly, it prints the median of five rounds per configuration:
 *
 *   tsx bench/pool-overhead.ts [cycles]
 *
 * Importing the module runs nothing; it exports the pieces for the benchmark suite.
 */
import { pathToFileURL } from 'node:url';
import { QueuePool } from '../src/pool/index.js';
import type { PoolOps, PoolOptions } from '../src/pool/index.js';

/** The connection type of {@link fakePoolOps}. */
export interface FakeConnection {
  readonly id: number;
}

/** PoolOps whose every verb resolves at once, so that only the pool's own work is timed. */
export function fakePoolOps(): PoolOps<FakeConnection> {
  let opened = 0;
  return {
    connect: () => Promise.resolve({ id: ++opened }),
    reset: () => Promise.resolve(),
    ping: () => Promise.resolve(true),
    close: () => Promise.resolve(),
  };
}

/** Microseconds per checkout + release cycle, over `cycles` sequential cycles. */
export async function microsecondsPerCycle<C>(pool: QueuePool<C>, cycles: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < cycles; i++) {
    const handle = await pool.checkout();
    await handle.release();
  }
  return Number(process.hrtime.bigint() - start) / 1000 / cycles;
}

/** The configurations the standalone run compares. */
export const POOL_VARIANTS: readonly (readonly [string, PoolOptions])[] = [
  ['defaults (rollback on return)', {}],
  ['resetOnReturn: null', { resetOnReturn: null }],
  ['prePing: true', { prePing: true }],
  ['storeTraceback: true', { storeTraceback: true }],
];

async function main(): Promise<void> {
  const cycles = Number(process.argv[2] ?? 100_000);
  const rounds = 5;
  for (const [name, options] of POOL_VARIANTS) {
    const pool = new QueuePool(fakePoolOps(), options);
    await microsecondsPerCycle(pool, Math.min(cycles, 20_000)); // warm-up
    const samples: number[] = [];
    for (let r = 0; r < rounds; r++) samples.push(await microsecondsPerCycle(pool, cycles));
    samples.sort((a, b) => a - b);
    const median = samples[Math.floor(rounds / 2)] as number;
    console.log(
      `QueuePool ${name}: ${median.toFixed(3)} µs per checkout+release ` +
        `(median of ${rounds} × ${cycles} cycles; min ${(samples[0] as number).toFixed(3)})`,
    );
    await pool.dispose();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
