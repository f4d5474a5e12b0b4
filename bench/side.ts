/**
 * The two interfaces every database module of the benchmark implements: `Admin` prepares and
 * inspects the table (the same code for both sides, so setup and verification are identical),
 * and `Side` does the timed work of W1–W5 and W7, once with the raw driver and once with
 * Athanor.
 */
import type { Dataset, UserRow } from './data.js';

/** The databases the benchmark knows. */
export type DbName = 'sqlite' | 'postgresql' | 'mariadb';

/**
 * The benchmark table: `bench_users_<pid>`, one per worker process, so that it never collides
 * with an application's table nor with another benchmark running against the same server. The
 * worker drops it at the end.
 */
export const TABLE = `bench_users_${process.pid}`;

/** Prepares and inspects the benchmark table with the raw driver. Never timed. */
export interface Admin {
  /** Drops and creates the table, so each run starts from a fresh table. */
  recreateTable(): Promise<void>;
  /** Drops the table (at the end of the worker). */
  dropTable(): Promise<void>;
  /** Inserts the dataset's rows (ids 1..n) in one transaction. */
  fill(data: Dataset): Promise<void>;
  /** Inserts `n` generated rows (see `streamRowAge`) with one server-side statement. */
  fillGenerated(n: number): Promise<void>;
  /** Every row, ordered by id. */
  selectAll(): Promise<UserRow[]>;
  /** The server's version string. */
  version(): Promise<string>;
  close(): Promise<void>;
}

/** Peak-memory sampling for W7: sides call `sample()` every `SAMPLE_EVERY` rows. */
export interface MemoryProbe {
  sample(): void;
}

/** How often (in rows) a streaming loop samples the resident set size. */
export const SAMPLE_EVERY = 1000;

/** What W7's loop saw, so the verification can check every row went by. */
export interface StreamOutcome {
  count: number;
  ageSum: number;
  idSum: number;
}

/** One side of the comparison for one database: the timed work. */
export interface Side {
  /** W1: inserts rows 1..n in one transaction; returns what `insertedKeys` reads, if anything. */
  insert(data: Dataset): Promise<unknown>;
  /**
   * W1, for a side that hands objects back: the key each inserted object was given, in the
   * dataset's order (read after the timed part).
   */
  insertedKeys?(output: unknown): number[];
  /** W2: every row of the table. */
  loadAll(): Promise<readonly UserRow[]>;
  /** W3: loads every row and adds 1 to the age of every tenth (`isTenth`), in one transaction. */
  changeTenth(): Promise<void>;
  /** W4: one row per id, in order (repeats included). */
  lookups(ids: readonly number[]): Promise<readonly UserRow[]>;
  /** W5: one request per id (read, age + 1, commit), `inFlight` at a time over a pool. */
  requests(ids: readonly number[], inFlight: number): Promise<void>;
  /** W7: streams every row once, calling `probe.sample()` every `SAMPLE_EVERY` rows. */
  stream(probe: MemoryProbe): Promise<StreamOutcome>;
  close(): Promise<void>;
}

/**
 * Runs `count` async tasks with at most `inFlight` running at once (workers pull the next index).
 *
 * @example
 * await runConcurrent(2000, 50, async (i) => handle(requests[i]));
 */
export async function runConcurrent(
  count: number,
  inFlight: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      await task(index);
    }
  };
  const workers: Promise<void>[] = [];
  for (let i = 0; i < Math.min(inFlight, count); i++) workers.push(worker());
  await Promise.all(workers);
}
