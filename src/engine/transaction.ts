/**
 * Transaction handles. A Connection has at most one root transaction (begun explicitly or by
 * autobegin) and a stack of savepoints inside it. The handles only record state; the
 * connection does the work, so its rules (PendingRollbackError after a disconnect, closing
 * savepoints with their root) live in one place.
 */

/** What a transaction handle asks of its connection. @internal */
export interface TransactionOwner {
  _commitRoot(tx: Transaction): Promise<void>;
  _rollbackRoot(tx: Transaction): Promise<void>;
  _releaseSavepoint(sp: NestedTransaction): Promise<void>;
  _rollbackSavepoint(sp: NestedTransaction): Promise<void>;
}

/**
 * The root transaction of a connection (`BEGIN` … `COMMIT`/`ROLLBACK`).
 *
 * @example
 * ```ts
 * const tx = await conn.begin();
 * await conn.execute(text('INSERT INTO t (x) VALUES (1)'));
 * await tx.commit();
 * ```
 */
export class Transaction {
  /** @internal */
  _active = true;
  /** @internal Set when the connection was invalidated inside this transaction. */
  _invalid = false;

  /** @internal */
  constructor(
    /** @internal */
    readonly _owner: TransactionOwner,
    /** True when begun implicitly by the first statement. */
    readonly implicit: boolean,
  ) {}

  /** True until committed or rolled back. */
  get isActive(): boolean {
    return this._active;
  }

  /** Commits; raises InvalidRequestError when the transaction is no longer active. */
  commit(): Promise<void> {
    return this._owner._commitRoot(this);
  }

  /** Rolls back; a second call does nothing. */
  rollback(): Promise<void> {
    return this._owner._rollbackRoot(this);
  }

  /** Rolls back when still active. */
  close(): Promise<void> {
    return this._active ? this._owner._rollbackRoot(this) : Promise.resolve();
  }

  /** Rolls back when still active (commit explicitly before the scope ends). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * A savepoint inside the root transaction (`SAVEPOINT sa_savepoint_<n>`): `commit()` releases
 * it, `rollback()` rolls back to it and keeps the outer work.
 *
 * @example
 * ```ts
 * const sp = await conn.beginNested();
 * await conn.execute(text('INSERT INTO t (x) VALUES (2)'));
 * await sp.rollback(); // the outer transaction's work stays
 * ```
 */
export class NestedTransaction {
  /** @internal */
  _active = true;

  /** @internal */
  constructor(
    /** @internal */
    readonly _owner: TransactionOwner,
    /** The savepoint's name. */
    readonly name: string,
  ) {}

  /** True until released or rolled back (or its root transaction ended). */
  get isActive(): boolean {
    return this._active;
  }

  /** Releases the savepoint (`RELEASE SAVEPOINT`). */
  commit(): Promise<void> {
    return this._owner._releaseSavepoint(this);
  }

  /** Rolls back to the savepoint (`ROLLBACK TO SAVEPOINT`); a second call does nothing. */
  rollback(): Promise<void> {
    return this._owner._rollbackSavepoint(this);
  }

  /** Rolls back to the savepoint when still active. */
  close(): Promise<void> {
    return this._active ? this._owner._rollbackSavepoint(this) : Promise.resolve();
  }

  /** Rolls back to the savepoint when still active. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
