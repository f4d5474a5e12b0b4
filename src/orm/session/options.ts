/** Session options, their defaults, and their validation. */
import { ArgumentError } from '../../errors.js';
import type { JoinTransactionMode } from './session-transaction.js';

/** Options of a Session (and of `sessionmaker`). Defaults are SQLAlchemy's. */
export interface SessionOptions<B = unknown> {
  /** The Engine (or a Connection) statements run on. */
  bind?: B | undefined;
  /** Flush before queries and `get()` that go to the database. Default true. */
  autoflush?: boolean;
  /** Expire every instance after each commit. Default true. */
  expireOnCommit?: boolean;
  /** Begin a transaction automatically at the first operation that needs one. Default true. */
  autobegin?: boolean;
  /**
   * Legacy 1.x mode: no transaction is held between operations and each flush commits at once.
   * Default false. See docs/orm.md before using it.
   */
  autocommit?: boolean;
  /** Copied into `session.info` (a sessionmaker's dict is merged with the session's). */
  info?: Record<string, unknown>;
  /** How to join a Connection bind that already has a transaction open. */
  joinTransactionMode?: JoinTransactionMode;
  /** False makes `close()` final: the session cannot be used again. Default true. */
  closeResetsOnly?: boolean;
}

/** Options with every default filled in. */
export interface ResolvedSessionOptions<B = unknown> {
  bind: B | undefined;
  autoflush: boolean;
  expireOnCommit: boolean;
  autobegin: boolean;
  autocommit: boolean;
  info: Record<string, unknown>;
  joinTransactionMode: JoinTransactionMode;
  closeResetsOnly: boolean;
}

const JOIN_MODES: readonly string[] = [
  'conditional_savepoint',
  'create_savepoint',
  'rollback_only',
  'control_fully',
];

const KNOWN = new Set([
  'bind',
  'autoflush',
  'expireOnCommit',
  'autobegin',
  'autocommit',
  'info',
  'joinTransactionMode',
  'closeResetsOnly',
]);

/** Fills defaults and validates; unknown keys are an error (a typo would be silent otherwise). */
export function resolveOptions<B>(options: SessionOptions<B>): ResolvedSessionOptions<B> {
  for (const key of Object.keys(options)) {
    if (!KNOWN.has(key)) {
      throw new ArgumentError(
        `Unknown Session option '${key}'; valid options are ${[...KNOWN].join(', ')}.`,
      );
    }
  }
  const mode = options.joinTransactionMode ?? 'conditional_savepoint';
  if (!JOIN_MODES.includes(mode)) {
    throw new ArgumentError(`invalid selection for join_transaction_mode: "${String(mode)}"`);
  }
  return {
    bind: options.bind,
    autoflush: options.autoflush ?? true,
    expireOnCommit: options.expireOnCommit ?? true,
    autobegin: options.autobegin ?? true,
    autocommit: options.autocommit ?? false,
    info: { ...options.info },
    joinTransactionMode: mode,
    closeResetsOnly: options.closeResetsOnly ?? true,
  };
}
