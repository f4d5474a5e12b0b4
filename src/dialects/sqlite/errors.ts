/**
 * better-sqlite3 errors → Athanor's DBAPIError classes. SqliteError carries SQLite's
 * extended result code as a string (`SQLITE_CONSTRAINT_UNIQUE`); wrong parameter counts come
 * as RangeError and unbindable values as TypeError from the driver itself.
 */
import type { DBAPIErrorClass } from '../../errors.js';
import {
  DatabaseError,
  DataError,
  IntegrityError,
  InterfaceError,
  InternalError,
  OperationalError,
  ProgrammingError,
} from '../../errors.js';

/** Primary result code (the part before a second underscore) → class. */
const BY_PRIMARY_CODE: Readonly<Record<string, DBAPIErrorClass>> = {
  SQLITE_CONSTRAINT: IntegrityError,
  SQLITE_BUSY: OperationalError,
  SQLITE_LOCKED: OperationalError,
  SQLITE_MISMATCH: DataError,
  SQLITE_TOOBIG: DataError,
  SQLITE_RANGE: ProgrammingError,
  SQLITE_IOERR: OperationalError,
  SQLITE_CANTOPEN: OperationalError,
  SQLITE_FULL: OperationalError,
  SQLITE_NOMEM: OperationalError,
  SQLITE_READONLY: OperationalError,
  SQLITE_INTERRUPT: OperationalError,
  SQLITE_ABORT: OperationalError,
  SQLITE_PROTOCOL: OperationalError,
  SQLITE_SCHEMA: OperationalError,
  SQLITE_AUTH: OperationalError,
  SQLITE_PERM: OperationalError,
  SQLITE_NOLFS: OperationalError,
  SQLITE_CORRUPT: DatabaseError,
  SQLITE_NOTADB: DatabaseError,
  SQLITE_FORMAT: DatabaseError,
  SQLITE_INTERNAL: InternalError,
  SQLITE_MISUSE: InterfaceError,
};

/** SQLITE_ERROR messages that mean the SQL itself is wrong. */
const PROGRAMMING_MESSAGES =
  /no such (table|column|function|index|view|savepoint)|syntax error|already exists|has no column named|incomplete input|near ".*"|ambiguous column|wrong number of arguments|misuse of aggregate|table .* has \d+ columns but \d+ values/i;

/** Translates a better-sqlite3 error; undefined for errors that are not the driver's. */
export function translateSqliteError(error: unknown): DBAPIErrorClass | undefined {
  if (error instanceof RangeError) return ProgrammingError;
  const e = error as { name?: unknown; code?: unknown; message?: unknown } | null;
  if (e === null || typeof e !== 'object') return undefined;
  const message = typeof e.message === 'string' ? e.message : '';
  if (error instanceof TypeError) {
    if (/bind|parameter|named/i.test(message)) return ProgrammingError;
    if (isSqliteDisconnect(error)) return OperationalError;
    return undefined;
  }
  if (e.name !== 'SqliteError' || typeof e.code !== 'string') return undefined;
  const code = e.code;
  if (code === 'SQLITE_ERROR') {
    return PROGRAMMING_MESSAGES.test(message) ? ProgrammingError : OperationalError;
  }
  const second = code.indexOf('_', 'SQLITE_'.length);
  const primary = second < 0 ? code : code.slice(0, second);
  return BY_PRIMARY_CODE[primary] ?? DatabaseError;
}

/** A closed or unusable database handle. */
export function isSqliteDisconnect(error: unknown): boolean {
  const message = (error as { message?: unknown } | null)?.message;
  return (
    typeof message === 'string' &&
    (message.includes('The database connection is not open') ||
      message.includes('Cannot operate on a closed database'))
  );
}
