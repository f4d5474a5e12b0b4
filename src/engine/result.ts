/**
 * Buffered results: every row of the statement is already in memory (the driver read them),
 * so fetching is synchronous. `scalars()`, `mappings()` and `tuples()` are views that share
 * the same cursor position. Closing follows SQLAlchemy: `all()` soft-closes (later fetches
 * return nothing), `first()`/`one()`/`scalar()` hard-close (later fetches raise).
 */
import { MultipleResultsFound, NoResultFound, ResourceClosedError } from '../errors.js';
import type { DriverResult } from '../dialects/dialect.js';
import type { ValueProcessor } from '../sql/executable.js';
import { asRow, rowPrototype } from './row.js';
import type { Row } from './row.js';
import { UniqueFilter, rowKey, valueKey } from './unique.js';

const OPEN = 0;
const SOFT_CLOSED = 1;
const HARD_CLOSED = 2;
const NO_ROWS = 3;

/** Returned by `take()` at the end of the rows (a row value may itself be null/undefined). */
const END: unique symbol = Symbol('end');

const NO_ROWS_MESSAGE =
  'This result object does not return rows. It has been closed automatically.';
const CLOSED_MESSAGE = 'This result object is closed.';

/** What a closed buffer holds (shared: closing allocates nothing; never written to). */
const NO_MORE_ROWS: unknown[][] = [];

/** Called with each row fetched, for `echo: 'debug'`. @internal */
export type RowLogger = (row: readonly unknown[]) => void;

/**
 * The rows of one execution and the read position; shared by a result and its views.
 *
 * A one-column result may hold its values bare (`rows[i]` is the value, not a one-element
 * array): the ORM loads a `select(User)` that way, and `scalars().all()` then returns the
 * objects without a row array per object ever existing. Everything else gets the rows wrapped
 * on the way out. @internal
 */
export class RowBuffer {
  rows: unknown[][];
  pos = 0;
  state: number;
  readonly keys: readonly string[];
  /** `rows` holds the values of the only column directly. */
  readonly bare: boolean;
  readonly #processors: readonly (ValueProcessor | null)[] | undefined;
  readonly #log: RowLogger | undefined;

  constructor(
    driver: DriverResult,
    keys: readonly string[] | undefined,
    processors: readonly (ValueProcessor | null)[] | undefined,
    log: RowLogger | undefined,
    bare = false,
  ) {
    this.rows = driver.rows;
    this.bare = bare;
    this.state = driver.returnsRows ? OPEN : NO_ROWS;
    // The statement's own keys (property names, text().columns()) win when they line up with
    // the driver's columns; otherwise the driver's names.
    const columns = driver.columns;
    this.keys =
      keys !== undefined && (keys.length === columns.length || columns.length === 0)
        ? keys
        : columns;
    // Compiled statements give processors only when a column needs one.
    this.#processors = processors;
    this.#log = log;
  }

  check(): void {
    if (this.state === NO_ROWS) throw new ResourceClosedError(NO_ROWS_MESSAGE);
    if (this.state === HARD_CLOSED) throw new ResourceClosedError(CLOSED_MESSAGE);
  }

  /** The next row, processed, or undefined at the end (which soft-closes). */
  next(): unknown[] | undefined {
    this.check();
    const rows = this.rows;
    if (this.pos >= rows.length) {
      this.#softClose();
      return undefined;
    }
    const item = rows[this.pos++];
    if (this.bare) return [item];
    const row = item as unknown[];
    this.#prepare(row);
    return row;
  }

  /** Up to `n` more rows, processed. */
  many(n: number): unknown[][] {
    this.check();
    const rows = this.rows;
    const end = Math.min(rows.length, this.pos + Math.max(0, n));
    const out = rows.slice(this.pos, end);
    this.pos = end;
    if (this.bare) wrapEach(out);
    else for (const row of out) this.#prepare(row);
    if (out.length === 0) this.#softClose();
    return out;
  }

  /** Every remaining row, processed; soft-closes. */
  rest(): unknown[][] {
    this.check();
    const rows = this.rows;
    const out = this.pos === 0 ? rows : rows.slice(this.pos);
    this.pos = rows.length;
    // Closing drops the buffer's array, so wrapping it in place is safe.
    if (this.bare) wrapEach(out);
    else if (this.#processors !== undefined || this.#log !== undefined) {
      for (const row of out) this.#prepare(row);
    }
    this.#softClose();
    return out;
  }

  /** Every remaining value of a {@link bare} buffer; soft-closes. */
  restBare(): unknown[] {
    this.check();
    const rows = this.rows as unknown[];
    const out = this.pos === 0 ? rows : rows.slice(this.pos);
    this.pos = rows.length;
    this.#softClose();
    return out;
  }

  hardClose(): void {
    if (this.state === NO_ROWS) return;
    this.state = HARD_CLOSED;
    this.rows = NO_MORE_ROWS;
  }

  #softClose(): void {
    if (this.state === OPEN) {
      this.state = SOFT_CLOSED;
      this.rows = NO_MORE_ROWS;
      this.pos = 0;
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
    if (this.#log !== undefined) this.#log(row);
  }
}

/** Turns bare values into one-element rows, in place. */
function wrapEach(items: unknown[]): unknown[][] {
  for (let i = 0; i < items.length; i++) items[i] = [items[i]];
  return items as unknown[][];
}

/** Shared fetch methods of a result and its views; `convert` turns a raw row into `Out`. */
abstract class FetchMethods<Out> implements Iterable<Out>, AsyncIterable<Out> {
  /** @internal */
  protected readonly _buffer: RowBuffer;
  /** @internal The duplicate filter set by `unique()`. */
  protected _unique: UniqueFilter<Out> | null = null;

  protected constructor(buffer: RowBuffer) {
    this._buffer = buffer;
  }

  /** @internal */
  protected abstract _convert(raw: unknown[]): Out;

  /** @internal The key `unique()` compares rows by: their values. */
  protected _uniqueKey(raw: unknown[], _out: Out): unknown {
    return rowKey(raw);
  }

  /**
   * Skips rows equal to one already returned, from here on (SQLAlchemy's `unique()`): rows
   * compare by their values; scalars by value, except objects such as mapped instances,
   * which compare by identity. `strategy` maps each row to the value to compare instead.
   * Returns this result.
   *
   * @example
   * ```ts
   * const cities = (await conn.execute(select(users.c.city))).unique().scalars().all();
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
  #take(): Out | typeof END {
    const unique = this._unique;
    for (;;) {
      const raw = this._buffer.next();
      if (raw === undefined) return END;
      const out = this._convert(raw);
      if (unique === null || !unique.seen(raw, out)) return out;
    }
  }

  #convertAll(raws: unknown[][]): Out[] {
    const unique = this._unique;
    if (unique !== null) {
      const kept: Out[] = [];
      for (const raw of raws) {
        const out = this._convert(raw);
        if (!unique.seen(raw, out)) kept.push(out);
      }
      return kept;
    }
    const out = new Array<Out>(raws.length);
    for (let i = 0; i < raws.length; i++) out[i] = this._convert(raws[i] as unknown[]);
    return out;
  }

  /** The next row, or null when there are no more. */
  fetchOne(): Out | null {
    const out = this.#take();
    return out === END ? null : out;
  }

  /** Up to `n` more rows. */
  fetchMany(n: number): Out[] {
    if (this._unique === null) return this.#convertAll(this._buffer.many(n));
    const rows: Out[] = [];
    while (rows.length < n) {
      const out = this.#take();
      if (out === END) break;
      rows.push(out);
    }
    return rows;
  }

  /** Every remaining row (the result is then exhausted: a second call returns `[]`). */
  fetchAll(): Out[] {
    return this.#convertAll(this._buffer.rest());
  }

  /** Every remaining row; same as `fetchAll()`. */
  all(): Out[] {
    return this.#convertAll(this._buffer.rest());
  }

  /** The first row or null; closes the result (later fetches raise). */
  first(): Out | null {
    const out = this.#take();
    this._buffer.hardClose();
    return out === END ? null : out;
  }

  /** Exactly one row; raises NoResultFound or MultipleResultsFound otherwise. Closes the result. */
  one(): Out {
    const out = this.#take();
    if (out === END) {
      this._buffer.hardClose();
      throw new NoResultFound('No row was found when one was required');
    }
    const more = this.#take();
    this._buffer.hardClose();
    if (more !== END) {
      throw new MultipleResultsFound('Multiple rows were found when exactly one was required');
    }
    return out;
  }

  /** One row or null; raises MultipleResultsFound for more. Closes the result. */
  oneOrNone(): Out | null {
    const out = this.#take();
    if (out === END) {
      this._buffer.hardClose();
      return null;
    }
    const more = this.#take();
    this._buffer.hardClose();
    if (more !== END) {
      throw new MultipleResultsFound('Multiple rows were found when one or none was required');
    }
    return out;
  }

  /** Rows in lists of up to `size`. */
  *partitions(size: number): Generator<Out[], void, undefined> {
    for (;;) {
      const part = this.fetchMany(size);
      if (part.length === 0) return;
      yield part;
    }
  }

  /** Closes the result; later fetches raise ResourceClosedError. */
  close(): void {
    this._buffer.hardClose();
  }

  *[Symbol.iterator](): Iterator<Out> {
    for (;;) {
      const out = this.#take();
      if (out === END) return;
      yield out;
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Out> {
    for (const row of this) yield row;
  }
}

/**
 * The result of `execute()`: rows (arrays with named getters), counts and the views
 * `scalars()`, `mappings()` and `tuples()`.
 *
 * @example
 * ```ts
 * const result = await conn.execute(text('SELECT id, name FROM users'));
 * for (const row of result) console.log(row.id, row.name);
 * ```
 */
export class Result<T = Record<string, unknown>, TScalar = unknown> extends FetchMethods<Row<T>> {
  /** Rows matched (UPDATE/DELETE), inserted (INSERT) or returned (SELECT); -1 when unknown. */
  readonly rowCount: number;
  /** The key generated by the last INSERT, when the driver reports it (SQLite, MySQL). */
  readonly lastInsertId: number | bigint | undefined;
  /** True when the statement produced a row set. */
  readonly returnsRows: boolean;
  #proto: object | undefined;

  /**
   * @internal With `bare`, `driver.rows` holds the values of a one-column result directly
   * (no processors or logger then).
   */
  constructor(
    driver: DriverResult,
    keys?: readonly string[],
    processors?: readonly (ValueProcessor | null)[],
    log?: RowLogger,
    bare = false,
  ) {
    super(new RowBuffer(driver, keys, processors, log, bare));
    this.rowCount = driver.rowCount;
    this.lastInsertId = driver.lastInsertId;
    this.returnsRows = driver.returnsRows;
  }

  /** @internal */
  protected _convert(raw: unknown[]): Row<T> {
    return asRow<T>(raw, (this.#proto ??= rowPrototype(this._buffer.keys)));
  }

  /** The column names. */
  keys(): string[] {
    return this._buffer.keys.slice();
  }

  /** True once the result was closed or exhausted. */
  get closed(): boolean {
    return this._buffer.state !== OPEN;
  }

  /** The first column of the first row, or null; closes the result. */
  scalar<V = TScalar>(): V | null {
    const raw = this._buffer.next();
    this._buffer.hardClose();
    return raw === undefined ? null : (raw[0] as V);
  }

  /** The first column of the only row; raises like `one()`. */
  scalarOne<V = TScalar>(): V {
    return this.scalars<V>().one();
  }

  /** The first column of the only row, or null; raises like `oneOrNone()`. */
  scalarOneOrNone<V = TScalar>(): V | null {
    return this.scalars<V>().oneOrNone();
  }

  /**
   * A view yielding one column (the first by default) of each row. The first column is typed
   * from the statement; another column's type can be given: `scalars<string>(1)`.
   *
   * @example
   * ```ts
   * const ids = (await conn.execute(select(users.c.id))).scalars().all(); // number[]
   * ```
   */
  scalars<V = TScalar>(index?: 0): ScalarResult<V>;
  scalars<V = unknown>(index: number): ScalarResult<V>;
  scalars<V>(index = 0): ScalarResult<V> {
    return this.#view(new ScalarResult<V>(this._buffer, index));
  }

  /** A view yielding each row as a plain object keyed by column name. */
  mappings(): MappingResult<T> {
    return this.#view(new MappingResult<T>(this._buffer));
  }

  /** A view yielding each row as a plain array (no named getters): the cheapest form. */
  tuples(): TupleResult {
    return this.#view(new TupleResult(this._buffer));
  }

  /** A view of a `unique()` result filters duplicates too (by its own default key). */
  #view<V extends FetchMethods<any>>(view: V): V {
    return this._unique === null ? view : view.unique();
  }
}

/** One column of each row. */
export class ScalarResult<V = unknown> extends FetchMethods<V> {
  /** @internal */
  constructor(
    buffer: RowBuffer,
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

  /** Every remaining value (the result is then exhausted: a second call returns `[]`). */
  override fetchAll(): V[] {
    return this.all();
  }

  /** Every remaining value; same as `fetchAll()`. */
  override all(): V[] {
    // A bare buffer already holds the values of its only column: no row to take them from.
    if (this._buffer.bare && this.index === 0 && this._unique === null) {
      return this._buffer.restBare() as V[];
    }
    return super.all();
  }
}

/** Each row as a plain object keyed by column name. */
export class MappingResult<T = Record<string, unknown>> extends FetchMethods<T> {
  /** @internal */
  constructor(buffer: RowBuffer) {
    super(buffer);
  }

  /** @internal */
  protected _convert(raw: unknown[]): T {
    const keys = this._buffer.keys;
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) out[keys[i] as string] = raw[i];
    return out as T;
  }

  /** The column names. */
  keys(): string[] {
    return this._buffer.keys.slice();
  }
}

/** Each row as a plain positional array. */
export class TupleResult extends FetchMethods<unknown[]> {
  /** @internal */
  constructor(buffer: RowBuffer) {
    super(buffer);
  }

  /** @internal */
  protected _convert(raw: unknown[]): unknown[] {
    return raw;
  }

  /** Every remaining row (the result is then exhausted: a second call returns `[]`). */
  override fetchAll(): unknown[][] {
    return this.all();
  }

  /** Every remaining row; same as `fetchAll()`. */
  override all(): unknown[][] {
    // The buffer's rows are already the tuples: no copy.
    return this._unique === null ? this._buffer.rest() : super.all();
  }

  /** The column names. */
  keys(): string[] {
    return this._buffer.keys.slice();
  }
}
