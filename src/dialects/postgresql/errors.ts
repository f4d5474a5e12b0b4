/**
 * node-postgres errors → Athanor's DBAPIError classes, by SQLSTATE class (the first two
 * characters of the code), following PostgreSQL's Appendix A and psycopg's grouping.
 */
import type { DBAPIErrorClass } from '../../errors.js';
import {
  DatabaseError,
  DataError,
  IntegrityError,
  InternalError,
  NotSupportedError,
  OperationalError,
  ProgrammingError,
} from '../../errors.js';

const BY_CLASS: Readonly<Record<string, DBAPIErrorClass>> = {
  '0A': NotSupportedError, // feature not supported
  '08': OperationalError, // connection exception
  '09': InternalError, // triggered action exception
  '0B': InternalError, // invalid transaction initiation
  '0F': InternalError, // locator exception
  '0L': ProgrammingError, // invalid grantor
  '0P': ProgrammingError, // invalid role specification
  '20': ProgrammingError, // case not found
  '21': ProgrammingError, // cardinality violation
  '22': DataError, // data exception (includes 22021: NUL byte in text)
  '23': IntegrityError, // integrity constraint violation
  '24': InternalError, // invalid cursor state
  '25': InternalError, // invalid transaction state (25P02: transaction aborted)
  '26': ProgrammingError, // invalid SQL statement name
  '27': OperationalError, // triggered data change violation
  '28': OperationalError, // invalid authorization specification (bad password)
  '2B': InternalError, // dependent privilege descriptors still exist
  '2D': InternalError, // invalid transaction termination
  '2F': InternalError, // SQL routine exception
  '34': ProgrammingError, // invalid cursor name
  '38': InternalError, // external routine exception
  '39': InternalError, // external routine invocation exception
  '3B': InternalError, // savepoint exception
  '3D': OperationalError, // invalid catalog name (database does not exist, at connect)
  '3F': ProgrammingError, // invalid schema name
  '40': OperationalError, // transaction rollback: serialization failure, deadlock
  '42': ProgrammingError, // syntax error or access rule violation
  '44': ProgrammingError, // WITH CHECK OPTION violation
  '53': OperationalError, // insufficient resources
  '54': OperationalError, // program limit exceeded
  '55': OperationalError, // object not in prerequisite state (lock not available)
  '57': OperationalError, // operator intervention (query canceled, admin shutdown)
  '58': OperationalError, // system error
  F0: OperationalError, // configuration file error
  HV: OperationalError, // foreign data wrapper error
  P0: InternalError, // PL/pgSQL error (RAISE EXCEPTION)
  XX: InternalError, // internal error
};

const SYSTEM_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTCONN',
  'EAI_AGAIN',
]);

const DISCONNECT_MESSAGES = [
  'Connection terminated',
  'connection error and is not queryable',
  'Client was closed and is not queryable',
  'terminating connection',
  'server closed the connection unexpectedly',
  'Query read timeout',
  'Connection ended unexpectedly',
];

/** Translates a pg error; undefined for errors that are not the driver's. */
export function translatePgError(error: unknown): DBAPIErrorClass | undefined {
  const e = error as { code?: unknown; severity?: unknown; message?: unknown } | null;
  if (e === null || typeof e !== 'object') return undefined;
  const code = e.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    return BY_CLASS[code.slice(0, 2)] ?? DatabaseError;
  }
  if (typeof code === 'string' && SYSTEM_CODES.has(code)) return OperationalError;
  if (isPgDisconnect(error)) return OperationalError;
  return undefined;
}

/** True when `error` means the PostgreSQL connection is gone. */
export function isPgDisconnect(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (e === null || typeof e !== 'object') return false;
  const code = e.code;
  if (typeof code === 'string') {
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') {
      return true;
    }
    if (SYSTEM_CODES.has(code)) return true;
  }
  const message = typeof e.message === 'string' ? e.message : '';
  return DISCONNECT_MESSAGES.some((m) => message.includes(m));
}
