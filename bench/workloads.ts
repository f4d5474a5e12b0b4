/**
 * W1–W5 and W7: what each run prepares (untimed), does (timed, through a `Side`) and checks
 * (untimed). The same code drives both sides, so they start from the same table and are held
 * to the same end state.
 */
import type { WorkerConfig, WorkloadName } from './config.js';
import { dataset, distinctIds, isTenth, randomIds, streamAgeSum } from './data.js';
import type { UserRow } from './data.js';
import { RssProbe } from './memory.js';
import type { Admin, Side } from './side.js';
import { checkAssignedKeys, checkLookups, checkRowSet, checkTable, expect } from './verify.js';

/** Marks the measured section of a self-timed workload (profiling starts and stops there). */
export interface TimedSection {
  begin(): Promise<void>;
  end(): Promise<void>;
}

/** One workload bound to one side: the worker calls these in order for each run. */
export interface WorkloadRun {
  unit: 'ms' | 'µs';
  /** Prepares run `run` (0 is the warm-up). Not timed. */
  setup(run: number): Promise<void>;
  /**
   * The measured work. When `selfTimed`, it returns `{ measured }`, its own measurement in
   * `unit` (per operation); otherwise the worker times the whole call.
   */
  exec(section: TimedSection): Promise<unknown>;
  selfTimed?: boolean;
  /** Checks the end state after `exec`; returns what was checked. Throws on a mismatch. */
  verify(output: unknown): Promise<string>;
  /** Called once after the last run. */
  finish?(): { rssGrowthMiB?: number };
}

/** Builds the run of a side-based workload (W1–W5, W7). */
export function sideWorkload(
  name: WorkloadName,
  admin: Admin,
  side: Side,
  config: WorkerConfig,
): WorkloadRun {
  const { sizes } = config;
  const data = dataset(sizes.rows);
  const fresh = async (filled: boolean): Promise<void> => {
    await admin.recreateTable();
    if (filled) await admin.fill(data);
  };
  switch (name) {
    case 'W1':
      return {
        unit: 'ms',
        setup: () => fresh(false),
        exec: () => side.insert(data),
        async verify(output) {
          const table = await admin.selectAll();
          checkTable('W1 table', table, data);
          if (!side.insertedKeys) return `table = ${data.n} generated rows`;
          checkAssignedKeys('W1 objects', side.insertedKeys(output), table, data);
          return `table = ${data.n} generated rows; every object got its row's key`;
        },
      };
    case 'W2':
      return {
        unit: 'ms',
        setup: () => fresh(true),
        exec: () => side.loadAll(),
        async verify(rows) {
          checkRowSet('W2 result', rows as readonly UserRow[], data);
          return `${data.n} rows loaded, every column checked`;
        },
      };
    case 'W3':
      return {
        unit: 'ms',
        setup: () => fresh(true),
        exec: () => side.changeTenth(),
        async verify() {
          checkTable('W3 table', await admin.selectAll(), data, (id) => (isTenth(id) ? 1 : 0));
          return `every tenth age + 1 (${Math.ceil(data.n / 10)} rows), the rest unchanged`;
        },
      };
    case 'W4': {
      const ids = randomIds(sizes.rows, sizes.rows);
      const distinct = new Set(ids).size;
      return {
        unit: 'ms',
        // The table is only read: fill it once, keep it for every run.
        setup: async (run) => (run === 0 ? fresh(true) : undefined),
        exec: () => side.lookups(ids),
        async verify(rows) {
          checkLookups('W4 result', rows as readonly UserRow[], ids, data);
          return `${ids.length} lookups (${distinct} distinct ids) answered with the right rows`;
        },
      };
    }
    case 'W5': {
      const ids = distinctIds(sizes.requests, sizes.rows);
      const touched = new Uint8Array(sizes.rows + 1);
      for (const id of ids) touched[id] = 1;
      return {
        unit: 'ms',
        setup: () => fresh(true),
        exec: () => side.requests(ids, sizes.inFlight),
        async verify() {
          checkTable('W5 table', await admin.selectAll(), data, (id) => touched[id]!);
          return `${ids.length} requests: each touched age + 1 (total ${ids.length}), the rest unchanged`;
        },
      };
    }
    case 'W7': {
      const probe = new RssProbe();
      const rows = sizes.streamRows;
      return {
        unit: 'ms',
        async setup(run) {
          if (run !== 0) return;
          await admin.recreateTable();
          await admin.fillGenerated(rows);
          probe.start();
        },
        exec: () => side.stream(probe),
        async verify(output) {
          const seen = output as { count: number; ageSum: number; idSum: number };
          expect(seen.count === rows, `W7: streamed ${seen.count} rows, expected ${rows}`);
          expect(
            seen.ageSum === streamAgeSum(rows),
            `W7: sum of ages ${seen.ageSum}, expected ${streamAgeSum(rows)}`,
          );
          expect(
            seen.idSum === (rows * (rows + 1)) / 2,
            `W7: the ids streamed are not 1..${rows} once each`,
          );
          return `${rows} rows streamed once each (count, id sum, age sum)`;
        },
        finish() {
          probe.stop();
          return { rssGrowthMiB: probe.growthMiB() };
        },
      };
    }
    default:
      throw new Error(`${name} is not a side workload`);
  }
}
