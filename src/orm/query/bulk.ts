/**
 * Bulk UPDATE and DELETE of a legacy Query (`query.update({...})`, `query.delete()`), with
 * SQLAlchemy's `synchronizeSession` strategies for the objects already in the session:
 *
 * - `'evaluate'`: evaluate the WHERE criteria in JS against the identity map's objects;
 *   matches are marked deleted, or get the new values (evaluated when they are expressions).
 * - `'fetch'`: SELECT the matching primary keys first, then apply the same to those objects.
 * - `'auto'` (default): `'evaluate'`, falling back to `'fetch'` when the criteria cannot be
 *   evaluated in JS.
 * - `false`: leave the session's objects as they are.
 */
import { ArgumentError, InvalidRequestError } from '../../errors.js';
import { ColumnExpression } from '../../sql/expressions/expression.js';
import { isExpression } from '../../sql/expressions/coercions.js';
import type { ExprNode } from '../../sql/nodes/expression-nodes.js';
import type { AnyColumn } from '../../sql/schema/column.js';
import type { AnyTable } from '../../sql/schema/table.js';
import { select } from '../../sql/statements/select.js';
import { deleteFrom, update } from '../../sql/statements/update.js';
import type { Mapper } from '../mapping/mapper.js';
import type { InstanceState } from '../state/instance-state.js';
import { NO_VALUE } from '../state/sentinels.js';
import type { Session } from '../session/session.js';
import { ensureTransaction } from '../session/transactions.js';
import { compileEvaluator, UNKNOWN, UnevaluatableError, type Evaluator } from './evaluate.js';

/** How a bulk operation updates the session's objects. */
export type SynchronizeSession = 'auto' | 'evaluate' | 'fetch' | false;

/** Options of bulk `update()` / `delete()`. */
export interface BulkOptions {
  synchronizeSession?: SynchronizeSession;
}

interface Matcher {
  /** The in-memory objects matched (undefined outcome → expired instead). */
  readonly matched: InstanceState[];
  readonly unknown: InstanceState[];
}

function checkStrategy(value: unknown): SynchronizeSession {
  if (value === 'auto' || value === 'evaluate' || value === 'fetch' || value === false)
    return value;
  throw new ArgumentError(
    `Valid strategies for session synchronization are 'auto', 'evaluate', 'fetch', false; got ${String(value)}`,
  );
}

function evaluateMatches(session: Session, mapper: Mapper, where: ExprNode | undefined): Matcher {
  const test: Evaluator | undefined =
    where === undefined ? undefined : compileEvaluator(where, mapper);
  const matched: InstanceState[] = [];
  const unknown: InstanceState[] = [];
  for (const state of session.identityMap.bucket(mapper).states()) {
    const v = test === undefined ? true : test(state);
    if (v === UNKNOWN) unknown.push(state);
    else if (v === true || (v !== null && v !== undefined && v !== false && v !== 0))
      matched.push(state);
  }
  return { matched, unknown };
}

async function fetchMatches(
  session: Session,
  mapper: Mapper,
  where: ExprNode | undefined,
): Promise<Matcher> {
  const table = mapper.table as AnyTable;
  const pkCols = mapper.pk.map((i) => mapper.columns[i]!.column as AnyColumn);
  let stmt = select(...(pkCols as [AnyColumn])).selectFrom(table);
  if (where !== undefined) stmt = stmt.where(new ColumnExpression<boolean>(where));
  const rows = (await session.execute(stmt)).tuples().all();
  const matched: InstanceState[] = [];
  for (const row of rows) {
    const state = session.identityMap.get(mapper, mapper.keyOfIdentity(row));
    if (state !== undefined) matched.push(state);
  }
  return { matched, unknown: [] };
}

async function matches(
  session: Session,
  mapper: Mapper,
  where: ExprNode | undefined,
  strategy: SynchronizeSession,
): Promise<{ matcher: Matcher | undefined; evaluated: boolean }> {
  if (strategy === false) return { matcher: undefined, evaluated: false };
  if (strategy === 'fetch')
    return { matcher: await fetchMatches(session, mapper, where), evaluated: false };
  try {
    return { matcher: evaluateMatches(session, mapper, where), evaluated: true };
  } catch (err) {
    if (strategy === 'auto' && err instanceof UnevaluatableError) {
      return { matcher: await fetchMatches(session, mapper, where), evaluated: false };
    }
    throw err;
  }
}

/** `query.delete()`: one DELETE statement; returns the number of rows matched. */
export async function bulkDelete(
  session: Session,
  mapper: Mapper,
  where: ExprNode | undefined,
  options: BulkOptions,
): Promise<number> {
  const strategy = checkStrategy(options.synchronizeSession ?? 'auto');
  if (session.autoflush) await session.flush();
  const { matcher } = await matches(session, mapper, where, strategy);
  let stmt = deleteFrom(mapper.table as AnyTable);
  if (where !== undefined) stmt = stmt.where(new ColumnExpression<boolean>(where));
  const result = await session.execute(stmt);
  if (matcher !== undefined) {
    const t = ensureTransaction(session);
    for (const state of matcher.matched) {
      session.identityMap.remove(state);
      session._dirty.delete(state);
      session._deleted.delete(state);
      state.deleted = true;
      state.commitChanges();
      t.deleted.add(state);
    }
    for (const state of matcher.unknown) state.expireAll();
  }
  return result.rowCount;
}

/** `query.update(values)`: one UPDATE statement; returns the number of rows matched. */
export async function bulkUpdate(
  session: Session,
  mapper: Mapper,
  where: ExprNode | undefined,
  values: Readonly<Record<string, unknown>>,
  options: BulkOptions,
): Promise<number> {
  const strategy = checkStrategy(options.synchronizeSession ?? 'auto');
  const indexes = Object.keys(values).map((key) => {
    const i = mapper.indexOf(key);
    if (i < 0) {
      throw new InvalidRequestError(
        `update(): '${key}' is not a mapped attribute of ${mapper.name}; attributes are ${mapper.keys.join(', ')}.`,
      );
    }
    return i;
  });
  if (session.autoflush) await session.flush();
  const { matcher, evaluated } = await matches(session, mapper, where, strategy);
  // Values that are expressions are evaluated per object when possible, else expired.
  const setters = indexes.map((i, j) => {
    const value = values[mapper.keys[i]!];
    if (!isExpression(value)) return { index: i, evaluate: (): unknown => value };
    try {
      const ev = compileEvaluator(value.node, mapper);
      return { index: i, evaluate: ev };
    } catch (err) {
      if (err instanceof UnevaluatableError) return { index: i, evaluate: undefined, j };
      throw err;
    }
  });
  let stmt = update(mapper.table as AnyTable).values(values as never);
  if (where !== undefined) stmt = stmt.where(new ColumnExpression<boolean>(where));
  const result = await session.execute(stmt);
  if (matcher !== undefined) {
    for (const state of matcher.matched) applyValues(state, setters, evaluated);
    for (const state of matcher.unknown) state.expireAll();
  }
  return result.rowCount;
}

function applyValues(
  state: InstanceState,
  setters: readonly { index: number; evaluate: ((s: InstanceState) => unknown) | undefined }[],
  _evaluated: boolean,
): void {
  const computed = setters.map((s) => (s.evaluate === undefined ? UNKNOWN : s.evaluate(state)));
  const expire: number[] = [];
  setters.forEach((s, k) => {
    const v = computed[k];
    if (v === UNKNOWN) {
      expire.push(s.index);
      return;
    }
    state.values[s.index] = v;
    if (state.committed !== undefined) state.committed[s.index] = NO_VALUE;
  });
  if (expire.length > 0) state.expireAttributes(expire);
  if (state.committed !== undefined && state.committed.every((c) => c === NO_VALUE))
    state.commitChanges();
}
