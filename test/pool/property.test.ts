import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QueuePool } from '../../src/pool/index.js';
import type { PooledConnection } from '../../src/pool/index.js';
import { CaptureLogger, FakeOps, settle } from './fake-ops.js';
import type { FakeConnection } from './fake-ops.js';

type Action =
  | { kind: 'checkout' }
  | { kind: 'release'; pick: number; wait: boolean }
  | { kind: 'invalidate'; pick: number; soft: boolean }
  | { kind: 'invalidateIdle'; pick: number }
  | { kind: 'failNextConnect' }
  | { kind: 'killConnection'; pick: number }
  | { kind: 'invalidateStale' }
  | { kind: 'dispose' }
  | { kind: 'pause' };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'checkout' as const }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('release' as const),
      pick: fc.nat(),
      wait: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('invalidate' as const),
      pick: fc.nat(),
      soft: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('invalidateIdle' as const), pick: fc.nat() }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'failNextConnect' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('killConnection' as const), pick: fc.nat() }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'invalidateStale' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'dispose' as const }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'pause' as const }) },
);

const config = fc.record({
  poolSize: fc.integer({ min: 0, max: 4 }),
  maxOverflow: fc.integer({ min: -1, max: 3 }),
  timeout: fc.constantFrom(0, 0.002, null),
  useLifo: fc.boolean(),
  prePing: fc.boolean(),
});

async function quiesce(): Promise<void> {
  // Fake ops resolve at once; a few turns let every chained await finish, and a short sleep
  // lets pool timeouts of 2 ms fire.
  await settle();
  await new Promise((resolve) => setTimeout(resolve, 3));
  await settle();
}

describe('QueuePool invariants under random operation sequences', () => {
  it('never exceeds its limits, never shares a connection, and ends idle', async () => {
    await fc.assert(
      fc.asyncProperty(config, fc.array(action, { maxLength: 40 }), async (cfg, actions) => {
        const ops = new FakeOps();
        const logger = new CaptureLogger();
        const pool = new QueuePool(ops, { ...cfg, logger });
        const limit =
          cfg.poolSize === 0 || cfg.maxOverflow < 0 ? Infinity : cfg.poolSize + cfg.maxOverflow;
        const held: PooledConnection<FakeConnection>[] = [];
        const pending = new Set<Promise<unknown>>();
        const errors: unknown[] = [];

        const check = () => {
          expect(ops.maxOpen).toBeLessThanOrEqual(limit);
          // Every live slot holds exactly one open connection once the pool is quiet.
          expect(pool.checkedIn + pool.checkedOut).toBe(ops.open.size);
          expect(pool.checkedOut).toBe(held.length);
          const ids = held.map((h) => h.connection.id);
          expect(new Set(ids).size).toBe(ids.length);
          for (const h of held) expect(h.connection.closed).toBe(false);
          if (cfg.poolSize > 0) expect(pool.checkedIn).toBeLessThanOrEqual(cfg.poolSize);
        };

        const track = (p: Promise<unknown>) => {
          pending.add(p);
          void p.finally(() => pending.delete(p));
        };

        for (const a of actions) {
          switch (a.kind) {
            case 'checkout':
              track(
                pool.checkout().then(
                  (h) => held.push(h),
                  (e: unknown) => errors.push(e),
                ),
              );
              break;
            case 'release':
            case 'invalidate': {
              if (held.length === 0) break;
              const [h] = held.splice(a.pick % held.length, 1);
              if (a.kind === 'invalidate' && a.soft) {
                await h!.invalidate(new Error('soft'), { soft: true });
                held.push(h!);
                break;
              }
              const done = a.kind === 'release' ? h!.release() : h!.invalidate(new Error('x'));
              if (a.kind === 'release' && a.wait) await done;
              else track(done);
              break;
            }
            case 'invalidateIdle': {
              const idle = [...ops.open].filter((c) => !held.some((h) => h.connection === c));
              const victim = idle[a.pick % Math.max(idle.length, 1)];
              if (victim !== undefined) pool.invalidateIdle(victim, new Error('idle error'));
              break;
            }
            case 'failNextConnect':
              ops.failNextConnects++;
              break;
            case 'killConnection': {
              const all = [...ops.open];
              const victim = all[a.pick % Math.max(all.length, 1)];
              if (victim !== undefined) ops.deadIds.add(victim.id);
              break;
            }
            case 'invalidateStale':
              pool.invalidateStale();
              break;
            case 'dispose':
              track(pool.dispose());
              break;
            case 'pause':
              await quiesce();
              check();
              break;
          }
        }
        await quiesce();
        check();

        // Drain: give everything back until no checkout is outstanding.
        ops.failNextConnects = 0;
        for (let round = 0; round < 100 && (held.length > 0 || pending.size > 0); round++) {
          await Promise.all(held.splice(0).map((h) => h.release()));
          await quiesce();
        }
        expect(pending.size).toBe(0);
        expect(pool.checkedOut).toBe(0);
        expect(pool.waiting).toBe(0);
        expect(pool.checkedIn).toBe(ops.open.size);
        if (cfg.poolSize > 0) expect(pool.checkedIn).toBeLessThanOrEqual(cfg.poolSize);
        expect(ops.maxOpen).toBeLessThanOrEqual(limit);
        // Only expected failures: timeouts and injected connect refusals.
        for (const e of errors) {
          expect((e as Error).message).toMatch(/QueuePool limit of size|connect refused/);
        }
        // Nothing was closed twice or failed to close.
        expect(logger.lines.filter((l) => l.startsWith('ERROR'))).toEqual([]);
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
