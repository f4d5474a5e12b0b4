/**
 * Cursors of the pg adapter: a server-side cursor read with FETCH, and rows already in
 * memory served through the same interface.
 */
import type pg from 'pg';
import type { DriverCursor } from '../dialect.js';

type Client = pg.Client;
type QueryResult = pg.QueryArrayResult<unknown[]>;

/** A server-side cursor: rows are fetched in batches, never all at once. */
export class PgCursor implements DriverCursor {
  readonly exclusive = false;
  readonly columns: readonly string[];
  #pending: unknown[][] | undefined;
  #done: boolean;
  #closed = false;

  constructor(
    private readonly client: Client,
    private readonly name: string,
    first: QueryResult,
    private readonly ownTransaction: boolean,
  ) {
    this.columns = first.fields.map((f) => f.name);
    this.#pending = first.rows;
    this.#done = false;
  }

  async fetch(n: number): Promise<unknown[][]> {
    const pending = this.#pending;
    if (pending !== undefined) {
      this.#pending = undefined;
      if (pending.length > 0) return pending;
    }
    if (this.#done || this.#closed) return [];
    const r = (await this.client.query({
      text: `FETCH FORWARD ${n} FROM ${this.name}`,
      rowMode: 'array',
    })) as QueryResult;
    if (r.rows.length === 0) this.#done = true;
    return r.rows;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.client.query(`CLOSE ${this.name}`);
      if (this.ownTransaction) await this.client.query('COMMIT');
    } catch {
      // The connection is gone or the transaction failed: the cursor went with it.
    }
  }
}

/** Rows already in memory, served through the cursor interface. */
export class BufferedCursor implements DriverCursor {
  readonly exclusive = false;
  #offset = 0;

  constructor(
    readonly columns: readonly string[],
    private rows: unknown[][],
  ) {}

  async fetch(n: number): Promise<unknown[][]> {
    const out = this.rows.slice(this.#offset, this.#offset + n);
    this.#offset += out.length;
    return out;
  }

  async close(): Promise<void> {
    this.rows = [];
  }
}
