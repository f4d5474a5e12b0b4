/**
 * Whether the keys of a multi-row INSERT can be derived from the driver's last insert id
 * instead of being read back with RETURNING (which costs a result row per inserted row):
 *
 * - SQLite reports the key of the last row; the rows of one statement get consecutive keys
 *   because the connection holds the database's write lock for the whole statement.
 * - MySQL and MariaDB report the key of the first row; the rows of one INSERT get consecutive
 *   keys when `innodb_autoinc_lock_mode` is 0 or 1 (MariaDB's default; MySQL 8's default is 2,
 *   "interleaved", where concurrent inserts may interleave their keys) and
 *   `auto_increment_increment` is 1. Both are read once per engine, with the first flush that
 *   inserts rows, and remembered for the engine's lifetime.
 */
import { text } from '../../sql/text.js';
import type { ConnectionLike } from '../session/bind.js';

/** Where the driver's last insert id sits among the rows of one multi-row INSERT. */
export type InsertIdPosition = 'first' | 'last';

const consecutiveByEngine = new WeakMap<object, boolean>();

/**
 * Where the last insert id of a multi-row INSERT on `conn` sits, or undefined when the keys of
 * its rows may not be consecutive (then read them back with RETURNING, or insert row by row).
 */
export async function multiRowInsertIdPosition(
  conn: ConnectionLike,
): Promise<InsertIdPosition | undefined> {
  const position = conn.dialect.insertIdOfMultiRow;
  if (position !== 'first') return position;
  const key = conn.engineKey;
  let consecutive = consecutiveByEngine.get(key);
  if (consecutive === undefined) {
    consecutive = await readConsecutive(conn);
    consecutiveByEngine.set(key, consecutive);
  }
  return consecutive ? position : undefined;
}

async function readConsecutive(conn: ConnectionLike): Promise<boolean> {
  try {
    const result = await conn.execute(
      text('SELECT @@innodb_autoinc_lock_mode AS lock_mode, @@auto_increment_increment AS step'),
    );
    const row = result.tuples().first() as unknown[] | null;
    return row !== null && Number(row[0]) <= 1 && Number(row[1]) === 1;
  } catch {
    // A server without these variables: assume the worst, the keys come back another way.
    return false;
  }
}

/**
 * @internal Records what the server of an engine allows, as if it had been read (tests use it
 * to exercise the interleaved lock mode on a server configured otherwise).
 */
export function rememberConsecutiveInsertIds(engineKey: object, consecutive: boolean): void {
  consecutiveByEngine.set(engineKey, consecutive);
}
