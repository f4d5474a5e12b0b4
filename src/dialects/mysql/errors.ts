/**
 * mysql2 errors → Athanor's DBAPIError classes, by the server's error number (PyMySQL's and
 * mysqlclient's grouping, which SQLAlchemy users know), plus mysql2's own client-side codes.
 */
import type { DBAPIErrorClass } from '../../errors.js';
import {
  DataError,
  IntegrityError,
  InternalError,
  NotSupportedError,
  OperationalError,
  ProgrammingError,
} from '../../errors.js';

const BY_ERRNO = new Map<number, DBAPIErrorClass>();
const group = (cls: DBAPIErrorClass, ...errnos: number[]) => {
  for (const n of errnos) BY_ERRNO.set(n, cls);
};

group(
  IntegrityError,
  1022, // ER_DUP_KEY
  1048, // ER_BAD_NULL_ERROR
  1062, // ER_DUP_ENTRY
  1169, // ER_DUP_UNIQUE
  1215, // ER_CANNOT_ADD_FOREIGN
  1216, // ER_NO_REFERENCED_ROW
  1217, // ER_ROW_IS_REFERENCED
  1364, // ER_NO_DEFAULT_FOR_FIELD
  1451, // ER_ROW_IS_REFERENCED_2
  1452, // ER_NO_REFERENCED_ROW_2
  1557, // ER_FOREIGN_DUPLICATE_KEY
  1586, // ER_DUP_ENTRY_WITH_KEY_NAME
  3819, // ER_CHECK_CONSTRAINT_VIOLATED (MySQL)
  4025, // ER_CONSTRAINT_FAILED (MariaDB CHECK)
);
group(
  ProgrammingError,
  1007, // ER_DB_CREATE_EXISTS
  1046, // ER_NO_DB_ERROR
  1050, // ER_TABLE_EXISTS_ERROR
  1051, // ER_BAD_TABLE_ERROR
  1052, // ER_NON_UNIQ_ERROR (ambiguous column)
  1054, // ER_BAD_FIELD_ERROR
  1060, // ER_DUP_FIELDNAME
  1061, // ER_DUP_KEYNAME
  1064, // ER_PARSE_ERROR
  1065, // ER_EMPTY_QUERY
  1068, // ER_MULTIPLE_PRI_KEY
  1091, // ER_CANT_DROP_FIELD_OR_KEY
  1102, // ER_WRONG_DB_NAME
  1103, // ER_WRONG_TABLE_NAME
  1110, // ER_FIELD_SPECIFIED_TWICE
  1111, // ER_INVALID_GROUP_FUNC_USE
  1112, // ER_UNSUPPORTED_EXTENSION
  1113, // ER_TABLE_MUST_HAVE_COLUMNS
  1136, // ER_WRONG_VALUE_COUNT_ON_ROW
  1146, // ER_NO_SUCH_TABLE
  1149, // ER_SYNTAX_ERROR
  1166, // ER_WRONG_COLUMN_NAME
  1179, // ER_CANT_DO_THIS_DURING_AN_TRANSACTION
  1210, // ER_WRONG_ARGUMENTS (parameter count)
  1305, // ER_SP_DOES_NOT_EXIST
  1630, // ER_FUNC_INEXISTENT_NAME_COLLISION
);
group(
  DataError,
  1171, // ER_PRIMARY_CANT_HAVE_NULL
  1263, // ER_WARN_NULL_TO_NOTNULL
  1264, // ER_WARN_DATA_OUT_OF_RANGE
  1265, // WARN_DATA_TRUNCATED
  1292, // ER_TRUNCATED_WRONG_VALUE
  1365, // ER_DIVISION_BY_ZERO
  1366, // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD
  1367, // ER_ILLEGAL_VALUE_FOR_TYPE
  1406, // ER_DATA_TOO_LONG
  1441, // ER_DATETIME_FUNCTION_OVERFLOW
  1690, // ER_DATA_OUT_OF_RANGE
  3140, // ER_INVALID_JSON_TEXT
  4038, // ER_JSON_SYNTAX (MariaDB)
);
group(
  NotSupportedError,
  1196, // ER_WARNING_NOT_COMPLETE_ROLLBACK
  1235, // ER_NOT_SUPPORTED_YET
  1286, // ER_UNKNOWN_STORAGE_ENGINE
  1289, // ER_FEATURE_DISABLED
  1295, // ER_UNSUPPORTED_PS
);

/** mysql2's own codes for a connection that is gone. */
const CLIENT_DISCONNECT_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ER_CONNECTION_KILLED',
  'ER_SERVER_SHUTDOWN',
]);

/** Server/client error numbers that mean the connection is gone. */
const DISCONNECT_ERRNOS = new Set([1053, 1927, 2006, 2013, 2014, 2045, 2055, 4031]);

/** Translates a mysql2 error; undefined for errors that are not the driver's. */
export function translateMysqlError(error: unknown): DBAPIErrorClass | undefined {
  const e = error as { errno?: unknown; code?: unknown; sqlState?: unknown } | null;
  if (e === null || typeof e !== 'object') return undefined;
  if (typeof e.errno === 'number' && typeof e.sqlState === 'string') {
    const cls = BY_ERRNO.get(e.errno);
    if (cls !== undefined) return cls;
    return e.errno < 1000 ? InternalError : OperationalError;
  }
  if (isMysqlDisconnect(error)) return OperationalError;
  if (typeof e.code === 'string' && e.code.startsWith('ER_')) return OperationalError;
  return undefined;
}

/** True when `error` means the MySQL/MariaDB connection is gone. */
export function isMysqlDisconnect(error: unknown): boolean {
  const e = error as { errno?: unknown; code?: unknown; fatal?: unknown; message?: unknown } | null;
  if (e === null || typeof e !== 'object') return false;
  if (typeof e.errno === 'number' && DISCONNECT_ERRNOS.has(e.errno)) return true;
  if (typeof e.code === 'string' && CLIENT_DISCONNECT_CODES.has(e.code)) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  if (message.includes('closed state') || message.includes('Connection lost')) return true;
  return e.fatal === true && typeof e.errno !== 'number';
}
