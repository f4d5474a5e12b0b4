/**
 * One error tree for every layer. Every error Athanor raises extends {@link AthanorError};
 * errors coming from a database driver are wrapped once, at the engine, into a
 * {@link DBAPIError} subclass chosen by the driver's SQLSTATE or error code.
 *
 * Each class carries a short stable `code` (SQLAlchemy's where one exists) so that docs and
 * logs can point at one explanation.
 *
 * @example
 * ```ts
 * try {
 *   await conn.execute(text('INSERT INTO users (id) VALUES (1)'));
 * } catch (err) {
 *   if (err instanceof IntegrityError) console.log(err.statement, err.orig);
 * }
 * ```
 */

/** Base class of every error Athanor raises. */
export class AthanorError extends Error {
  /** Short stable code naming the situation (e.g. `'3o7r'` for a pool timeout). */
  readonly code: string | undefined = undefined;

  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options?.code !== undefined) this.code = options.code;
  }
}

/** A function or option was called with an argument of the wrong kind or value. */
export class ArgumentError extends AthanorError {}

/** A statement could not be compiled for the dialect (a construct it cannot express). */
export class CompileError extends AthanorError {}

/** The call is not valid in the current state of the object it was made on. */
export class InvalidRequestError extends AthanorError {}

/** A plain string (or another non-statement value) was passed where a statement is expected. */
export class ObjectNotExecutableError extends ArgumentError {
  constructor(readonly target: unknown) {
    super(
      `Not an executable object: ${describe(target)}. ` +
        "Wrap textual SQL in text('...') (named :binds) or use the sql`...` tag (interpolations are bound).",
    );
  }
}

/** A result was read after it was closed, or a closed connection/engine was used. */
export class ResourceClosedError extends InvalidRequestError {}

/** `one()` found no row. */
export class NoResultFound extends InvalidRequestError {
  constructor(message = 'No row was found when one was required') {
    super(message);
  }
}

/** `one()` / `oneOrNone()` found more than one row. */
export class MultipleResultsFound extends InvalidRequestError {
  constructor(message = 'Multiple rows were found when exactly one was required') {
    super(message);
  }
}

/**
 * A transaction must be rolled back before the session or connection is used again: a flush
 * failed (code `7s2a`, the default), or the connection was lost inside a transaction (`8s2b`).
 */
export class PendingRollbackError extends InvalidRequestError {
  constructor(message: string, options?: { cause?: unknown; code?: string }) {
    super(message, { ...options, code: options?.code ?? '7s2a' });
  }
}

/** An attribute of an object that is not attached to a session could not be loaded. */
export class DetachedInstanceError extends InvalidRequestError {
  constructor(message: string) {
    super(message, { code: 'bhk3' });
  }
}

/** An object's row was deleted, or was not found when it was refreshed. */
export class ObjectDeletedError extends InvalidRequestError {}

/** An illegal state change was requested of a session or transaction. */
export class IllegalStateChangeError extends InvalidRequestError {
  constructor(message: string) {
    super(message, { code: 'isce' });
  }
}

/** An UPDATE or DELETE of the unit of work matched a different number of rows than expected. */
export class StaleDataError extends AthanorError {}

/** A flush could not be carried out (a constraint the unit of work checks itself). */
export class FlushError extends InvalidRequestError {}

/** An operation was attempted on an engine/connection that is not bound to a database. */
export class UnboundExecutionError extends InvalidRequestError {}

/** Base of the errors that time out. */
export class TimeoutError extends AthanorError {}

/**
 * No connection could be had from the pool within `poolTimeout`.
 * The message follows SQLAlchemy's wording so that it can be searched for.
 */
export class PoolTimeoutError extends TimeoutError {
  constructor(
    readonly poolSize: number,
    readonly maxOverflow: number,
    readonly timeout: number,
  ) {
    super(
      `QueuePool limit of size ${poolSize} overflow ${maxOverflow} reached, ` +
        `connection timed out, timeout ${formatSeconds(timeout)}`,
      { code: '3o7r' },
    );
  }
}

/** A connection was found dead (pre-ping, or a disconnect during use). */
export class DisconnectionError extends AthanorError {}

/** Options shared by every {@link DBAPIError} subclass. */
export interface DBAPIErrorOptions {
  /** The SQL that was sent, as the driver saw it. */
  statement?: string | undefined;
  /** The parameters that were sent (shown as hidden when `hideParameters` is set). */
  params?: unknown;
  /** The driver's own error. */
  orig: unknown;
  /** True when the failure made the engine discard the connection. */
  connectionInvalidated?: boolean;
  /** True when parameters must never appear in the message. */
  hideParameters?: boolean;
  /** True when `params` is a list of parameter sets (executemany). */
  isMany?: boolean;
  /** Text placed above the driver's message, e.g. a note that an autoflush was running. */
  detail?: string[];
}

/**
 * A database driver raised an error while executing a statement. The subclass says which
 * kind (PEP 249's names, as SQLAlchemy uses them); `orig` is the driver's error.
 */
export class DBAPIError extends AthanorError {
  readonly statement: string | undefined;
  readonly params: unknown;
  readonly orig: unknown;
  readonly connectionInvalidated: boolean;
  readonly hideParameters: boolean;
  readonly isMany: boolean;
  /** SQLSTATE (PostgreSQL, MySQL) or the driver's error code (SQLite), when the driver gave one. */
  readonly sqlState: string | undefined;

  constructor(options: DBAPIErrorOptions) {
    const code = CODES[new.target.name] ?? 'dbapi';
    super(formatDBAPIMessage(options, code), { cause: options.orig, code });
    this.statement = options.statement;
    this.hideParameters = options.hideParameters ?? false;
    this.params = this.hideParameters ? undefined : options.params;
    this.orig = options.orig;
    this.connectionInvalidated = options.connectionInvalidated ?? false;
    this.isMany = options.isMany ?? false;
    const orig = options.orig as { code?: unknown; sqlState?: unknown } | null;
    const state = orig?.sqlState ?? orig?.code;
    this.sqlState = typeof state === 'string' ? state : undefined;
  }
}

/** The driver could not talk to the database (interface-level failure). */
export class InterfaceError extends DBAPIError {}
/** An error inside the database. */
export class DatabaseError extends DBAPIError {}
/** A value was out of range, of the wrong type, or could not be converted. */
export class DataError extends DatabaseError {}
/** The database is not usable (disconnect, lock timeout, deadlock, out of resources). */
export class OperationalError extends DatabaseError {}
/** A constraint was violated (unique, foreign key, not null, check). */
export class IntegrityError extends DatabaseError {}
/** The database reported an internal inconsistency. */
export class InternalError extends DatabaseError {}
/** The SQL was wrong: a syntax error, a missing table or column, a wrong number of parameters. */
export class ProgrammingError extends DatabaseError {}
/** The database does not support the feature that was used. */
export class NotSupportedError extends DatabaseError {}

const CODES: Record<string, string> = {
  InterfaceError: 'rvf5',
  DatabaseError: '4xp6',
  DataError: '9h9h',
  OperationalError: 'e3q8',
  IntegrityError: 'gkpj',
  InternalError: '2j85',
  ProgrammingError: 'f405',
  NotSupportedError: 'tw8g',
};

/** The DBAPIError subclasses by name, for error translation tables. */
export type DBAPIErrorClass = new (options: DBAPIErrorOptions) => DBAPIError;

const MAX_PARAMS_SHOWN = 10;

function formatDBAPIMessage(options: DBAPIErrorOptions, _code: string): string {
  const lines: string[] = [];
  for (const d of options.detail ?? []) lines.push(`(${d})`);
  const orig = options.orig as { message?: unknown; name?: unknown } | undefined;
  const origName =
    typeof orig?.name === 'string' ? orig.name : (orig?.constructor?.name ?? 'Error');
  const origMessage = typeof orig?.message === 'string' ? orig.message : String(orig);
  lines.push(`(${origName}) ${redactPasswords(origMessage)}`);
  if (options.statement !== undefined) lines.push(`[SQL: ${options.statement}]`);
  if (options.hideParameters) {
    lines.push('[SQL parameters hidden due to hideParameters=true]');
  } else if (options.params !== undefined) {
    lines.push(`[parameters: ${formatParams(options.params, options.isMany ?? false)}]`);
  }
  return lines.join('\n');
}

/**
 * Formats parameters for logs and error messages, truncating long lists and long strings
 * so that a bulk insert does not flood the log.
 */
export function formatParams(params: unknown, isMany: boolean): string {
  if (isMany && Array.isArray(params)) {
    if (params.length <= MAX_PARAMS_SHOWN) return `[${params.map(formatValue).join(', ')}]`;
    const head = params.slice(0, MAX_PARAMS_SHOWN - 2).map(formatValue);
    const tail = params.slice(-2).map(formatValue);
    const hidden = params.length - MAX_PARAMS_SHOWN;
    return `[${head.join(', ')}  ... displaying ${MAX_PARAMS_SHOWN} of ${params.length} total bound parameter sets ...  ${tail.join(', ')}] (${hidden} hidden)`;
  }
  return formatValue(params);
}

function formatValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 300 ? `${value.slice(0, 300)}…` : value);
  }
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${formatValue(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

/**
 * Removes passwords from text that may contain a connection URL (`scheme://user:secret@host`).
 * Used on every driver message before it reaches an error or a log line.
 */
export function redactPasswords(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)[^@\s]*@/gi, '$1***@');
}

function describe(value: unknown): string {
  if (typeof value === 'string') {
    return `'${value.length > 60 ? `${value.slice(0, 60)}…` : value}'`;
  }
  if (value === null || value === undefined) return String(value);
  return `a value of type ${typeof value === 'object' ? (value.constructor?.name ?? 'Object') : typeof value}`;
}

function formatSeconds(seconds: number): string {
  return Number.isInteger(seconds) ? `${seconds}.00` : seconds.toFixed(2);
}
