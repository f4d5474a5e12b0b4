/**
 * The legacy `Query` (SQLAlchemy 1.x's `session.query(User)`), kept for code written in that
 * style. It is a thin generative wrapper over a `select()` that runs through the session:
 * a query of one mapped class returns objects (de-duplicated, as the legacy Query does),
 * anything else returns rows.
 */
import {
  ArgumentError,
  InvalidRequestError,
  MultipleResultsFound,
  NoResultFound,
} from '../../errors.js';
import type { Row } from '../../engine/row.js';
import type { ColumnExpression } from '../../sql/expressions/expression.js';
import { func } from '../../sql/expressions/functions.js';
import type { AnyTable, Table } from '../../sql/schema/table.js';
import type { RowOfColumns } from '../../sql/statements/row-types.js';
import { select, type Select } from '../../sql/statements/select.js';
import type { Condition } from '../../sql/statements/clauses.js';
import type { Mapper } from '../mapping/mapper.js';
import { mapperOfClass } from '../mapping/registry.js';
import type { Session } from '../session/session.js';
import { bulkDelete, bulkUpdate, type BulkOptions } from './bulk.js';
import { streamChunks } from './execute.js';

/** What `session.query(...)` takes: mapped classes, columns or expressions, tables. */
export type QueryEntity =
  (abstract new (...args: any) => any) | ColumnExpression<any, any> | AnyTable;

/** What one query entity yields. */
export type QueryValue<E> = E extends abstract new (...args: any) => infer I
  ? I
  : E extends ColumnExpression<infer V, any>
    ? V
    : E extends Table<string, infer C>
      ? RowOfColumns<C>
      : unknown;

/** What a query's results are: objects for one mapped class, else rows. */
export type QueryResultOf<E extends readonly unknown[]> = E extends readonly [infer One]
  ? One extends abstract new (...args: any) => infer I
    ? I
    : Row<{ [K in keyof E]: QueryValue<E[K]> }>
  : Row<{ -readonly [K in keyof E]: QueryValue<E[K]> }>;

interface QueryState {
  readonly stmt: Select<any, any>;
  readonly populateExisting: boolean;
  readonly yieldPer: number | undefined;
  readonly joined: boolean;
}

/**
 * A legacy query. Each method returns a new Query; the terminal methods (`all`, `first`,
 * `one`, `count`, …) run it.
 *
 * @example
 * ```ts
 * const ann = await session.query(User).filterBy({ name: 'Ann' }).one();
 * const n = await session.query(User).filter(User.c.age.ge(18)).count();
 * ```
 */
export class Query<T> implements AsyncIterable<T> {
  private readonly state: QueryState;
  private readonly entityMapper: Mapper | undefined;

  /** @internal Use `session.query(...)`. */
  constructor(
    private readonly session: Session,
    private readonly entities: readonly unknown[],
    state?: QueryState,
  ) {
    if (entities.length === 0)
      throw new ArgumentError('query() needs at least one mapped class or column.');
    this.state = state ?? {
      stmt: select(...(entities as [never])) as Select<any, any>,
      populateExisting: false,
      yieldPer: undefined,
      joined: false,
    };
    this.entityMapper = entities.length === 1 ? mapperOfClass(entities[0]) : undefined;
  }

  private with(patch: Partial<QueryState>): Query<T> {
    return new Query<T>(this.session, this.entities, { ...this.state, ...patch });
  }

  /** The `select()` this query runs. */
  get statement(): Select<any, any> {
    return this.state.stmt;
  }

  /** Adds WHERE criteria (ANDed). */
  filter(...criteria: readonly (Condition | undefined)[]): Query<T> {
    return this.with({ stmt: this.state.stmt.where(...criteria) });
  }

  /** Adds `attribute = value` criteria on the query's first mapped class (null: IS NULL). */
  filterBy(values: Readonly<Record<string, unknown>>): Query<T> {
    const mapper = this.primaryMapper('filterBy()');
    const table = mapper.table as AnyTable;
    const conditions = Object.keys(values).map((key) => {
      if (mapper.indexOf(key) < 0) {
        throw new InvalidRequestError(
          `Entity namespace for "${mapper.tableName}" has no property "${key}"; attributes are ${mapper.keys.join(', ')}.`,
        );
      }
      const value = values[key];
      const col = table.c[key]!;
      return value === null ? col.isNull() : col.eq(value as never);
    });
    return this.filter(...conditions);
  }

  /** ORDER BY. */
  orderBy(...items: readonly unknown[]): Query<T> {
    return this.with({ stmt: this.state.stmt.orderBy(...items) });
  }

  /** GROUP BY. */
  groupBy(...items: readonly unknown[]): Query<T> {
    return this.with({ stmt: this.state.stmt.groupBy(...items) });
  }

  /** HAVING. */
  having(...criteria: readonly (Condition | undefined)[]): Query<T> {
    return this.with({ stmt: this.state.stmt.having(...criteria) });
  }

  /** LIMIT. */
  limit(count: number | null): Query<T> {
    return this.with({ stmt: this.state.stmt.limit(count) });
  }

  /** OFFSET. */
  offset(count: number | null): Query<T> {
    return this.with({ stmt: this.state.stmt.offset(count) });
  }

  /** SELECT DISTINCT. */
  distinct(): Query<T> {
    return this.with({ stmt: this.state.stmt.distinct() });
  }

  /** JOIN a mapped class or table (ON inferred from the foreign key when omitted). */
  join(target: unknown, on?: Condition): Query<T> {
    return this.with({ stmt: this.state.stmt.join(target, on), joined: true });
  }

  /** LEFT OUTER JOIN. */
  outerJoin(target: unknown, on?: Condition): Query<T> {
    return this.with({ stmt: this.state.stmt.outerJoin(target, on), joined: true });
  }

  /** Overwrite the state of objects already in the identity map with the loaded rows. */
  populateExisting(): Query<T> {
    return this.with({ populateExisting: true });
  }

  /** Iterating the query (`for await`) streams rows in chunks of `count`. */
  yieldPer(count: number): Query<T> {
    if (!Number.isInteger(count) || count < 1) {
      throw new ArgumentError(`yieldPer must be a whole number >= 1, got ${String(count)}`);
    }
    return this.with({ yieldPer: count });
  }

  /** Every result: objects for a query of one mapped class (each once), rows otherwise. */
  async all(): Promise<T[]> {
    const result = await this.session.execute(this.state.stmt, undefined, {
      populateExisting: this.state.populateExisting,
    });
    if (this.entityMapper === undefined) return result.all() as unknown as T[];
    const objects = result.scalars().all();
    return (this.state.joined ? [...new Set(objects)] : objects) as T[];
  }

  /** The first result (with LIMIT 1), or null. */
  async first(): Promise<T | null> {
    const rows = await this.limit(1).all();
    return rows[0] ?? null;
  }

  /** Exactly one result; NoResultFound / MultipleResultsFound otherwise. */
  async one(): Promise<T> {
    const rows = await this.all();
    if (rows.length === 0) throw new NoResultFound('No row was found when one was required');
    if (rows.length > 1)
      throw new MultipleResultsFound('Multiple rows were found when exactly one was required');
    return rows[0]!;
  }

  /** One result or null; MultipleResultsFound for more. */
  async oneOrNone(): Promise<T | null> {
    const rows = await this.all();
    if (rows.length > 1)
      throw new MultipleResultsFound('Multiple rows were found when one or none was required');
    return rows[0] ?? null;
  }

  /** `SELECT count(*) FROM (<this query>) AS anon_1`. */
  async count(): Promise<number> {
    const stmt = select(func.count()).selectFrom(this.state.stmt.subquery('anon_1'));
    const n = await this.session.scalar(stmt);
    return Number(n ?? 0);
  }

  /** `session.get()` of the query's mapped class. */
  async get(ident: unknown): Promise<T | null> {
    const mapper = this.primaryMapper('get()');
    return (await this.session.get(mapper.cls as never, ident, {
      populateExisting: this.state.populateExisting,
    })) as T | null;
  }

  /**
   * Deletes the matching rows with one DELETE (not through the unit of work); returns the
   * number of rows matched.
   */
  async delete(options: BulkOptions = {}): Promise<number> {
    const mapper = this.bulkTarget('delete');
    return bulkDelete(this.session, mapper, this.state.stmt.node.where, options);
  }

  /** Updates the matching rows with one UPDATE; returns the number of rows matched. */
  async update(
    values: Readonly<Record<string, unknown>>,
    options: BulkOptions = {},
  ): Promise<number> {
    const mapper = this.bulkTarget('update');
    return bulkUpdate(this.session, mapper, this.state.stmt.node.where, values, options);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    if (this.state.yieldPer === undefined) {
      for (const item of await this.all()) yield item;
      return;
    }
    const chunks = streamChunks(this.session, this.state.stmt, undefined, this.state.yieldPer, {
      populateExisting: this.state.populateExisting,
    });
    const whole = this.entityMapper === undefined;
    for await (const chunk of chunks) {
      for (let i = 0; i < chunk.length; i++) yield (whole ? chunk[i] : chunk[i]![0]) as T;
    }
  }

  private primaryMapper(what: string): Mapper {
    for (const e of this.entities) {
      const m = mapperOfClass(e);
      if (m !== undefined) return m;
    }
    throw new InvalidRequestError(`${what} needs a query of a mapped class.`);
  }

  private bulkTarget(what: 'update' | 'delete'): Mapper {
    const node = this.state.stmt.node;
    for (const [used, name] of [
      [this.state.joined, 'join(), outerjoin(), select_from(), or from_self()'],
      [node.limit !== undefined, 'limit()'],
      [node.offset !== undefined, 'offset()'],
      [node.orderBy.length > 0, 'order_by()'],
      [node.groupBy.length > 0, 'group_by()'],
      [node.distinct, 'distinct()'],
    ] as const) {
      if (used)
        throw new InvalidRequestError(`Can't call Query.${what}() when ${name} has been called`);
    }
    return this.primaryMapper(`${what}()`);
  }
}
