/**
 * What a pool needs from the layer above it: how to open, reset, ping and close one
 * connection. The pool knows no SQL and no driver; the engine supplies these verbs.
 */
export interface PoolOps<C> {
  /** Opens a new connection (the engine's dialect connects through its driver). */
  connect(): Promise<C>;
  /** Ends any open transaction: `'rollback'`, `'commit'`, or nothing for `'none'`. */
  reset(connection: C, mode: 'rollback' | 'commit'): Promise<void>;
  /** Checks that the connection is alive; resolves false (or rejects) when it is not. */
  ping(connection: C): Promise<boolean>;
  /** Closes the connection; must not throw when it is already dead. */
  close(connection: C): Promise<void>;
}
