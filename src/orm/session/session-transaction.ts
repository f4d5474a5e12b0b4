/**
 * A session's transaction (SQLAlchemy's SessionTransaction): the logical transaction the
 * session autobegins or begins, plus nested ones for savepoints. The root holds the database
 * connection, procured lazily at the first statement; a nested transaction holds one
 * savepoint. Each transaction records which instances it inserted, deleted and updated, so a
 * rollback can restore the in-memory state (new objects become transient again, deleted ones
 * come back, changed ones are expired).
 *
 * States and the calls that may move between them:
 *
 * | from       | call                  | to          |
 * |------------|-----------------------|-------------|
 * | active     | commit()              | committed → closed |
 * | active     | rollback()            | closed      |
 * | active     | failed flush          | deactive    |
 * | deactive   | rollback() / close()  | closed      |
 * | committed  | (end of commit)       | closed      |
 *
 * Anything else (commit of a deactive transaction, any call on a closed one) raises an error
 * naming the call and the state.
 */
import { InvalidRequestError, PendingRollbackError, ResourceClosedError } from '../../errors.js';
import type { InstanceState } from '../state/instance-state.js';
import { StateRecord } from '../state/state-record.js';
import type { ConnectionLike, EngineLike, TransactionLike } from './bind.js';

/** How the transaction began. */
export type TransactionOrigin = 'autobegin' | 'begin' | 'beginNested';
/** Where a transaction is in its life. */
export type TransactionState = 'active' | 'deactive' | 'committed' | 'closed';

/** How a session joins a Connection that already has a transaction open (SQLAlchemy's). */
export type JoinTransactionMode =
  'conditional_savepoint' | 'create_savepoint' | 'rollback_only' | 'control_fully';

/** What the transaction does to the database at commit, rollback and close. */
interface DatabaseSide {
  readonly connection: ConnectionLike;
  readonly ownsConnection: boolean;
  commit(): Promise<void>;
  rollback(): Promise<void>;
  /** Ends the work at session close without committing. */
  close(): Promise<void>;
}

/**
 * The database side of a transaction the session began itself (BEGIN on a connection it
 * procured or was given): one object per transaction, where closures over the transaction
 * would cost four.
 */
class BegunTransaction implements DatabaseSide {
  constructor(
    readonly connection: ConnectionLike,
    readonly ownsConnection: boolean,
    private readonly tx: TransactionLike,
  ) {}

  commit(): Promise<void> {
    return this.tx.commit();
  }

  rollback(): Promise<void> {
    return this.tx.rollback();
  }

  close(): Promise<void> {
    return this.tx.isActive ? this.tx.rollback() : Promise.resolve();
  }
}

let transactionIds = 0;

/** What a transaction object calls back into (the session). */
export interface TransactionOwner {
  commitTransaction(transaction: SessionTransaction): Promise<void>;
  rollbackTransaction(transaction: SessionTransaction): Promise<void>;
}

/**
 * One level of a session's transaction stack: the root transaction or a savepoint.
 *
 * @example
 * ```ts
 * const t = session.begin();
 * session.add(new User({ name: 'Ann' }));
 * await t.commit();
 * ```
 */
export class SessionTransaction {
  state: TransactionState = 'active';
  /**
   * Instances inserted by flushes in this transaction: filed a flush at a time, read only by a
   * rollback or an expunge.
   */
  readonly new = new StateRecord();
  /** Instances deleted by flushes in this transaction. */
  readonly deleted = new Set<InstanceState>();
  /** Instances updated by flushes in this transaction (a savepoint rollback expires them). */
  readonly dirty = new Set<InstanceState>();
  /** The error of the failed flush that deactivated the transaction. */
  failure: unknown = undefined;
  /** Set while `begin(callback)` runs this transaction, for the closed-transaction check. */
  inScope = false;
  readonly id = ++transactionIds;
  private db: DatabaseSide | undefined = undefined;
  private savepoint: TransactionLike | undefined = undefined;

  constructor(
    readonly parent: SessionTransaction | undefined,
    readonly origin: TransactionOrigin,
    private readonly owner: TransactionOwner,
  ) {}

  /**
   * Commits this transaction: the whole session transaction for a root, RELEASE SAVEPOINT
   * for a nested one.
   *
   * @example
   * ```ts
   * const sp = await session.beginNested();
   * session.add(user);
   * await sp.commit();
   * ```
   */
  commit(): Promise<void> {
    return this.owner.commitTransaction(this);
  }

  /** Rolls this transaction back (ROLLBACK, or ROLLBACK TO SAVEPOINT for a nested one). */
  rollback(): Promise<void> {
    return this.owner.rollbackTransaction(this);
  }

  /** `await using tx = session.begin()`: rolls back at the end unless committed. */
  async [Symbol.asyncDispose](): Promise<void> {
    if (this.state === 'active' || this.state === 'deactive') await this.rollback();
  }

  /** True for a savepoint. */
  get nested(): boolean {
    return this.origin === 'beginNested';
  }

  /** The outermost transaction. */
  get root(): SessionTransaction {
    return this.parent === undefined ? this : this.parent.root;
  }

  /** True while the transaction can run statements. */
  get isActive(): boolean {
    return this.state === 'active';
  }

  /** The connection, when the root has procured one. */
  get connection(): ConnectionLike | undefined {
    return this.root.db?.connection;
  }

  /** Raises unless statements may run now (the PendingRollbackError of a failed flush). */
  assertActive(): void {
    this.parent?.assertActive();
    if (this.state === 'active') return;
    if (this.state === 'deactive') {
      const orig = this.failure;
      throw new PendingRollbackError(
        "This Session's transaction has been rolled back due to a previous exception during flush. " +
          'To begin a new transaction with this Session, first issue Session.rollback(). ' +
          `Original exception was: ${orig instanceof Error ? orig.message : String(orig)}`,
        { cause: orig },
      );
    }
    if (this.state === 'committed') {
      throw new InvalidRequestError(
        "This session is in 'committed' state; no further SQL can be emitted within this transaction.",
      );
    }
    throw new ResourceClosedError('This transaction is closed');
  }

  /** Procures the root's connection from an Engine: connect and BEGIN. */
  async procureFromEngine(engine: EngineLike): Promise<ConnectionLike> {
    const connection = await engine.connect();
    try {
      this.db = new BegunTransaction(connection, true, await connection.begin());
    } catch (err) {
      await connection.close().catch(() => undefined);
      throw err;
    }
    return connection;
  }

  /** Joins a Connection given as the session's bind, following `mode` (see docs/orm.md). */
  async procureFromConnection(
    connection: ConnectionLike,
    mode: JoinTransactionMode,
  ): Promise<ConnectionLike> {
    if (!connection.inTransaction()) {
      this.db = new BegunTransaction(connection, false, await connection.begin());
      return connection;
    }
    const external = connection.inNestedTransaction()
      ? connection.getNestedTransaction()
      : connection.getTransaction();
    let effective = mode;
    if (mode === 'conditional_savepoint') {
      effective = connection.inNestedTransaction() ? 'create_savepoint' : 'rollback_only';
    }
    const nothing = (): Promise<void> => Promise.resolve();
    const rollbackExternal = (): Promise<void> =>
      external?.isActive ? external.rollback() : Promise.resolve();
    switch (effective) {
      case 'create_savepoint': {
        const sp = await connection.beginNested();
        const end = (): Promise<void> => (sp.isActive ? sp.rollback() : Promise.resolve());
        this.db = {
          connection,
          ownsConnection: false,
          commit: () => sp.commit(),
          rollback: end,
          close: end,
        };
        break;
      }
      case 'rollback_only':
        this.db = {
          connection,
          ownsConnection: false,
          commit: nothing,
          rollback: rollbackExternal,
          close: nothing,
        };
        break;
      case 'control_fully':
        this.db = {
          connection,
          ownsConnection: false,
          commit: () => (external?.isActive ? external.commit() : Promise.resolve()),
          rollback: rollbackExternal,
          close: rollbackExternal,
        };
        break;
    }
    return connection;
  }

  /** Uses a connection procured elsewhere (autocommit mode's per-flush transaction). */
  adopt(connection: ConnectionLike, tx: TransactionLike, owns: boolean): void {
    this.db = new BegunTransaction(connection, owns, tx);
  }

  /** Emits SAVEPOINT for a nested transaction on the root's connection. */
  async openSavepoint(connection: ConnectionLike): Promise<void> {
    this.savepoint = await connection.beginNested();
  }

  /** COMMIT (root) or RELEASE SAVEPOINT (nested) on the database. */
  commitDatabase(): Promise<void> {
    // Not async: the caller awaits the driver's promise itself, one layer fewer per commit.
    // A synchronous throw becomes a rejection, as from an async function.
    try {
      if (this.nested) {
        return this.savepoint?.isActive ? this.savepoint.commit() : Promise.resolve();
      }
      return this.db !== undefined ? this.db.commit() : Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** ROLLBACK (root) or ROLLBACK TO SAVEPOINT (nested); true when SQL was emitted. */
  async rollbackDatabase(): Promise<boolean> {
    if (this.nested) {
      if (!this.savepoint?.isActive) return false;
      await this.savepoint.rollback();
      return true;
    }
    if (this.db === undefined) return false;
    await this.db.rollback();
    return true;
  }

  /** Ends the database work of the root without commit, and returns an owned connection. */
  release(rollback: boolean): Promise<void> {
    const db = this.db;
    this.db = undefined;
    if (db === undefined) return Promise.resolve();
    if (rollback) return closeThenRelease(db);
    // After a commit or rollback there is nothing to end: only the connection goes back.
    try {
      return db.ownsConnection ? db.connection.close() : Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** True when the root has a connection. */
  get hasConnection(): boolean {
    return this.root.db !== undefined;
  }
}

/** `release(true)`: ends the work without commit, then returns an owned connection. */
async function closeThenRelease(db: DatabaseSide): Promise<void> {
  try {
    await db.close();
  } finally {
    if (db.ownsConnection) await db.connection.close();
  }
}
