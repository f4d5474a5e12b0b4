/**
 * The benchmark runner (`npm run bench`): Athanor against the raw drivers on SQLite and on the
 * servers whose URLs are set, each workload and side in a fresh worker process. Prints the
 * table, writes `bench/results/latest.json` (and `bench/RESULTS.md` after a full run) and exits
 * non-zero when any run fails or leaves the data wrong. Timings never fail the run.
 *
 *   npm run bench -- [--quick] [--only W2,W4] [--db sqlite,postgresql] [--runs N] [--n N] [--profile]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  DATABASES,
  FULL_N,
  QUICK_N,
  RESULT_MARKER,
  URL_VARIABLES,
  WORKLOADS,
  sidesFor,
  sizesFor,
} from './config.js';
import type { SideName, WorkerConfig, WorkerResult, WorkloadName } from './config.js';
import { buildAthanor } from './build-athanor.js';
import { describeMachine, machineLine } from './machine.js';
import { consoleTable, geomean, markdownTable, reportRow } from './report.js';
import type { ReportRow } from './report.js';
import { resultsMarkdown } from './results-md.js';
import type { DbName } from './side.js';
import { openAdmin } from './sides.js';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const RESULTS = join(BENCH, 'results');
/**
 * Timed runs per workload and side, and the fresh workers they are spread over: each worker
 * does a warm-up run and then 5 timed runs. In one worker the first runs after the warm-up
 * are often slower for the sides with more JavaScript (the JIT is still optimising), so more
 * than one timed run per worker, and two workers alternating the sides, steady the medians.
 */
const DEFAULT_RUNS = 10;
const DEFAULT_ROUNDS = 2;

const HELP = `usage: npm run bench -- [options]
  --quick            small sizes, one timed run: checks the suite works and verifies the data
  --only W2,W4       run only these workloads (W1..W8)
  --db sqlite,mariadb  run only these databases (sqlite, postgresql, mariadb)
  --runs N           timed runs per workload and side (default 10; quick 1)
  --rounds R         split the runs over R fresh workers per side, alternating the sides
                     (raw, Core, Athanor, raw, …) so that load changes hit all alike (default 2;
                     quick 1)
  --n N              rows for W1–W5; the other sizes scale from it (default ${FULL_N}; quick ${QUICK_N})
  --profile          profile the timed part of every Core and Athanor run into
                     bench/results/profiles/<W>-<db>-<side>[.round<R>].run<N>.cpuprofile
                     (read them with: tsx bench/profile-top.ts <files…>); profiling slows
                     the profiled sides, so the ratios of such a run are not comparable
  --json FILE        write the JSON report to FILE instead of bench/results/latest.json
  --source           run Athanor from its TypeScript sources through tsx instead of compiling
                     src/ to JavaScript first (tsx adds a __name() call per named closure)
Servers: ATHANOR_BENCH_POSTGRESQL_URL / ATHANOR_BENCH_MARIADB_URL, falling back to
ATHANOR_TEST_POSTGRESQL_URL / ATHANOR_TEST_MARIADB_URL; a server without a URL is skipped.`;

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(2);
}

function listOption<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  what: string,
): T[] {
  if (value === undefined) return [...allowed];
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items) {
    if (!allowed.includes(item as T))
      fail(`unknown ${what} "${item}"; choose from ${allowed.join(', ')}`);
  }
  return allowed.filter((a) => items.includes(a));
}

function positive(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) fail(`${what} must be a positive integer, got "${value}"`);
  return n;
}

/** The URL of a database, or undefined (with the reason) when it is not configured. */
function databaseUrl(db: DbName): string | undefined {
  if (db === 'sqlite') return 'sqlite';
  for (const variable of URL_VARIABLES[db]) {
    const url = process.env[variable];
    if (url) return url;
  }
  return undefined;
}

interface Spawned {
  result?: WorkerResult;
  error?: string;
}

function runWorker(
  workload: WorkloadName,
  db: DbName,
  side: SideName,
  config: WorkerConfig,
  profile: boolean,
  round: number,
  athanorModule: string | undefined,
): Promise<Spawned> {
  const args = ['--import', 'tsx', '--expose-gc'];
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_WORKER_CONFIG: JSON.stringify(config) };
  if (athanorModule !== undefined) env.BENCH_ATHANOR_MODULE = athanorModule;
  else delete env.BENCH_ATHANOR_MODULE;
  // W6's raw column is the ORM too (the small session).
  if (profile && (side !== 'raw' || workload === 'W6')) {
    const name = `${workload}-${db}-${side}${round > 1 ? `.round${round}` : ''}`;
    env.BENCH_PROFILE = join(RESULTS, 'profiles', name);
  }
  args.push(join(BENCH, 'worker.ts'), workload, db, side);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => resolve({ error: error.message }));
    child.on('close', (code, signal) => {
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARKER));
      if (code === 0 && line) {
        resolve({ result: JSON.parse(line.slice(RESULT_MARKER.length)) as WorkerResult });
      } else {
        const why = signal ? `killed by ${signal}` : `exit code ${code}`;
        // The error's own line (the stack follows it) says more than the exit code.
        const message = stderr
          .split('\n')
          .find((l) => /Error\b/.test(l) && !l.trimStart().startsWith('at '));
        resolve({ error: `${why}${message ? `: ${message.trim()}` : ''}\n${stderr.trim()}` });
      }
    });
  });
}

/** One side's results over several rounds: all samples, the largest RSS growth. */
function mergeRounds(previous: WorkerResult | undefined, next: WorkerResult): WorkerResult {
  if (!previous) return next;
  const merged: WorkerResult = { ...next, samples: [...previous.samples, ...next.samples] };
  if (previous.rssGrowthMiB !== undefined || next.rssGrowthMiB !== undefined) {
    merged.rssGrowthMiB = Math.max(previous.rssGrowthMiB ?? 0, next.rssGrowthMiB ?? 0);
  }
  return merged;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      db: { type: 'string' },
      runs: { type: 'string' },
      rounds: { type: 'string' },
      n: { type: 'string' },
      profile: { type: 'boolean', default: false },
      source: { type: 'boolean', default: false },
      json: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const quick = values.quick!;
  const workloads = listOption(values.only, WORKLOADS, 'workload');
  const requested = values.db !== undefined;
  const dbs = listOption(values.db, DATABASES, 'database');
  const runs = positive(values.runs, '--runs') ?? (quick ? 1 : DEFAULT_RUNS);
  const rounds = Math.min(
    runs,
    positive(values.rounds, '--rounds') ?? (quick ? 1 : DEFAULT_ROUNDS),
  );
  const runsPerRound = Math.ceil(runs / rounds);
  const n = positive(values.n, '--n') ?? (quick ? QUICK_N : FULL_N);
  const sizes = sizesFor(n, quick);

  const targets: { db: DbName; url: string }[] = [];
  for (const db of dbs) {
    const url = databaseUrl(db);
    if (url) {
      targets.push({ db, url });
      continue;
    }
    const names = URL_VARIABLES[db as Exclude<DbName, 'sqlite'>].join(' or ');
    if (requested || process.env.CI === 'true') fail(`${db} was asked for but ${names} is not set`);
    console.error(`bench: ${db} skipped: set ${names} to include it`);
  }

  const versions: Record<string, string> = {};
  for (const { db, url } of targets) {
    const admin = await openAdmin(db, db === 'sqlite' ? 'sqlite:///:memory:' : url);
    versions[db] = await admin.version();
    await admin.close();
  }
  const machine = describeMachine(versions);
  console.error(`bench: ${machineLine(machine)}`);
  console.error(
    `bench: ${quick ? 'quick mode, ' : ''}${runsPerRound * rounds} timed run(s)` +
      `${rounds > 1 ? ` in ${rounds} rounds` : ''}, each worker after a warm-up; rows ${sizes.rows}, ` +
      `W5 ${sizes.requests} requests, W6 ${sizes.bigSession} objects, W7 ${sizes.streamRows} rows, W8 ${sizes.poolCycles} cycles`,
  );
  if (values.profile) {
    mkdirSync(join(RESULTS, 'profiles'), { recursive: true });
    console.error(
      'bench: --profile slows the profiled sides (Core, Athanor) but not raw: read the profiles, not the ratios',
    );
  }

  // The workers run Athanor compiled to JavaScript, as users do (see bench/athanor/lib.ts).
  // One build per run (by process id), so that two runs at once never share a half-written one.
  const buildDir = join(RESULTS, 'athanor-js', String(process.pid));
  const athanorModule = values.source ? undefined : await buildAthanor(ROOT, buildDir);
  console.error(
    `bench: Athanor ${athanorModule ? `compiled to ${relative(ROOT, athanorModule)}` : 'from its TypeScript sources (--source)'}`,
  );

  const results: WorkerResult[] = [];
  const failures: { workload: WorkloadName; db: DbName; side: SideName; error: string }[] = [];
  const rows: ReportRow[] = [];
  for (const { db, url } of targets) {
    for (const workload of workloads) {
      const bySide: Partial<Record<SideName, WorkerResult>> = {};
      const failed = new Set<SideName>();
      // Rounds alternate the sides, so that a change in machine load hits all of them alike.
      const sides = sidesFor(workload, db);
      for (let round = 1; round <= rounds; round++) {
        // Each round starts with the next side, so no side always follows another workload's
        // cleanup (a dropped table's purge on the server, a finished process's exit).
        const start = (round - 1) % sides.length;
        for (const side of [...sides.slice(start), ...sides.slice(0, start)]) {
          if (failed.has(side)) continue;
          const config = { url, sizes, runs: runsPerRound };
          const started = Date.now();
          const outcome = await runWorker(
            workload,
            db,
            side,
            config,
            values.profile!,
            round,
            athanorModule,
          );
          const seconds = ((Date.now() - started) / 1000).toFixed(1);
          const label = `${workload} ${db} ${side}${rounds > 1 ? ` round ${round}` : ''}`;
          if (outcome.result) {
            bySide[side] = mergeRounds(bySide[side], outcome.result);
            console.error(`bench: ${label} ok (${seconds} s): ${outcome.result.verified}`);
          } else {
            failed.add(side);
            delete bySide[side];
            failures.push({ workload, db, side, error: outcome.error ?? 'unknown error' });
            console.error(`bench: ${label} FAILED (${seconds} s): ${outcome.error}`);
          }
        }
      }
      for (const result of Object.values(bySide)) results.push(result);
      rows.push(reportRow(workload, db, bySide));
    }
  }
  const geomeans = targets.map(({ db }) => geomean(rows, db));

  console.log(`\n${machineLine(machine)}`);
  console.log(consoleTable(rows, geomeans));
  const notes = [...new Set(rows.map((r) => r.note).filter(Boolean))];
  for (const note of notes) console.log(`note: ${note}`);

  // Profiles point into the build (its source maps lead back to src/): keep it for them.
  if (!values.profile) rmSync(buildDir, { recursive: true, force: true });
  mkdirSync(RESULTS, { recursive: true });
  const report = {
    date: new Date().toISOString(),
    options: {
      quick,
      athanor: athanorModule ? 'compiled' : 'source',
      workloads,
      databases: targets.map((t) => t.db),
      runs: runsPerRound * rounds,
      rounds,
      sizes,
    },
    machine,
    rows,
    geomeans,
    results,
    failures,
  };
  const json = JSON.stringify(report, null, 2);
  if (values.json !== undefined) {
    writeFileSync(values.json, json);
    console.log(`\nbench: wrote ${values.json}`);
  } else {
    writeFileSync(join(RESULTS, 'latest.json'), json);
    writeFileSync(join(RESULTS, `${report.date.replace(/[:.]/g, '-')}.json`), json);
    console.log(`\nbench: wrote ${relative(ROOT, join(RESULTS, 'latest.json'))}`);
  }
  // Only a full-size run of every workload replaces the committed table.
  const full = !quick && values.only === undefined && values.n === undefined;
  if (full && values.json === undefined && failures.length === 0) {
    writeFileSync(
      join(BENCH, 'RESULTS.md'),
      resultsMarkdown(
        machine,
        markdownTable(rows, geomeans),
        runsPerRound * rounds,
        rounds,
        report.date,
      ),
    );
    console.log(`bench: wrote bench/RESULTS.md`);
  }
  if (failures.length) {
    console.error(`\nbench: ${failures.length} worker(s) failed:`);
    for (const f of failures)
      console.error(`- ${f.workload} ${f.db} ${f.side}: ${f.error.split('\n')[0]}`);
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
