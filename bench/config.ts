/**
 * Sizes, databases and the worker protocol: everything the runner and the workers must agree
 * on.
 */
import type { DbName } from './side.js';

/** The eight workloads, in order. */
export const WORKLOADS = ['W1', 'W2', 'W3', 'W4', 'W5', 'W6', 'W7', 'W8'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

/** The databases, in the order the table lists them. */
export const DATABASES: readonly DbName[] = ['sqlite', 'postgresql', 'mariadb'];

/**
 * `raw` is the driver alone (for W6 the 10-object session, for W8 the driver's own pool),
 * `core` is Athanor's engine and SQL expression language without the ORM, `athanor` the ORM.
 */
export type SideName = 'raw' | 'core' | 'athanor';

/** The sides a workload has on a database. */
export function sidesFor(workload: WorkloadName, db: DbName): SideName[] {
  // W6 is about the ORM's flush; W8 times the pool itself, which Core and the ORM share.
  if (workload === 'W6') return ['raw', 'athanor'];
  // better-sqlite3 has no pool to hold W8 against.
  if (workload === 'W8') return db === 'sqlite' ? ['athanor'] : ['raw', 'athanor'];
  return ['raw', 'core', 'athanor'];
}

/** How big each workload is. */
export interface Sizes {
  /** Rows in the table for W1–W5 (W1 inserts them, W4 looks up this many ids). */
  rows: number;
  /** W5 requests, in flight at once, and the pool size. */
  requests: number;
  inFlight: number;
  poolSize: number;
  /** W6: objects loaded in the big and the small session, and flushes timed per run. */
  bigSession: number;
  smallSession: number;
  flushes: number;
  /** W7 rows streamed. */
  streamRows: number;
  /** W8 checkout/checkin cycles per run. */
  poolCycles: number;
}

/**
 * The issue's sizes scaled from the row count: `n` rows for W1–W4, n/5 requests for W5, 10n
 * objects in W6's big session, 100n rows streamed in W7 and 10n pool cycles in W8.
 *
 * @example
 * sizesFor(10_000).streamRows; // 1_000_000
 */
export function sizesFor(n: number, quick = false): Sizes {
  return {
    rows: n,
    requests: Math.max(10, Math.floor(n / 5)),
    inFlight: 50,
    poolSize: 10,
    bigSession: 10 * n,
    smallSession: 10,
    flushes: quick ? 20 : 200,
    streamRows: quick ? 20_000 : 100 * n,
    poolCycles: 10 * n,
  };
}

/** The full run's row count, and quick mode's. */
export const FULL_N = 10_000;
export const QUICK_N = 500;

/** What the runner hands a worker (as JSON in `BENCH_WORKER_CONFIG`). */
export interface WorkerConfig {
  url: string;
  sizes: Sizes;
  /** Timed runs after the one warm-up run. */
  runs: number;
}

/** What a worker prints (one line on stdout, after `RESULT_MARKER`). */
export interface WorkerResult {
  workload: WorkloadName;
  db: DbName;
  side: SideName;
  /** One value per timed run, in `unit`. */
  samples: number[];
  unit: 'ms' | 'µs';
  /** W7: peak RSS growth over the process's baseline, in MiB. */
  rssGrowthMiB?: number;
  /** What the verification checked, for the record. */
  verified: string;
  /** How the side did the work, when there is a choice worth recording. */
  note?: string;
}

export const RESULT_MARKER = '@@bench-result ';

/** The environment variables naming the server databases: the benchmark's own, then the tests'. */
export const URL_VARIABLES: Record<Exclude<DbName, 'sqlite'>, readonly string[]> = {
  postgresql: ['ATHANOR_BENCH_POSTGRESQL_URL', 'ATHANOR_TEST_POSTGRESQL_URL'],
  mariadb: ['ATHANOR_BENCH_MARIADB_URL', 'ATHANOR_TEST_MARIADB_URL'],
};
