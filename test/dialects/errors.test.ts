import { describe, expect, it } from 'vitest';
import {
  DatabaseError,
  DataError,
  IntegrityError,
  InternalError,
  NotSupportedError,
  OperationalError,
  ProgrammingError,
} from '../../src/errors.js';
import { isMysqlDisconnect, translateMysqlError } from '../../src/dialects/mysql/errors.js';
import { isPgDisconnect, translatePgError } from '../../src/dialects/postgresql/errors.js';
import { isSqliteDisconnect, translateSqliteError } from '../../src/dialects/sqlite/errors.js';

const err = (props: Record<string, unknown>, message = 'x') =>
  Object.assign(new Error(message), props);

describe('PostgreSQL error translation (SQLSTATE class)', () => {
  it.each([
    ['23505', IntegrityError],
    ['23503', IntegrityError],
    ['23502', IntegrityError],
    ['22001', DataError],
    ['22021', DataError],
    ['42601', ProgrammingError],
    ['42P01', ProgrammingError],
    ['42703', ProgrammingError],
    ['0A000', NotSupportedError],
    ['08006', OperationalError],
    ['57P01', OperationalError],
    ['57014', OperationalError],
    ['40001', OperationalError],
    ['40P01', OperationalError],
    ['25P02', InternalError],
    ['P0001', InternalError],
    ['XX000', InternalError],
    ['ZZ999', DatabaseError],
  ])('%s → %o', (code, cls) => {
    expect(translatePgError(err({ code, severity: 'ERROR' }))).toBe(cls);
  });

  it('treats network failures as OperationalError and everything else as not the driver', () => {
    expect(translatePgError(err({ code: 'ECONNRESET' }))).toBe(OperationalError);
    expect(translatePgError(new Error('Connection terminated unexpectedly'))).toBe(
      OperationalError,
    );
    expect(translatePgError(new TypeError('x is not a function'))).toBeUndefined();
    expect(translatePgError('nope')).toBeUndefined();
  });

  it('detects disconnects', () => {
    expect(isPgDisconnect(err({ code: '57P01' }))).toBe(true);
    expect(isPgDisconnect(err({ code: '08006' }))).toBe(true);
    expect(isPgDisconnect(err({ code: 'ECONNRESET' }))).toBe(true);
    expect(isPgDisconnect(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(
      isPgDisconnect(new Error('Client has encountered a connection error and is not queryable')),
    ).toBe(true);
    expect(isPgDisconnect(err({ code: '23505' }))).toBe(false);
    expect(isPgDisconnect(err({ code: '57014' }))).toBe(false);
  });
});

describe('MySQL / MariaDB error translation (errno)', () => {
  it.each([
    [1062, IntegrityError],
    [1451, IntegrityError],
    [1452, IntegrityError],
    [1048, IntegrityError],
    [4025, IntegrityError],
    [1064, ProgrammingError],
    [1146, ProgrammingError],
    [1054, ProgrammingError],
    [1406, DataError],
    [1264, DataError],
    [1366, DataError],
    [1205, OperationalError],
    [1213, OperationalError],
    [2006, OperationalError],
    [2013, OperationalError],
    [1927, OperationalError],
    [1045, OperationalError],
    [1235, NotSupportedError],
    [999, InternalError],
  ])('%i → %o', (errno, cls) => {
    expect(translateMysqlError(err({ errno, sqlState: 'HY000', code: 'ER_X' }))).toBe(cls);
  });

  it('treats client-side connection failures as OperationalError', () => {
    expect(translateMysqlError(err({ code: 'PROTOCOL_CONNECTION_LOST', fatal: true }))).toBe(
      OperationalError,
    );
    expect(
      translateMysqlError(
        err({ fatal: true }, "Can't add new command when connection is in closed state"),
      ),
    ).toBe(OperationalError);
    expect(
      translateMysqlError(new TypeError('Bind parameters must not contain undefined')),
    ).toBeUndefined();
  });

  it('detects disconnects', () => {
    expect(isMysqlDisconnect(err({ code: 'PROTOCOL_CONNECTION_LOST', fatal: true }))).toBe(true);
    expect(isMysqlDisconnect(err({ errno: 2006 }))).toBe(true);
    expect(isMysqlDisconnect(err({ errno: 2013 }))).toBe(true);
    expect(isMysqlDisconnect(err({ errno: 1927, code: 'ER_CONNECTION_KILLED' }))).toBe(true);
    expect(
      isMysqlDisconnect(err({}, "Can't add new command when connection is in closed state")),
    ).toBe(true);
    expect(isMysqlDisconnect(err({ errno: 1062, sqlState: '23000' }))).toBe(false);
  });
});

describe('SQLite error translation (result code)', () => {
  const sqlite = (code: string, message = 'x') => err({ name: 'SqliteError', code }, message);
  it.each([
    ['SQLITE_CONSTRAINT_UNIQUE', 'UNIQUE constraint failed: t.id', IntegrityError],
    ['SQLITE_CONSTRAINT_NOTNULL', 'NOT NULL constraint failed: t.x', IntegrityError],
    ['SQLITE_CONSTRAINT_FOREIGNKEY', 'FOREIGN KEY constraint failed', IntegrityError],
    ['SQLITE_BUSY', 'database is locked', OperationalError],
    ['SQLITE_BUSY_SNAPSHOT', 'database is locked', OperationalError],
    ['SQLITE_LOCKED', 'database table is locked', OperationalError],
    ['SQLITE_ERROR', 'no such table: nope', ProgrammingError],
    ['SQLITE_ERROR', 'near "SELEC": syntax error', ProgrammingError],
    ['SQLITE_ERROR', 'something else', OperationalError],
    ['SQLITE_MISMATCH', 'datatype mismatch', DataError],
    ['SQLITE_TOOBIG', 'string or blob too big', DataError],
    ['SQLITE_CORRUPT', 'database disk image is malformed', DatabaseError],
    ['SQLITE_READONLY', 'attempt to write a readonly database', OperationalError],
  ])('%s (%s)', (code, message, cls) => {
    // The unusual name check keeps other errors that happen to have a `code` out.
    const e = sqlite(code, message);
    e.name = 'SqliteError';
    expect(translateSqliteError(e)).toBe(cls);
  });

  it('maps wrong bind counts (RangeError) and unbindable values to ProgrammingError', () => {
    expect(translateSqliteError(new RangeError('Too few parameter values were provided'))).toBe(
      ProgrammingError,
    );
    expect(
      translateSqliteError(
        new TypeError('SQLite3 can only bind numbers, strings, bigints, buffers, and null'),
      ),
    ).toBe(ProgrammingError);
    expect(translateSqliteError(new TypeError('x is not a function'))).toBeUndefined();
  });

  it('detects a closed database handle', () => {
    expect(isSqliteDisconnect(new TypeError('The database connection is not open'))).toBe(true);
    expect(isSqliteDisconnect(new Error('other'))).toBe(false);
  });
});
