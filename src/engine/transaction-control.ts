/**
 * The transaction state of one Connection: the root transaction, the savepoint stack, and
 * the driver calls that begin and end them (with their log lines). Kept apart from the
 * Connection so that statement execution and transaction rules each live in one file.
 */
import { InvalidRequestError, OperationalError, PendingRollbackError } from '../errors.js';
import type { DriverConnection } from '../dialects/dialect.js';
import { LockTimeoutError } from '../util/async-lock.js';
import type { AsyncLock } from '../util/async-lock.js';
import type { EchoLog } from './echo.js';
import { NestedTransaction, Transaction } from './transaction.js';
import type { TransactionOwner } from './transaction.js';

/** SQLAlchemy's words for using a connection whose transaction died with its connection. */
const CANT_RECONNECT =
  "Can't reconnect until invalid transaction is rolled back.  Please rollback() fully before proceeding";

/** The error for using a connection whose transaction died with its driver connection. */
export function cantReconnect(): PendingRollbackError {
  return new PendingRollbackError(CANT_RECONNECT, { code: '8s2b' });
}

/** What the transaction state needs from its Connection. @internal */
export interface TransactionHost {
  /** The driver connection, or null after invalidation. */
  driver(): DriverConnection | null;
  /** True while the connection is in AUTOCOMMIT mode (no BEGIN sent). */
  autocommit(): boolean;
  log(): EchoLog | null;
  /** The lock serialising transactions on a driver connection shared by several Connections. */
  sharedLock(driver: DriverConnection): AsyncLock | null;
  lockTimeout(): number | null;
  /** Applies a pending isolation level before BEGIN; undefined when there is none. */
  prepareBegin(driver: DriverConnection): Promise<void> | undefined;
  /** Closes an open streamed result before the transaction ends; undefined when none is open. */
  closeStream(): Promise<void> | undefined;
  /** Wraps a driver error (translation, disconnect handling). */
  dbError(err: unknown, statement: string): Promise<unknown>;
}

/** Root transaction plus savepoints of one Connection. @internal */
export class TransactionControl implements TransactionOwner {
  tx: Transaction | null = null;
  readonly savepoints: NestedTransaction[] = [];
  #savepointSeq = 0;
  #sharedRelease: (() => void) | null = null;

  constructor(private readonly host: TransactionHost) {}

  /** Begins the root transaction (BEGIN, unless in AUTOCOMMIT mode). */
  async begin(driver: DriverConnection, implicit: boolean): Promise<Transaction> {
    const host = this.host;
    if (host.autocommit()) {
      host.log()?.info('BEGIN (implicit; DBAPI should not BEGIN due to autocommit mode)');
      return (this.tx = new Transaction(this, implicit));
    }
    const lock = host.sharedLock(driver);
    if (lock !== null) this.#sharedRelease = await acquireShared(lock, host.lockTimeout());
    try {
      const preparing = host.prepareBegin(driver);
      if (preparing !== undefined) await preparing;
      host.log()?.info('BEGIN (implicit)');
      await driver.begin();
    } catch (err) {
      this.#releaseShared();
      throw await host.dbError(err, 'BEGIN');
    }
    return (this.tx = new Transaction(this, implicit));
  }

  /** Opens a savepoint inside the root transaction. */
  async savepoint(driver: DriverConnection): Promise<NestedTransaction> {
    const name = `sa_savepoint_${++this.#savepointSeq}`;
    this.host.log()?.info(`SAVEPOINT ${name}`);
    try {
      await driver.savepoint(name);
    } catch (err) {
      throw await this.host.dbError(err, `SAVEPOINT ${name}`);
    }
    const sp = new NestedTransaction(this, name);
    this.savepoints.push(sp);
    return sp;
  }

  /** The connection was invalidated: the transaction must be rolled back before reuse. */
  invalidate(): void {
    if (this.tx !== null) this.tx._invalid = true;
    this.#releaseShared();
  }

  /** Forgets the transaction and its savepoints (after COMMIT/ROLLBACK, or a failure). */
  end(): void {
    const tx = this.tx;
    if (tx !== null) tx._active = false;
    this.tx = null;
    this.#dropSavepoints(0);
    this.#releaseShared();
  }

  /** @internal */
  async _commitRoot(tx: Transaction): Promise<void> {
    if (tx !== this.tx || !tx._active) {
      throw new InvalidRequestError('This transaction is inactive');
    }
    if (tx._invalid) {
      this.end();
      throw cantReconnect();
    }
    const host = this.host;
    const closing = host.closeStream();
    if (closing !== undefined) await closing;
    if (host.autocommit()) {
      host
        .log()
        ?.info('COMMIT using DBAPI connection.commit(), has no effect due to autocommit mode');
      this.end();
      return;
    }
    host.log()?.info('COMMIT');
    try {
      await (host.driver() as DriverConnection).commit();
    } catch (err) {
      const wrapped = await host.dbError(err, 'COMMIT');
      // A failed COMMIT leaves the transaction inactive; make sure the driver agrees.
      const driver = host.driver();
      if (driver !== null && driver.transactionStatus() !== false) {
        await driver.rollback().catch(() => undefined);
      }
      this.end();
      throw wrapped;
    }
    this.end();
  }

  /** @internal */
  async _rollbackRoot(tx: Transaction): Promise<void> {
    if (tx !== this.tx || !tx._active) return;
    const host = this.host;
    const closing = host.closeStream();
    if (closing !== undefined) await closing;
    const driver = host.driver();
    if (tx._invalid || driver === null) {
      this.end();
      return;
    }
    if (host.autocommit()) {
      host
        .log()
        ?.info('ROLLBACK using DBAPI connection.rollback(), has no effect due to autocommit mode');
      this.end();
      return;
    }
    host.log()?.info('ROLLBACK');
    try {
      await driver.rollback();
    } catch (err) {
      const wrapped = await host.dbError(err, 'ROLLBACK');
      this.end();
      throw wrapped;
    }
    this.end();
  }

  /** @internal */
  async _releaseSavepoint(sp: NestedTransaction): Promise<void> {
    const index = this.savepoints.indexOf(sp);
    if (!sp._active || index < 0) {
      throw new InvalidRequestError('This nested transaction is inactive');
    }
    if ((this.tx as Transaction)._invalid) throw cantReconnect();
    await this.host.closeStream();
    this.host.log()?.info(`RELEASE SAVEPOINT ${sp.name}`);
    try {
      await (this.host.driver() as DriverConnection).releaseSavepoint(sp.name);
    } catch (err) {
      throw await this.host.dbError(err, `RELEASE SAVEPOINT ${sp.name}`);
    } finally {
      this.#dropSavepoints(index);
    }
  }

  /** @internal */
  async _rollbackSavepoint(sp: NestedTransaction): Promise<void> {
    const index = this.savepoints.indexOf(sp);
    if (!sp._active || index < 0) return;
    const driver = this.host.driver();
    if ((this.tx as Transaction)._invalid || driver === null) {
      this.#dropSavepoints(index);
      return;
    }
    await this.host.closeStream();
    this.host.log()?.info(`ROLLBACK TO SAVEPOINT ${sp.name}`);
    try {
      await driver.rollbackToSavepoint(sp.name);
    } catch (err) {
      throw await this.host.dbError(err, `ROLLBACK TO SAVEPOINT ${sp.name}`);
    } finally {
      this.#dropSavepoints(index);
    }
  }

  #dropSavepoints(from: number): void {
    if (this.savepoints.length <= from) return;
    for (const sp of this.savepoints.splice(from)) sp._active = false;
  }

  #releaseShared(): void {
    const release = this.#sharedRelease;
    this.#sharedRelease = null;
    release?.();
  }
}

/** Waits for the shared-connection lock, turning a timeout into an OperationalError. */
async function acquireShared(lock: AsyncLock, timeout: number | null): Promise<() => void> {
  try {
    return await lock.acquire(timeout);
  } catch (err) {
    if (!(err instanceof LockTimeoutError)) throw err;
    throw new OperationalError({
      statement: 'BEGIN',
      orig: Object.assign(
        new Error(
          `timed out after ${err.seconds} s waiting for another Connection's transaction ` +
            'on the one shared driver connection of this pool to end',
        ),
        { name: 'LockTimeout' },
      ),
    });
  }
}
