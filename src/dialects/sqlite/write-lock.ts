/**
 * SQLite allows one writer per database file. better-sqlite3 is synchronous, so letting
 * SQLite wait for the lock itself (`busy_timeout`) would freeze the event loop, and the
 * holder, a connection of this same process, could then never finish: a deadlock. Instead
 * every connection of this process takes an async lock per file before its first write of a
 * transaction and gives it back at COMMIT or ROLLBACK; waiting writers are pending promises.
 */
import { AsyncLock } from '../../util/async-lock.js';

const locks = new Map<string, AsyncLock>();

/** The process-wide write lock of the database file at absolute path `path`. */
export function writeLockFor(path: string): AsyncLock {
  let lock = locks.get(path);
  if (lock === undefined) {
    lock = new AsyncLock();
    locks.set(path, lock);
  }
  return lock;
}

/** The error SQLite itself gives when the lock is not had in time, so it is translated alike. */
export function databaseLockedError(): Error {
  return Object.assign(new Error('database is locked'), {
    name: 'SqliteError',
    code: 'SQLITE_BUSY',
  });
}

/** True for SQLITE_BUSY errors that waiting can cure (not BUSY_SNAPSHOT, a stale read). */
export function isRetryableBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_RECOVERY' || code === 'SQLITE_BUSY_TIMEOUT'
  );
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
