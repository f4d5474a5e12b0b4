/**
 * One workload, one database, one side, in a fresh process:
 *
 *   node --import tsx --expose-gc bench/worker.ts <W1..W8> <sqlite|postgresql|mariadb> <raw|core|athanor>
 *
 * The runner passes the URL, sizes and run count in `BENCH_WORKER_CONFIG`. The worker does one
 * warm-up run and `runs` timed runs, verifies the end state after each, and prints one result
 * line (`RESULT_MARKER` + JSON) on stdout. Any failure exits non-zero.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Profiler } from './profiler.js';
import { DATABASES, RESULT_MARKER, WORKLOADS } from './config.js';
import type { SideName, WorkerConfig, WorkerResult, WorkloadName } from './config.js';
import { openAdmin, openSide, workloadFor } from './sides.js';
import type { TimedSection } from './workloads.js';
import type { DbName } from './side.js';

function usage(message: string): never {
  console.error(
    `${message}\nusage: bench/worker.ts <W1..W8> <${DATABASES.join('|')}> <raw|core|athanor>`,
  );
  process.exit(2);
}

async function main(): Promise<void> {
  const [workload, db, side] = process.argv.slice(2) as [WorkloadName, DbName, SideName];
  if (!WORKLOADS.includes(workload)) usage(`unknown workload ${String(workload)}`);
  if (!DATABASES.includes(db)) usage(`unknown database ${String(db)}`);
  if (!['raw', 'core', 'athanor'].includes(side)) usage(`unknown side ${String(side)}`);
  const raw = process.env.BENCH_WORKER_CONFIG;
  if (!raw) usage('BENCH_WORKER_CONFIG is not set (the runner sets it)');
  const config = JSON.parse(raw) as WorkerConfig;

  // SQLite: a fresh file in a fresh folder for every worker, removed at the end.
  let folder: string | undefined;
  if (db === 'sqlite') {
    folder = mkdtempSync(join(tmpdir(), 'athanor-bench-'));
    config.url = `sqlite:///${join(folder, 'bench.db')}`;
  }
  const admin = await openAdmin(db, config.url);
  const opened = await workloadFor(workload, db, side, admin, config, openSide);
  const samples: number[] = [];
  let verified = '';
  // With --profile, only the timed part of each timed run is profiled, one file per run.
  const profiler = process.env.BENCH_PROFILE ? await Profiler.open() : undefined;
  try {
    for (let run = 0; run <= config.runs; run++) {
      await opened.run.setup(run);
      const file = `${process.env.BENCH_PROFILE}.run${run}.cpuprofile`;
      // A self-timed workload marks its own measured section; others are profiled whole.
      const section: TimedSection = {
        begin: async () => {
          if (run > 0) await profiler?.start();
        },
        end: async () => {
          if (run > 0) await profiler?.stop(file);
        },
      };
      if (!opened.run.selfTimed) await section.begin();
      const started = performance.now();
      const output = await opened.run.exec(section);
      const elapsed = performance.now() - started;
      if (!opened.run.selfTimed) await section.end();
      verified = await opened.run.verify(output);
      if (run > 0) {
        samples.push(opened.run.selfTimed ? (output as { measured: number }).measured : elapsed);
      }
    }
    const finished = opened.run.finish?.() ?? {};
    const result: WorkerResult = {
      workload,
      db,
      side,
      samples,
      unit: opened.run.unit,
      verified,
      ...finished,
      ...(opened.note ? { note: opened.note } : {}),
    };
    process.stdout.write(`${RESULT_MARKER}${JSON.stringify(result)}\n`);
  } finally {
    profiler?.close();
    await opened.close();
    await admin.dropTable();
    await admin.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
