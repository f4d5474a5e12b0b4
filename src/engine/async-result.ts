/**
 * Streamed results (`conn.stream()`): rows are fetched from a server-side cursor
 * (PostgreSQL), an unbuffered stream (MySQL) or a statement iterator (SQLite) in batches of
 * `yieldPer`, so memory stays bounded whatever the result size. Fetch methods are async.
 */
import { MultipleResultsFound, NoResultFound, ResourceClosedError } from '../errors.js';
import type { DriverCursor } from '../dialects/dialect.js';
import type { ValueProcessor } from '../sql/executable.js';
import type { RowLogger } from './result.js';
import { asRow, rowPrototype } from './row.js';
import type { Row } from './row.js';
import { UniqueFilter, rowKey, valueKey } from './unique.js';

const OPEN = 0;
const SOFT_CLOSED = 1;
const HARD_CLOSED = 2;

/** Returned by `take()` at the end of the rows (a row value may itself be null/undefined). */
const END: unique symbol = Symbol('end');

/** An empty batch (shared; never written to). */
const NO_ROWS: unknown[][] = [];

/** What a stream needs from its connection. @internal */
export interface StreamOwner {
  /** Wraps a driver error raised while fetching (translation, disconnect handling). */
  wrapError(error: unknown): Promise<unknown>;
  /** The stream is finished; the connection may run other statements again. */
  streamClosed(stream: StreamBuffer): void;
}

/** The cursor, the current batch and the read position. @internal */
export class StreamBuffer {
  state = OPEN;
  readonly keys: readonly string[];
  #batch: unknown[][] = NO_ROWS;
  #pos = 0;
  #exhausted = false;
  readonly #processors: readonly (ValueProcessor | null)[] | undefined;

  constructor(
    private readonly cursor: DriverCursor,
    private readonly yieldPer: number,
    private readonly owner: StreamOwner,
    processors: readonly (ValueProcessor | null)[] | undefined,
    private readonly log: RowLogger | undefined,
  ) {
    this.keys = cursor.columns;
    this.#processors = processors?.some((p) => p !== null) ? processors : undefined;
  }

  #check(): void {
    if (this.state === HARD_CLOSED) {
      throw new ResourceClosedError('This result object is closed.');
    }
  }

  async #fill(): Promise<boolean> {
    if (this.#pos < this.#batch.length) return true;
    if (this.#exhausted || this.state !== OPEN) return false;
    let rows: unknown[][];
    try {
      rows = await this.cursor.fetch(this.yieldPer);
    } catch (err) {
      await this.#finish(HARD_CLOSED);
      throw await this.owner.wrapError(err);
    }
    this.#batch = rows;
    this.#pos = 0;
    if (rows.length === 0) {
      this.#exhausted = true;
      await this.#finish(SOFT_CLOSED);
      return false;
    }
    return true;
  }

  /**
   * The next row of the batch in hand, processed, or undefined when the batch is used up (or
   * the stream closed): `next()` then fetches. Lets iteration skip a promise per row.
   */
  nextBuffered(): unknown[] | undefined {
    if (this.#pos >= this.#batch.length) return undefined;
    const row = this.#batch[this.#pos++] as unknown[];
    this.#prepare(row);
    return row;
  }

  async next(): Promise<unknown[] | undefined> {
    this.#check();
    if (!(await this.#fill())) return undefined;
    const row = this.#batch[this.#pos++] as unknown[];
    this.#prepare(row);
    return row;
  }

  async many(n: number): Promise<unknown[][]> {
    this.#check();
    const batch = this.#batch;
    if (n > 0 && this.#pos === 0 && batch.length === n) {
      // Exactly one whole batch asked for (a chunk of `yieldPer`): hand it over, no copy.
      this.#batch = NO_ROWS;
      for (let i = 0; i < batch.length; i++) this.#prepare(batch[i] as unknown[]);
      return batch;
    }
    const out: unknown[][] = [];
    while (out.length < n && (this.#pos < this.#batch.length || (await this.#fill()))) {
      const take = Math.min(n - out.length, this.#batch.length - this.#pos);
      for (let i = 0; i < take; i++) {
        const row = this.#batch[this.#pos++] as unknown[];
        this.#prepare(row);
        out.push(row);
      }
    }
    return out;
  }

  async close(): Promise<void> {
    await this.#finish(HARD_CLOSED);
  }

  async #finish(state: number): Promise<void> {
    if (this.state !== OPEN) {
      if (state === HARD_CLOSED) this.state = HARD_CLOSED;
      return;
    }
    this.state = state;
    this.#batch = NO_ROWS;
    try {
      await this.cursor.close();
    } finally {
      this.owner.streamClosed(this);
    }
  }

  #prepare(row: unknown[]): void {
    const processors = this.#processors;
    if (processors !== undefined) {
      for (let i = 0; i < processors.length; i++) {
        const p = processors[i];
        if (p !== null && p !== undefined) row[i] = p(row[i]);
      }
    }
    if (this.log !== undefined) this.log(row);
  }
}

abstract class AsyncFetchMethods<Out> implements AsyncIterable<Out> {
  /** @internal */
  protected readonly _buffer: StreamBuffer;

  /** @internal The stream, for the iterator. */
  get _stream(): StreamBuffer {
    return this._buffer;
  }
  /** @internal The duplicate filter set by `unique()`. */
  protected _unique: UniqueFilter<Out> | null = null;

  protected constructor(buffer: StreamBuffer) {
    this._buffer = buffer;
  }

  /** @internal */
  protected abstract _convert(raw: unknown[]): Out;

  /** @internal The key `unique()` compares rows by: their values. */
  protected _uniqueKey(raw: unknown[], _out: Out): unknown {
    return rowKey(raw);
  }

  /**
   * Skips rows equal to one already returned, from here on; see `Result.unique()`. The keys
   * of every distinct row are kept until the stream ends. Returns this result.
   *
   * @example
   * ```ts
   * for await (const city of (await conn.stream(select(users.c.city))).unique().scalars()) {}
   * ```
   */
  unique(strategy?: (row: Out) => unknown): this {
    this._unique = new UniqueFilter<Out>(
      strategy === undefined
        ? (raw, out) => this._uniqueKey(raw, out)
        : (_raw, out) => strategy(out),
    );
    return this;
  }

  /** The next row that is not a duplicate, or END. */
  async #take(): Promise<Out | typeof END> {
    const unique = this._unique;
    for (;;) {
      const raw = await this._buffer.next();
      if (raw === undefined) return END;
      const out = this._convert(raw);
      if (unique === null || !unique.seen(raw, out)) return out;
    }
  }

  /** Converts a batch, dropping duplicates when `unique()` is on. */
  #convertAll(raws: unknown[][], into: Out[]): void {
    const unique = this._unique;
    for (const raw of raws) {
      const out = this._convert(raw);
      if (unique === null || !unique.seen(raw, out)) into.push(out);
    }
  }

  /** The next row, or null when there are no more. */
  async fetchOne(): Promise<Out | null> {
    const out = await this.#take();
    return out === END ? null : out;
  }

  /** Up to `n` more rows. */
  async fetchMany(n: number): Promise<Out[]> {
    const rows: Out[] = [];
    this.#convertAll(await this._buffer.many(n), rows);
    while (this._unique !== null && rows.length < n) {
      const out = await this.#take();
      if (out === END) break;
      rows.push(out);
    }
    return rows;
  }

  /** Every remaining row (reads the whole stream into memory). */
  async all(): Promise<Out[]> {
    const out: Out[] = [];
    for (;;) {
      const part = await this._buffer.many(1000);
      if (part.length === 0) return out;
      this.#convertAll(part, out);
    }
  }

  /** Same as `all()`. */
  fetchAll(): Promise<Out[]> {
    return this.all();
  }

  /** The first row or null; closes the stream. */
  async first(): Promise<Out | null> {
    const out = await this.#take();
    await this._buffer.close();
    return out === END ? null : out;
  }

  /** Exactly one row; raises NoResultFound or MultipleResultsFound otherwise. */
  async one(): Promise<Out> {
    const out = await this.#take();
    const more = out === END ? END : await this.#take();
    await this._buffer.close();
    if (out === END) throw new NoResultFound('No row was found when one was required');
    if (more !== END) {
      throw new MultipleResultsFound('Multiple rows were found when exactly one was required');
    }
    return out;
  }

  /** One row or null; raises MultipleResultsFound for more. */
  async oneOrNone(): Promise<Out | null> {
    const out = await this.#take();
    const more = out === END ? END : await this.#take();
    await this._buffer.close();
    if (more !== END) {
      throw new MultipleResultsFound('Multiple rows were found when one or none was required');
    }
    return out === END ? null : out;
  }

  /** Rows in lists of up to `size`, fetched as they are needed. */
  async *partitions(size: number): AsyncGenerator<Out[], void, undefined> {
    try {
      for (;;) {
        const part = await this.fetchMany(size);
        if (part.length === 0) return;
        yield part;
      }
    } finally {
      // Leaving the loop early (break, throw) closes the stream.
      if (this._buffer.state === OPEN) await this._buffer.close();
    }
  }

  /** Closes the stream (the rest of the result is discarded). */
  close(): Promise<void> {
    return this._buffer.close();
  }

  /** Closes the stream; for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this._buffer.close();
  }

  /**
   * Iterates the rows: synchronously through the batch in hand (one settled promise per
   * row, as `for await` needs), awaiting the driver only when the batch is used up.
   * Leaving the loop early (break, throw) closes the stream.
   */
  [Symbol.asyncIterator](): AsyncIterator<Out> & AsyncIterable<Out> {
    return new StreamIterator<Out>(this);
  }

  /** @internal The next buffered row that is not a duplicate, or MISS when a fetch is needed. */
  _takeBuffered(): Out | typeof MISS {
    const unique = this._unique;
    for (;;) {
      const raw = this._buffer.nextBuffered();
      if (raw === undefined) return MISS;
      const out = this._convert(raw);
      if (unique === null || !unique.seen(raw, out)) return out;
    }
  }

  /** @internal The next row, fetching as needed, or END. */
  _take(): Promise<Out | typeof END> {
    return this.#take();
  }
}

/** Returned by `_takeBuffered()` when the batch in hand is used up. */
const MISS: unique symbol = Symbol('miss');

/** The async iterator of a streamed result (see `AsyncFetchMethods[Symbol.asyncIterator]`). */
class StreamIterator<Out> implements AsyncIterator<Out>, AsyncIterable<Out> {
  #done = false;

  constructor(private readonly result: AsyncFetchMethods<Out>) {}

  /** A fetch in flight: calls made meanwhile wait for it, in order (as a generator's do). */
  #pending: Promise<IteratorResult<Out>> | null = null;

  next(): Promise<IteratorResult<Out>> {
    const pending = this.#pending;
    if (pending !== null) return this.#queue(pending, () => this.next());
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    const out = this.result._takeBuffered();
    if (out !== MISS) return Promise.resolve({ value: out, done: false });
    const fetching = this.#fetch();
    this.#pending = fetching;
    const clear = (): void => {
      if (this.#pending === fetching) this.#pending = null;
    };
    fetching.then(clear, clear);
    return fetching;
  }

  #queue(
    pending: Promise<IteratorResult<Out>>,
    then: () => Promise<IteratorResult<Out>>,
  ): Promise<IteratorResult<Out>> {
    return pending.then(then, then);
  }

  async #fetch(): Promise<IteratorResult<Out>> {
    let out: Out | typeof END;
    try {
      out = await this.result._take();
    } catch (err) {
      await this.#finish();
      throw err;
    }
    if (out === END) {
      await this.#finish();
      return { value: undefined, done: true };
    }
    return { value: out, done: false };
  }

  async return(): Promise<IteratorResult<Out>> {
    const pending = this.#pending;
    if (pending !== null) await pending.catch(() => undefined);
    await this.#finish();
    return { value: undefined, done: true };
  }

  async #finish(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    const buffer = this.result._stream;
    if (buffer.state === OPEN) await buffer.close();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * A streamed result from `conn.stream()`.
 *
 * @example
 * ```ts
 * const result = await conn.stream(text('SELECT * FROM events'), {}, { yieldPer: 1000 });
 * for await (const row of result) handle(row);
 * ```
 */
export class AsyncResult<T = Record<string, unknown>, TScalar = unknown> extends AsyncFetchMethods<
  Row<T>
> {
  #proto: object | undefined;

  /** @internal */
  constructor(buffer: StreamBuffer) {
    super(buffer);
  }

  /** @internal */
  protected _convert(raw: unknown[]): Row<T> {
    return asRow<T>(raw, (this.#proto ??= rowPrototype(this._buffer.keys)));
  }

  /** The column names. */
  keys(): string[] {
    return this._buffer.keys.slice();
  }

  /** True once the stream was closed or exhausted. */
  get closed(): boolean {
    return this._buffer.state !== OPEN;
  }

  /** The first column of the first row, or null; closes the stream. */
  async scalar<V = TScalar>(): Promise<V | null> {
    const raw = await this._buffer.next();
    await this._buffer.close();
    return raw === undefined ? null : (raw[0] as V);
  }

  /** The first column of the only row; raises like `one()`. */
  scalarOne<V = TScalar>(): Promise<V> {
    return this.scalars<V>().one();
  }

  /** The first column of the only row, or null; raises like `oneOrNone()`. */
  scalarOneOrNone<V = TScalar>(): Promise<V | null> {
    return this.scalars<V>().oneOrNone();
  }

  /** A view yielding one column (the first by default) of each row; see `Result.scalars()`. */
  scalars<V = TScalar>(index?: 0): AsyncScalarResult<V>;
  scalars<V = unknown>(index: number): AsyncScalarResult<V>;
  scalars<V>(index = 0): AsyncScalarResult<V> {
    return this.#view(new AsyncScalarResult<V>(this._buffer, index));
  }

  /** A view yielding each row as a plain object. */
  mappings(): AsyncMappingResult<T> {
    return this.#view(new AsyncMappingResult<T>(this._buffer));
  }

  /** A view yielding each row as a plain array. */
  tuples(): AsyncTupleResult {
    return this.#view(new AsyncTupleResult(this._buffer));
  }

  /** A view of a `unique()` stream filters duplicates too (by its own default key). */
  #view<V extends AsyncFetchMethods<any>>(view: V): V {
    return this._unique === null ? view : view.unique();
  }
}

/** One column of each streamed row. */
export class AsyncScalarResult<V = unknown> extends AsyncFetchMethods<V> {
  /** @internal */
  constructor(
    buffer: StreamBuffer,
    private readonly index: number,
  ) {
    super(buffer);
  }

  /** @internal */
  protected _convert(raw: unknown[]): V {
    return raw[this.index] as V;
  }

  /** @internal */
  protected override _uniqueKey(_raw: unknown[], out: V): unknown {
    return valueKey(out);
  }
}

/** Each streamed row as a plain object. */
export class AsyncMappingResult<T = Record<string, unknown>> extends AsyncFetchMethods<T> {
  /** @internal */
  constructor(buffer: StreamBuffer) {
    super(buffer);
  }

  /** @internal */
  protected _convert(raw: unknown[]): T {
    const keys = this._buffer.keys;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) out[keys[i] as string] = raw[i];
    return out as T;
  }
}

/** Each streamed row as a plain array. */
export class AsyncTupleResult extends AsyncFetchMethods<unknown[]> {
  /** @internal */
  constructor(buffer: StreamBuffer) {
    super(buffer);
  }

  /** @internal */
  protected _convert(raw: unknown[]): unknown[] {
    return raw;
  }

  /** Up to `n` more rows. */
  override fetchMany(n: number): Promise<unknown[][]> {
    // The buffer's rows are already the tuples: no copy.
    return this._unique === null ? this._buffer.many(n) : super.fetchMany(n);
  }
}
