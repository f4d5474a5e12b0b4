/**
 * Statement execution through a session (SQLAlchemy's `Session.execute`): SELECTs of mapped
 * classes return objects through the identity map; everything else runs as Core on the
 * session's connection and returns the engine's Result.
 *
 * Autoflush runs before every SELECT/INSERT/UPDATE/DELETE statement object when `autoflush` is
 * on, but not before textual SQL (`text()`, `sql\`\``). SQLAlchemy autoflushes only
 * "ORM-enabled" statements; Athanor's `User.c.name` is the table's own column, so a statement
 * cannot tell whether it came from the ORM, and flushing is the safe side.
 */
import { ArgumentError, DBAPIError, type DBAPIErrorClass } from '../../errors.js';
import { Result } from '../../engine/result.js';
import type { Executable } from '../../sql/executable.js';
import { select as sqlSelect, type Select } from '../../sql/statements/select.js';
import { mapperOfClass } from '../mapping/registry.js';
import type { Mapper } from '../mapping/mapper.js';
import { flushSession, hasChanges } from '../session/flush.js';
import type { Session } from '../session/session.js';
import { activeConnection, connectionFor, withConnection } from '../session/transactions.js';
import { EntityLoader } from './loading.js';

/** Options of ORM execution (also read from `select(...).executionOptions({...})`). */
export interface OrmExecuteOptions {
  /** Overwrite the in-memory state of objects already in the identity map. */
  populateExisting?: boolean;
}

/** One item of the column clause: an entity (loaded as an object) or a plain column. */
type Slot =
  | { readonly entity: true; readonly mapper: Mapper; readonly positions: readonly number[] }
  | { readonly entity: false; readonly position: number };

/** How to turn the rows of an ORM SELECT into objects and values. */
export interface OrmPlan {
  readonly slots: readonly Slot[];
  readonly keys: readonly string[];
  readonly width: number;
}

const DML_KINDS = new Set(['select', 'insert', 'update', 'delete']);

/** Refuses strings, as SQLAlchemy does, naming the fix. */
export function checkExecutable(stmt: unknown): void {
  if (typeof stmt === 'string') {
    const shown = stmt.length > 60 ? `${stmt.slice(0, 60)}…` : stmt;
    throw new ArgumentError(
      `Textual SQL expression '${shown}' should be explicitly declared as text('${shown}')`,
    );
  }
}

/** The ORM plan of a SELECT that selects mapped classes, or undefined for Core statements. */
export function ormPlan(stmt: unknown): OrmPlan | undefined {
  const select = stmt as Partial<Select<unknown, unknown[]>>;
  const items = select.items;
  if (!Array.isArray(items) || (select.node as { kind?: string } | undefined)?.kind !== 'select') {
    return undefined;
  }
  const mappers = items.map((item) => mapperOfClass(item.raw));
  if (mappers.every((m) => m === undefined)) return undefined;
  // Keys of the plain columns as if selected alone: an entity's own columns must not rename
  // them (`select(User, users.c.name)` gives `User` and `name`, not `name_1`).
  const plain = items.filter((_, i) => mappers[i] === undefined).map((item) => item.raw);
  const columnKeys =
    plain.length === 0 ? [] : sqlSelect(...(plain as [never])).selectedColumns.map((c) => c.key);
  const slots: Slot[] = [];
  const keys: string[] = [];
  let width = 0;
  let next = 0;
  items.forEach((item, index) => {
    width = Math.max(width, item.start + item.count);
    const mapper = mappers[index];
    if (mapper !== undefined) {
      const positions = Array.from({ length: item.count }, (_, i) => item.start + i);
      slots.push({ entity: true, mapper, positions });
      keys.push(mapper.name);
    } else {
      for (let i = 0; i < item.count; i++) {
        slots.push({ entity: false, position: item.start + i });
        keys.push(columnKeys[next++]!);
      }
    }
  });
  return { slots, keys: dedupe(keys), width };
}

function dedupe(keys: readonly string[]): string[] {
  const seen = new Set<string>();
  return keys.map((key) => {
    let out = key;
    for (let n = 1; seen.has(out); n++) out = `${key}_${n}`;
    seen.add(out);
    return out;
  });
}

/** Flushes before a query when autoflush is on, marking errors as autoflush errors. */
export async function autoflush(session: Session): Promise<void> {
  if (!session.autoflush || session._flushing || !hasChanges(session)) return;
  try {
    await flushSession(session);
  } catch (err) {
    if (err instanceof DBAPIError) throw asAutoflushError(err);
    throw err;
  }
}

function asAutoflushError(err: DBAPIError): DBAPIError {
  const Cls = err.constructor as DBAPIErrorClass;
  return new Cls({
    statement: err.statement,
    params: err.params,
    orig: err.orig,
    connectionInvalidated: err.connectionInvalidated,
    hideParameters: err.hideParameters,
    isMany: err.isMany,
    detail: [
      'raised as a result of Query-invoked autoflush; consider using a session.noAutoflush() block if this flush is occurring prematurely',
    ],
  });
}

function isStatementObject(stmt: unknown): boolean {
  const kind = (stmt as { node?: { kind?: unknown } }).node?.kind;
  return typeof kind === 'string' && DML_KINDS.has(kind);
}

/** `session.execute()`. */
export async function executeStatement(
  session: Session,
  stmt: Executable,
  params: Record<string, unknown> | readonly Record<string, unknown>[] | undefined,
  options: OrmExecuteOptions,
): Promise<Result<any>> {
  checkExecutable(stmt);
  const plan = ormPlan(stmt);
  if (isStatementObject(stmt)) await autoflush(session);
  if (plan === undefined) return withConnection(session, (conn) => conn.execute(stmt, params));
  const result = await withConnection(session, (conn) =>
    conn.run(stmt, params as Record<string, unknown> | undefined),
  );
  const populate = populateExisting(stmt, options);
  const rows = result.rows;
  const only = plan.slots.length === 1 ? plan.slots[0]! : undefined;
  if (only?.entity === true) {
    // One entity: the result holds the objects bare, so `scalars().all()` gets them as they are.
    const loader = new EntityLoader(session, only.mapper, only.positions, plan.width, populate);
    const objects = loadObjects(loader, rows) as unknown[][];
    return new Result(
      { columns: plan.keys, rows: objects, rowCount: rows.length, returnsRows: true },
      undefined,
      undefined,
      undefined,
      true,
    );
  }
  return new Result({
    columns: plan.keys,
    rows: loadRows(session, plan, rows, populate),
    rowCount: rows.length,
    returnsRows: true,
  });
}

/** The objects of rows holding one entity each. */
function loadObjects(loader: EntityLoader, rows: readonly unknown[][]): unknown[] {
  const out = new Array<unknown>(rows.length);
  for (let r = 0; r < rows.length; r++) out[r] = loader.load(rows[r]!);
  return out;
}

/** True when `populateExisting` is asked for by the options or the statement. */
export function populateExisting(stmt: unknown, options: OrmExecuteOptions): boolean {
  if (options.populateExisting !== undefined) return options.populateExisting;
  const fromStmt = (stmt as { options?: Record<string, unknown> }).options?.populateExisting;
  return fromStmt === true;
}

/** Loaders for the entity slots of a plan (`streaming`: see `EntityLoader.releaseChunk`). */
export function loadersFor(
  session: Session,
  plan: OrmPlan,
  populate: boolean,
  streaming = false,
): (EntityLoader | undefined)[] {
  return plan.slots.map((slot) =>
    slot.entity
      ? new EntityLoader(session, slot.mapper, slot.positions, plan.width, populate, streaming)
      : undefined,
  );
}

/** Turns driver rows into result tuples (objects for entities). */
export function loadRows(
  session: Session,
  plan: OrmPlan,
  rows: readonly unknown[][],
  populate: boolean,
  loaders = loadersFor(session, plan, populate),
): unknown[][] {
  const out = new Array<unknown[]>(rows.length);
  const slots = plan.slots;
  if (slots.length === 1) {
    const loader = loaders[0]!;
    for (let r = 0; r < rows.length; r++) out[r] = [loader.load(rows[r]!)];
    return out;
  }
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const tuple = new Array<unknown>(slots.length);
    for (let s = 0; s < slots.length; s++) {
      const slot = slots[s]!;
      tuple[s] = slot.entity ? loaders[s]!.load(row) : row[slot.position];
    }
    out[r] = tuple;
  }
  return out;
}

/**
 * Streams a SELECT in chunks of `yieldPer` rows, each chunk an array of result tuples
 * (objects for entities), or with `firstColumn` an array of each row's first item. Objects of
 * a chunk are in the identity map while the caller reads that chunk and released from it when
 * the next one loads (unless they have unflushed changes), so memory stays bounded by the
 * chunk size plus what the caller keeps.
 */
export function streamChunks(
  session: Session,
  stmt: Executable,
  params: Record<string, unknown> | undefined,
  yieldPer: number,
  options: OrmExecuteOptions,
): AsyncGenerator<unknown[][], void, undefined>;
export function streamChunks(
  session: Session,
  stmt: Executable,
  params: Record<string, unknown> | undefined,
  yieldPer: number,
  options: OrmExecuteOptions,
  firstColumn: true,
): AsyncGenerator<unknown[], void, undefined>;
export async function* streamChunks(
  session: Session,
  stmt: Executable,
  params: Record<string, unknown> | undefined,
  yieldPer: number,
  options: OrmExecuteOptions,
  firstColumn = false,
): AsyncGenerator<unknown[], void, undefined> {
  checkExecutable(stmt);
  if (!Number.isInteger(yieldPer) || yieldPer < 1) {
    throw new ArgumentError(`yieldPer must be a whole number >= 1, got ${String(yieldPer)}`);
  }
  const plan = ormPlan(stmt);
  session._enter('stream()');
  let chunks: AsyncIterator<unknown[][]>;
  try {
    if (isStatementObject(stmt)) await autoflush(session);
    const conn = activeConnection(session) ?? (await connectionFor(session));
    chunks = conn.stream(stmt, params, yieldPer)[Symbol.asyncIterator]();
  } finally {
    session._exit();
  }
  const loaders =
    plan === undefined
      ? undefined
      : loadersFor(session, plan, populateExisting(stmt, options), true);
  try {
    for (let chunk = 0; ; chunk++) {
      if (loaders !== undefined && chunk > 0) {
        let weak = false;
        for (const loader of loaders) {
          if (loader === undefined) continue;
          loader.releaseChunk();
          if (loader.weak) weak = true;
        }
        // A class with a big identity map holds objects by WeakRef, and V8 keeps every
        // WeakRef target alive until the current macrotask ends; a synchronous driver
        // (SQLite) would run the whole stream in one, so yield one per chunk.
        if (weak) await new Promise<void>((resolve) => setImmediate(resolve));
      }
      session._enter('stream()');
      let next: IteratorResult<unknown[][]>;
      try {
        next = await chunks.next();
      } finally {
        session._exit();
      }
      if (next.done === true) return;
      const rows = next.value;
      if (!firstColumn) {
        yield plan === undefined ? rows : loadRows(session, plan, rows, false, loaders);
      } else if (plan !== undefined && plan.slots.length === 1 && loaders![0] !== undefined) {
        yield loadObjects(loaders![0], rows);
      } else {
        yield firstItems(plan === undefined ? rows : loadRows(session, plan, rows, false, loaders));
      }
    }
  } finally {
    if (loaders !== undefined) for (const loader of loaders) loader?.releaseChunk();
    await chunks.return?.();
  }
}

function firstItems(rows: readonly unknown[][]): unknown[] {
  const out = new Array<unknown>(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = rows[i]![0];
  return out;
}

/**
 * The items of a stream of chunks, one at a time, as an async generator over them would give
 * them (requests queue; `return()` and `throw()` close the chunk stream), but served from the
 * chunk in hand with one settled promise per item: a generator's `yield` costs several
 * promise jobs per item, which dominated streaming a million rows.
 *
 * @example
 * ```ts
 * for await (const user of new ChunkItems<User>(streamChunks(session, select(User), undefined, 500, {}, true))) {}
 * ```
 */
export class ChunkItems<T> implements AsyncGenerator<T, void, undefined> {
  #chunk: readonly unknown[] = [];
  #pos = 0;
  #done = false;
  /** A chunk fetch in flight: requests made meanwhile wait for it, in order. */
  #pending: Promise<unknown> | null = null;

  constructor(private readonly chunks: AsyncGenerator<readonly unknown[], void, undefined>) {}

  next(): Promise<IteratorResult<T, void>> {
    const pending = this.#pending;
    if (pending !== null) {
      const retry = (): Promise<IteratorResult<T, void>> => this.next();
      return pending.then(retry, retry);
    }
    const chunk = this.#chunk;
    if (this.#pos < chunk.length) {
      return Promise.resolve({ value: chunk[this.#pos++] as T, done: false });
    }
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    const fetching = this.#advance();
    this.#pending = fetching;
    const clear = (): void => {
      if (this.#pending === fetching) this.#pending = null;
    };
    fetching.then(clear, clear);
    return fetching;
  }

  async #advance(): Promise<IteratorResult<T, void>> {
    for (;;) {
      let next: IteratorResult<readonly unknown[], void>;
      try {
        next = await this.chunks.next();
      } catch (err) {
        this.#finish();
        throw err;
      }
      if (next.done === true) {
        this.#finish();
        return { value: undefined, done: true };
      }
      const chunk = next.value;
      if (chunk.length === 0) continue;
      this.#chunk = chunk;
      this.#pos = 1;
      return { value: chunk[0] as T, done: false };
    }
  }

  #finish(): void {
    this.#done = true;
    this.#chunk = [];
    this.#pos = 0;
  }

  /** Stops early: closes the chunk stream (its cleanup runs), as a generator's return does. */
  async return(value?: void | PromiseLike<void>): Promise<IteratorResult<T, void>> {
    await this.#settled();
    this.#finish();
    await this.chunks.return(undefined);
    return { value: await value, done: true };
  }

  /** Closes the chunk stream, then rejects with `err`, as a generator without a catch does. */
  async throw(err: unknown): Promise<IteratorResult<T, void>> {
    await this.#settled();
    this.#finish();
    await this.chunks.return(undefined);
    throw err;
  }

  async #settled(): Promise<void> {
    const pending = this.#pending;
    if (pending !== null) await pending.catch(() => undefined);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return(undefined);
  }
}
