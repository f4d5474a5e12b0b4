/**
 * What happens to one connection: open, ping, reset, invalidate, close, each with its events
 * and log lines. The pool decides which slot gets a connection; this module does the I/O.
 */
import { DisconnectionError } from '../errors.js';
import type { Logger } from '../util/logger.js';
import { describeError } from './events.js';
import type { PoolEvents } from './events.js';
import type { PoolOps } from './pool-ops.js';
import type { ConnectionCounter, ConnectionRecord } from './record.js';

/**
 * The per-connection verbs of a pool, wrapped with events, logging and error containment:
 * nothing here throws except `connect` (the caller must see why it could not connect).
 *
 * @example
 * ```ts
 * const life = new ConnectionLifecycle(ops, new PoolEvents(), logger, 'debug');
 * await life.connect(record); // DEBUG Created new connection <connection 1>
 * await life.close(record); // DEBUG Closing connection <connection 1>
 * ```
 */
export class ConnectionLifecycle<C> {
  readonly echoInfo: boolean;
  readonly echoDebug: boolean;
  /** Numbers connections; a recreated pool takes over its predecessor's counter. */
  counter: ConnectionCounter = { next: 1 };
  readonly #byConnection = new Map<C, ConnectionRecord<C>>();

  constructor(
    readonly ops: PoolOps<C>,
    readonly events: PoolEvents,
    readonly log: Logger,
    echo: boolean | 'debug',
  ) {
    this.echoInfo = echo !== false;
    this.echoDebug = echo === 'debug';
  }

  /** The record holding an open connection, if the pool knows it. */
  recordOf(connection: C): ConnectionRecord<C> | undefined {
    return this.#byConnection.get(connection);
  }

  /** Opens a connection on an empty record; concurrent calls for one record share one connect. */
  connect(record: ConnectionRecord<C>): Promise<void> {
    if (record.connecting !== null) return record.connecting;
    const connecting = this.#connect(record);
    record.connecting = connecting;
    return connecting;
  }

  async #connect(record: ConnectionRecord<C>): Promise<void> {
    let connection: C;
    try {
      connection = await this.ops.connect();
    } catch (error) {
      if (this.echoDebug) this.log.debug(`Error on connect(): ${describeError(error)}`);
      throw error;
    } finally {
      record.connecting = null;
    }
    record.connection = connection;
    record.id = this.counter.next++;
    record.createdAt = Date.now();
    record.info = {};
    record.fresh = true;
    record.softInvalid = false;
    this.#byConnection.set(connection, record);
    if (this.echoDebug) this.log.debug(`Created new connection ${record.label()}`);
    if (this.events.connect.length !== 0) {
      this.events.emit('connect', this.log, connection, record.info);
    }
  }

  /** Resolves undefined when the connection answers, else the reason it is considered dead. */
  async ping(record: ConnectionRecord<C>): Promise<unknown> {
    if (this.echoDebug) this.log.debug(`Pool pre-ping on connection ${record.label()}`);
    let failure: unknown;
    try {
      if (await this.ops.ping(record.connection as C)) return undefined;
      failure = new DisconnectionError(`Pre-ping found connection ${record.label()} dead`);
    } catch (error) {
      failure = error ?? new DisconnectionError(`Pre-ping on ${record.label()} failed`);
    }
    if (this.echoDebug) {
      this.log.debug(`Pool pre-ping on connection ${record.label()} failed, will invalidate pool`);
    }
    return failure;
  }

  /**
   * True when returning `connection` needs no reset call, event or log line, so the pool may
   * take it back synchronously.
   */
  quietReset(connection: C, mode: 'rollback' | 'commit' | null): boolean {
    if (this.events.reset.length !== 0) return false;
    if (mode === null) return true;
    const ops = this.ops;
    return !this.echoDebug && ops.needsReset !== undefined && !ops.needsReset(connection, mode);
  }

  /** Resets a returned connection; a failed reset invalidates it (logged, never thrown). */
  async reset(
    record: ConnectionRecord<C>,
    connection: C,
    mode: 'rollback' | 'commit' | null,
  ): Promise<void> {
    if (this.events.reset.length !== 0) {
      this.events.emit('reset', this.log, connection, record.info, { mode });
    }
    if (mode === null) return;
    if (this.echoDebug) this.log.debug(`Connection ${record.label()} ${mode}-on-return`);
    try {
      await this.ops.reset(connection, mode);
    } catch (error) {
      this.log.error(
        `Exception during reset or similar on ${record.label()}: ${describeError(error)}`,
      );
      await this.invalidate(record, error);
    }
  }

  /** Marks the record to be closed at its next return instead of being pooled. */
  softInvalidate(record: ConnectionRecord<C>, error: unknown): void {
    record.softInvalid = true;
    if (this.echoInfo) {
      this.log.info(`Soft Invalidate connection ${record.label()}${reason(error)}`);
    }
  }

  /** Hard invalidation: `invalidate` event, log line, then close. */
  async invalidate(record: ConnectionRecord<C>, error: unknown): Promise<void> {
    const connection = record.connection;
    if (connection === null) return;
    if (this.events.invalidate.length !== 0) {
      this.events.emit('invalidate', this.log, connection, record.info, error);
    }
    if (this.echoInfo) this.log.info(`Invalidate connection ${record.label()}${reason(error)}`);
    await this.close(record);
  }

  /** Closes the record's connection (if any); a failing close is logged, never thrown. */
  async close(record: ConnectionRecord<C>): Promise<void> {
    const connection = record.connection;
    if (connection === null) return;
    record.connection = null;
    this.#byConnection.delete(connection);
    if (this.events.close.length !== 0) {
      this.events.emit('close', this.log, connection, record.info);
    }
    if (this.echoDebug) this.log.debug(`Closing connection ${record.label()}`);
    try {
      await this.ops.close(connection);
    } catch (error) {
      this.log.error(`Exception closing connection ${record.label()}: ${describeError(error)}`);
    }
  }
}

function reason(error: unknown): string {
  return error === undefined ? '' : ` (reason: ${describeError(error)})`;
}
