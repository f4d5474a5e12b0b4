/**
 * A scripted stand-in for the engine's PoolOps: counts every verb, keeps the set of open
 * connections, and can be told to fail or delay connect, fail ping for chosen connections,
 * and fail reset.
 */
import type { PoolOps } from '../../src/pool/index.js';
import type { Logger } from '../../src/util/logger.js';

export interface FakeConnection {
  readonly id: number;
  closed: boolean;
}

/** A promise with its resolve function, to hold an operation until the test lets it go. */
export interface Gate {
  promise: Promise<void>;
  open: () => void;
}

export function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

export class FakeOps implements PoolOps<FakeConnection> {
  connects = 0;
  closes = 0;
  pings = 0;
  readonly resets: { id: number; mode: 'rollback' | 'commit' }[] = [];
  readonly open = new Set<FakeConnection>();
  /** Highest number of connections open at once. */
  maxOpen = 0;
  /** Every call in order, e.g. `connect 1`, `reset 1 rollback`, `ping 1`, `close 1`. */
  readonly calls: string[] = [];

  /** When set, connect() rejects with this error (the connect still counts). */
  connectError: Error | null = null;
  /** The next this-many connects reject with `connect refused <id>`. */
  failNextConnects = 0;
  /** When set, connect() waits for this before resolving. */
  connectGate: Promise<void> | null = null;
  /** Milliseconds connect() takes. */
  connectDelayMs = 0;
  /** Connection ids whose ping resolves false. */
  readonly deadIds = new Set<number>();
  /** When set, ping() rejects with this error for dead connections instead of resolving false. */
  pingError: Error | null = null;
  /** When set, reset() rejects with this error. */
  resetError: Error | null = null;
  /** When set, close() rejects with this error (after marking the connection closed). */
  closeError: Error | null = null;

  #nextId = 1;

  async connect(): Promise<FakeConnection> {
    this.connects++;
    const id = this.#nextId++;
    if (this.connectGate !== null) await this.connectGate;
    if (this.connectDelayMs > 0) await sleep(this.connectDelayMs);
    if (this.connectError !== null || this.failNextConnects > 0) {
      this.calls.push(`connect-failed ${id}`);
      if (this.connectError !== null) throw this.connectError;
      this.failNextConnects--;
      throw new Error(`connect refused ${id}`);
    }
    const connection: FakeConnection = { id, closed: false };
    this.open.add(connection);
    this.maxOpen = Math.max(this.maxOpen, this.open.size);
    this.calls.push(`connect ${id}`);
    return connection;
  }

  async reset(connection: FakeConnection, mode: 'rollback' | 'commit'): Promise<void> {
    this.calls.push(`reset ${connection.id} ${mode}`);
    if (connection.closed) throw new Error(`connection ${connection.id} is closed`);
    if (this.resetError !== null) throw this.resetError;
    this.resets.push({ id: connection.id, mode });
  }

  async ping(connection: FakeConnection): Promise<boolean> {
    this.pings++;
    this.calls.push(`ping ${connection.id}`);
    if (this.deadIds.has(connection.id) || connection.closed) {
      if (this.pingError !== null) throw this.pingError;
      return false;
    }
    return true;
  }

  async close(connection: FakeConnection): Promise<void> {
    this.closes++;
    this.calls.push(`close ${connection.id}`);
    if (connection.closed) throw new Error(`connection ${connection.id} closed twice`);
    connection.closed = true;
    this.open.delete(connection);
    if (this.closeError !== null) throw this.closeError;
  }

  /** Ids of the connections still open, ascending. */
  openIds(): number[] {
    return [...this.open].map((c) => c.id).sort((a, b) => a - b);
  }
}

/** A Logger that records lines as `LEVEL message`. */
export class CaptureLogger implements Logger {
  readonly lines: string[] = [];
  debug(message: string): void {
    this.lines.push(`DEBUG ${message}`);
  }
  info(message: string): void {
    this.lines.push(`INFO ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`WARNING ${message}`);
  }
  error(message: string): void {
    this.lines.push(`ERROR ${message}`);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Lets every pending promise callback (and one macrotask turn) run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
