/**
 * What a pool needs from the layer above it: how to open, reset, ping and close one
 * connection. The pool knows no SQL and no driver; the engine supplies these verbs.
 *
 * @example
 * ```ts
 * const ops: PoolOps<Client> = {
 *   connect: () => driver.connect(url),
 *   reset: (client, mode) => client.query(mode === 'commit' ? 'COMMIT' : 'ROLLBACK'),
 *   ping: async (client) => (await client.query('SELECT 1'), true),
 *   close: (client) => client.end().catch(() => {}),
 * };
 * const pool = new QueuePool(ops, { poolSize: 5 });
 * ```
 */
export interface PoolOps<C> {
  /**
   * Opens a new connection (the engine's dialect connects through its driver). A rejection
   * propagates to the caller of `checkout()` and frees the slot.
   */
  connect(): Promise<C>;
  /**
   * Ends any open transaction: `'rollback'` or `'commit'` (never called for `resetOnReturn:
   * null`). May skip the round trip when the connection reports no open transaction. A
   * rejection makes the pool invalidate (close) the connection instead of pooling it.
   */
  reset(connection: C, mode: 'rollback' | 'commit'): Promise<void>;
  /**
   * Optional: false when `reset(connection, mode)` would do nothing (the connection is alive
   * and has no open transaction). It lets a quiet pool take a connection back synchronously,
   * without waiting on a no-op reset. Without it the pool always calls `reset`.
   */
  needsReset?(connection: C, mode: 'rollback' | 'commit'): boolean;
  /**
   * Checks that the connection is alive; resolves false (or rejects) when it is not. Called at
   * checkout when `prePing` is on, never for a connection made by that same checkout.
   */
  ping(connection: C): Promise<boolean>;
  /** Closes the connection; must not throw when it is already dead (a rejection is only logged). */
  close(connection: C): Promise<void>;
}
