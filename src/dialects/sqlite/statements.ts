/**
 * Small helpers of the better-sqlite3 adapter: calling statements, converting parameters and
 * integers, explaining SQLITE_BUSY_SNAPSHOT, and the streaming cursor.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { DriverCursor } from '../dialect.js';

type Statement = BetterSqlite3.Statement<unknown[], unknown>;

/** better-sqlite3 binds arguments faster than one array argument; the common sizes go direct. */
export function callAll(stmt: Statement, a: unknown[]): unknown[][] {
  switch (a.length) {
    case 0:
      return stmt.all() as unknown[][];
    case 1:
      return stmt.all(a[0]) as unknown[][];
    case 2:
      return stmt.all(a[0], a[1]) as unknown[][];
    case 3:
      return stmt.all(a[0], a[1], a[2]) as unknown[][];
    default:
      return stmt.all(a) as unknown[][];
  }
}

/**
 * `callAll` for one row: the first row, or undefined when there is none. The row is a copy:
 * better-sqlite3 builds a raw row by appending to an empty array, which leaves it room for
 * 17 values; a lookup's row usually lives on as a loaded object's values, and the copy is
 * half the size, which is what the garbage collector has to move while the object lives.
 */
export function callGet(stmt: Statement, a: unknown[]): unknown[] | undefined {
  let row: unknown[] | undefined;
  switch (a.length) {
    case 0:
      row = stmt.get() as unknown[] | undefined;
      break;
    case 1:
      row = stmt.get(a[0]) as unknown[] | undefined;
      break;
    case 2:
      row = stmt.get(a[0], a[1]) as unknown[] | undefined;
      break;
    default:
      row = stmt.get(a) as unknown[] | undefined;
  }
  return row === undefined ? undefined : row.slice();
}

export function callRun(stmt: Statement, a: unknown[]): BetterSqlite3.RunResult {
  switch (a.length) {
    case 0:
      return stmt.run();
    case 1:
      return stmt.run(a[0]);
    case 2:
      return stmt.run(a[0], a[1]);
    case 3:
      return stmt.run(a[0], a[1], a[2]);
    default:
      return stmt.run(a);
  }
}

/** Streams rows from a statement iterator. */
export class SqliteCursor implements DriverCursor {
  readonly exclusive = true;
  #done = false;

  constructor(
    readonly columns: readonly string[],
    private readonly iterator: IterableIterator<unknown[]>,
    private readonly safeIntegers: boolean,
    private readonly onEnd: () => void,
  ) {}

  async fetch(n: number): Promise<unknown[][]> {
    if (this.#done) return [];
    const rows: unknown[][] = [];
    while (rows.length < n) {
      const next = this.iterator.next();
      if (next.done === true) {
        this.#done = true;
        this.onEnd();
        break;
      }
      rows.push(next.value);
    }
    if (this.safeIntegers) normalizeIntegers(rows);
    return rows;
  }

  async close(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    this.iterator.return?.();
    this.onEnd();
  }
}

/**
 * SQLITE_BUSY_SNAPSHOT says only "database is locked": say what happened and what helps.
 */
export function explainSnapshot(err: unknown): unknown {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (e?.code === 'SQLITE_BUSY_SNAPSHOT' && typeof e.message === 'string') {
    e.message =
      'database is locked (SQLITE_BUSY_SNAPSHOT: this transaction read data that another ' +
      'connection changed and committed before this write; roll back and run the transaction ' +
      'again, or create the engine with connectArgs { beginImmediate: true } so that ' +
      'transactions take the write lock when they begin)';
  }
  return err;
}

/**
 * better-sqlite3 binds numbers, strings, bigints, buffers and null only. Booleans become
 * 1/0 and Dates ISO-8601 text (what SQLite's date functions read); the list is copied only
 * when something changes.
 */
export function convertParams(params: readonly unknown[]): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < params.length; i++) {
    const v = params[i];
    let c: unknown;
    if (typeof v === 'boolean') c = v ? 1 : 0;
    else if (v === undefined) c = null;
    else if (v instanceof Date) c = v.toISOString();
    else if (v instanceof Uint8Array && !Buffer.isBuffer(v)) {
      c = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    } else continue;
    out ??= params.slice();
    out[i] = c;
  }
  return out ?? (params as unknown[]);
}

/** True when a number in the rows is beyond ±2^53 (an integer may have been rounded). */
export function hasUnsafeNumber(rows: unknown[][]): boolean {
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) {
      const v = row[i];
      if (typeof v === 'number' && (v > Number.MAX_SAFE_INTEGER || v < Number.MIN_SAFE_INTEGER)) {
        return true;
      }
    }
  }
  return false;
}

/** With safeIntegers every integer is a bigint: turn the ones that fit back into numbers. */
export function normalizeIntegers(rows: unknown[][]): void {
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) {
      const v = row[i];
      if (
        typeof v === 'bigint' &&
        v <= BigInt(Number.MAX_SAFE_INTEGER) &&
        v >= BigInt(Number.MIN_SAFE_INTEGER)
      ) {
        row[i] = Number(v);
      }
    }
  }
}
