/**
 * The Session: SQLAlchemy's unit of work on Node's async I/O. `SessionCore` holds the state,
 * the flush and the transaction lifecycle; this class adds the queries: `execute`, `scalars`,
 * `scalar`, streaming, `get`, `refresh`, `merge` and the legacy `query()`.
 */
import { NoResultFound } from '../../errors.js';
import type { Result, ScalarResult } from '../../engine/result.js';
import type { Executable } from '../../sql/executable.js';
import type { RowOf } from '../../sql/statements/statement.js';
import type { MappedClass } from '../mapping/model.js';
import {
  ChunkItems,
  executeStatement,
  streamChunks,
  type OrmExecuteOptions,
} from '../query/execute.js';
import {
  loadByIdentity,
  mergeObject,
  refreshObject,
  type GetOptions,
  type MergeOptions,
} from '../query/identity-ops.js';
import { Query, type QueryEntity, type QueryResultOf } from '../query/query.js';
import { identityFromArgument } from '../mapping/mapper.js';
import { requireMapper } from '../mapping/registry.js';
import { VALUES, stateOf, stateOfMapped } from '../state/instance-state.js';
import { EXPIRED } from '../state/sentinels.js';
import { SessionCore } from './session-core.js';
import * as tx from './transactions.js';

type Params = Record<string, unknown>;

/** The tuple type of a statement (one value per selected item; objects for mapped classes). */
export type TupleOf<S> = S extends { readonly '~tuple'?: infer T }
  ? T extends readonly unknown[]
    ? T
    : unknown[]
  : unknown[];

/** The row type of `session.execute(stmt)`: named columns and positional items. */
export type ExecuteRow<S> = S extends { readonly '~tuple'?: infer T }
  ? T extends readonly unknown[]
    ? RowOf<S> & T
    : RowOf<S>
  : RowOf<S>;

/** The first selected item's type (what `scalars()` yields). */
export type FirstOf<S> = TupleOf<S> extends readonly [infer F, ...unknown[]] ? F : unknown;

/**
 * Ends a `get()` whose answer is a promise. Not a closure in `get()`: one there would make
 * every lookup allocate a context, the synchronous ones included.
 */
function exitWhenSettled(session: Session, found: Promise<object | null>): Promise<object | null> {
  return found.then(
    (obj) => {
      session._exit();
      return obj;
    },
    (err: unknown) => {
      session._exit();
      throw err;
    },
  );
}

/** The ORM session. Create one with a `sessionmaker()` factory. */ /**
 * The ORM session. Make sessions with a `sessionmaker()` factory (or `new Session(options)`).
 *
 * @example
 * ```ts
 * const session = Session();
 * session.add(new User({ name: 'Ann' }));
 * await session.commit();
 * ```
 */
export class Session extends SessionCore {
  // --- queries ---

  /**
   * Executes a statement in the session's transaction. A SELECT of mapped classes returns
   * objects (through the identity map) in its rows; other statements run as Core.
   *
   * @example
   * ```ts
   * const rows = (await session.execute(select(User).where(User.c.age.ge(18)))).all();
   * rows[0]![0]; // a User
   * ```
   */
  async execute<S extends Executable>(
    stmt: S,
    params?: Params | readonly Params[],
    options: OrmExecuteOptions = {},
  ): Promise<Result<ExecuteRow<S>>> {
    this._enter('execute()');
    try {
      return await executeStatement(this, stmt, params, options);
    } finally {
      this._exit();
    }
  }

  /**
   * Executes and returns the first column of each row (the objects, for `select(User)`).
   *
   * @example
   * ```ts
   * const adults = (await session.scalars(select(User).where(User.c.age.ge(18)))).all();
   * ```
   */
  async scalars<S extends Executable>(
    stmt: S,
    params?: Params,
    options: OrmExecuteOptions = {},
  ): Promise<ScalarResult<FirstOf<S>>> {
    return (await this.execute(stmt, params, options)).scalars<FirstOf<S>>();
  }

  /** Executes and returns the first column of the first row, or null. */
  async scalar<S extends Executable>(
    stmt: S,
    params?: Params,
    options: OrmExecuteOptions = {},
  ): Promise<FirstOf<S> | null> {
    return (await this.execute(stmt, params, options)).scalar() as FirstOf<S> | null;
  }

  /**
   * Streams the rows of a statement in chunks of `yieldPer` (server-side cursor where the
   * driver has one). A chunk's objects are in the identity map while it is read and leave it
   * when the next chunk loads (unless changed), so a stream over millions of rows keeps memory
   * bounded as long as the caller drops them.
   *
   * @example
   * ```ts
   * for await (const [user] of session.stream(select(User), undefined, { yieldPer: 500 })) { … }
   * ```
   */
  stream<S extends Executable>(
    stmt: S,
    params?: Params,
    options: OrmExecuteOptions & { yieldPer?: number } = {},
  ): AsyncGenerator<TupleOf<S>, void, undefined> {
    return new ChunkItems<TupleOf<S>>(
      streamChunks(this, stmt, params, options.yieldPer ?? 1000, options),
    );
  }

  /** Like {@link Session.stream}, yielding the first column (the objects of `select(User)`). */
  streamScalars<S extends Executable>(
    stmt: S,
    params?: Params,
    options: OrmExecuteOptions & { yieldPer?: number } = {},
  ): AsyncGenerator<FirstOf<S>, void, undefined> {
    return new ChunkItems<FirstOf<S>>(
      streamChunks(this, stmt, params, options.yieldPer ?? 1000, options, true),
    );
  }

  /**
   * The instance with primary key `ident` (a value, an array for composite keys, or an
   * object by attribute name): from the identity map when it is there and loaded, else one
   * SELECT. Null when no such row exists.
   *
   * @example
   * ```ts
   * const user = await session.get(User, 5);
   * ```
   */
  get<C extends MappedClass>(
    cls: C,
    ident: unknown,
    options?: GetOptions,
  ): Promise<InstanceType<C> | null> {
    // Not an async function: a lookup the identity map or a synchronous driver answers costs
    // one resolved promise, not one per layer between here and the driver.
    let found: object | null | Promise<object | null>;
    try {
      const mapper = requireMapper(cls);
      // A number or string for a one-column key: no identity array until the database is asked.
      const simple =
        mapper.pk.length === 1 && (typeof ident === 'number' || typeof ident === 'string');
      const values = simple ? undefined : identityFromArgument(mapper, ident);
      const key = values === undefined ? (ident as number | string) : mapper.keyOfIdentity(values);
      const obj = this.identityMap.object(mapper, key);
      const populate = options?.populateExisting === true;
      if (obj !== undefined && !populate && !obj[VALUES].includes(EXPIRED)) {
        return Promise.resolve(obj as InstanceType<C>);
      }
      this._enter('get()');
      try {
        tx.checkUsable(this);
        const state = obj === undefined ? undefined : stateOfMapped(obj);
        found = loadByIdentity(this, mapper, values ?? [ident], state, populate);
      } catch (err) {
        this._exit();
        throw err;
      }
    } catch (err) {
      return Promise.reject(err);
    }
    if (!(found instanceof Promise)) {
      this._exit();
      return Promise.resolve(found as InstanceType<C> | null);
    }
    return exitWhenSettled(this, found) as Promise<InstanceType<C> | null>;
  }

  /** Like `get()`, but raises NoResultFound when the row does not exist. */
  async getOne<C extends MappedClass>(
    cls: C,
    ident: unknown,
    options?: GetOptions,
  ): Promise<InstanceType<C>> {
    const obj = await this.get(cls, ident, options);
    if (obj === null) throw new NoResultFound('No row was found when one was required');
    return obj;
  }

  /**
   * Reloads an instance's attributes (all, or the named ones) from the database now,
   * discarding unflushed changes to them.
   */
  async refresh(obj: object, attributeNames?: readonly string[]): Promise<void> {
    this._enter('refresh()');
    try {
      await refreshObject(this, obj, attributeNames);
    } finally {
      this._exit();
    }
  }

  /**
   * Copies the state of `obj` onto this session's instance for the same row (loading it, or
   * making a new pending one) and returns that instance; `obj` itself is not attached.
   *
   * @example
   * ```ts
   * const attached = await session.merge(detachedUser);
   * ```
   */
  async merge<T extends object>(obj: T, options: MergeOptions = {}): Promise<T> {
    this._enter('merge()');
    try {
      return (await mergeObject(this, obj, options)) as T;
    } finally {
      this._exit();
    }
  }

  /**
   * A legacy `Query` (SQLAlchemy 1.x style) over mapped classes and/or columns.
   *
   * @example
   * ```ts
   * const adults = await session.query(User).filter(User.c.age.ge(18)).orderBy(User.c.name).all();
   * ```
   */
  query<const E extends readonly QueryEntity[]>(...entities: E): Query<QueryResultOf<E>> {
    return new Query<QueryResultOf<E>>(this, entities);
  }
}

/**
 * The session an instance belongs to (SQLAlchemy's `object_session`).
 *
 * @example
 * ```ts
 * objectSession(user) === session; // while attached
 * ```
 */
export function objectSession(obj: object): Session | undefined {
  return stateOf(obj)?.session as Session | undefined;
}
