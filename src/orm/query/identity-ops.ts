/**
 * Operations by identity: `get()` (identity map first, then one SELECT), `refresh()` and
 * `merge()` (SQLAlchemy §3.6).
 */
import { InvalidRequestError, StaleDataError } from '../../errors.js';
import type { Mapper } from '../mapping/mapper.js';
import { requireState } from '../mapping/registry.js';
import { InstanceState, STATE, stateOfMapped, type Stateful } from '../state/instance-state.js';
import { EXPIRED } from '../state/sentinels.js';
import { valuesEqual } from '../state/values.js';
import type { Session } from '../session/session.js';
import { attach } from '../session/state-ops.js';
import { activeConnection, ensureTransaction, withConnection } from '../session/transactions.js';
import { hasChanges } from '../session/flush.js';
import type { Executable } from '../../sql/executable.js';
import type { ConnectionLike } from '../session/bind.js';
import { layoutOf, selectByIdentity } from '../unit-of-work/statements.js';
import { autoflush } from './execute.js';

/** Options of `get()`. */
export interface GetOptions {
  /** Reload the object's row even when it is in the identity map, overwriting its state. */
  populateExisting?: boolean;
}

/**
 * `get()` after an identity-map miss: autoflush, then one SELECT by primary key. Answers
 * synchronously when nothing needs flushing and the session's connection answered at once
 * (an open transaction on a synchronous driver); otherwise a promise.
 */
export function loadByIdentity(
  session: Session,
  mapper: Mapper,
  values: readonly unknown[],
  existing: InstanceState | undefined,
  populate: boolean,
): object | null | Promise<object | null> {
  if (session.autoflush && hasChanges(session)) {
    return autoflushThenSelect(session, mapper, values, existing, populate);
  }
  return selectByIdentityNow(session, mapper, values, existing, populate);
}

// The promise paths below keep their closures in functions of their own: a closure in the
// synchronous path's functions would make every lookup allocate a context for what it
// captures, and a lookup's garbage is most of what the garbage collector has to do.

async function autoflushThenSelect(
  session: Session,
  mapper: Mapper,
  values: readonly unknown[],
  existing: InstanceState | undefined,
  populate: boolean,
): Promise<object | null> {
  await autoflush(session);
  return selectByIdentityNow(session, mapper, values, existing, populate);
}

function queryOnNewConnection(
  session: Session,
  mapper: Mapper,
  stmt: Executable,
  values: readonly unknown[],
): Promise<unknown[][]> {
  return withConnection(session, async (c) =>
    c.queryPositional(stmt, identityValues(mapper, c, stmt, values), true),
  );
}

function loadLater(
  rows: Promise<unknown[][]>,
  session: Session,
  mapper: Mapper,
  existing: InstanceState | undefined,
  populate: boolean,
): Promise<object | null> {
  return rows.then((r) => loadIdentityRow(session, mapper, r, existing, populate));
}

function selectByIdentityNow(
  session: Session,
  mapper: Mapper,
  values: readonly unknown[],
  existing: InstanceState | undefined,
  populate: boolean,
): object | null | Promise<object | null> {
  const stmt = selectByIdentity(mapper);
  const conn = activeConnection(session);
  // A primary key names at most one row: the driver may stop after it.
  const rows =
    conn !== undefined
      ? conn.queryPositional(stmt, identityValues(mapper, conn, stmt, values), true)
      : queryOnNewConnection(session, mapper, stmt, values);
  if (rows instanceof Promise) return loadLater(rows, session, mapper, existing, populate);
  return loadIdentityRow(session, mapper, rows, existing, populate);
}

function loadIdentityRow(
  session: Session,
  mapper: Mapper,
  rows: unknown[][],
  existing: InstanceState | undefined,
  populate: boolean,
): object | null {
  const row = rows[0];
  if (row === undefined) {
    if (existing !== undefined && existing.session === session && !existing.deleted) {
      // The expired object's row is gone: it becomes "deleted", undone by a rollback.
      session.identityMap.remove(existing);
      existing.deleted = true;
      session._dirty.delete(existing);
      ensureTransaction(session).deleted.add(existing);
    }
    return null;
  }
  return session._loaderFor(mapper, populate).load(row);
}

/** Placeholder → position in the identity values, per compiled select-by-identity. */
const identityOrders = new WeakMap<object, Int32Array | null>();

/**
 * The primary-key values of a select-by-identity laid out by placeholder: `values` itself
 * when the placeholders are the key columns in key order (always, for one-column keys).
 */
function identityValues(
  mapper: Mapper,
  conn: ConnectionLike,
  stmt: Executable,
  values: readonly unknown[],
): readonly unknown[] {
  const names = conn.bindNames(stmt);
  let order = identityOrders.get(names);
  if (order === undefined) {
    const layout = layoutOf(mapper, names);
    const positions = Int32Array.from(layout.sources, (source) => mapper.pk.indexOf(-1 - source));
    const inOrder = positions.length === values.length && positions.every((p, i) => p === i);
    order = inOrder ? null : positions;
    identityOrders.set(names, order);
  }
  if (order === null) return values;
  const out = new Array<unknown>(order.length);
  for (let i = 0; i < order.length; i++) out[i] = values[order[i]!];
  return out;
}

/** `refresh(obj, attributeNames?)`. */
export async function refreshObject(
  session: Session,
  obj: object,
  attributeNames: readonly string[] | undefined,
): Promise<void> {
  const state = requireState(obj);
  if (state.session !== session || state.key === undefined || state.deleted) {
    throw new InvalidRequestError(
      `Instance '${state.describe()}' is not persistent within this Session`,
    );
  }
  const mapper = state.mapper;
  const indexes = attributeNames?.map((key) => {
    const i = mapper.indexOf(key);
    if (i < 0) {
      throw new InvalidRequestError(
        `'${key}' is not a mapped attribute of ${mapper.name}; attributes are ${mapper.keys.join(', ')}.`,
      );
    }
    return i;
  });
  await autoflush(session);
  const stmt = selectByIdentity(mapper);
  const ident = state.identityValues();
  const result = await withConnection(session, (conn) =>
    conn.runPositional(stmt, identityValues(mapper, conn, stmt, ident)),
  );
  const row = result.rows[0];
  if (row === undefined) {
    throw new InvalidRequestError(`Could not refresh instance '${state.describe()}'`);
  }
  if (indexes === undefined) {
    state.load(row);
  } else {
    state.expireAttributes(indexes);
    state.loadExpired(row);
  }
  if (!state.modified) session._dirty.delete(state);
}

/** Options of `merge()`. */
export interface MergeOptions {
  /** False: no SQL; the given object must be persistent-clean (detached, unchanged). */
  load?: boolean;
}

/** `merge(obj)`: copies the state of `obj` onto the session's instance of the same row. */
export async function mergeObject(
  session: Session,
  obj: object,
  options: MergeOptions,
): Promise<object> {
  const source = requireState(obj);
  const mapper = source.mapper;
  const load = options.load ?? true;
  if (!load) {
    if (source.key === undefined) {
      throw new InvalidRequestError(
        'merge() with load=False option does not support objects transient (i.e. unpersisted) objects.  flush() all changes on mapped instances before merging with load=False.',
      );
    }
    if (source.modified) {
      throw new InvalidRequestError(
        "merge() with load=False option does not support objects marked as 'dirty'.  flush() all changes on mapped instances before merging with load=False.",
      );
    }
  }
  const pkValues = mapper.pk.map((i) => source.values[i]);
  const hasKey = pkValues.every((v) => v !== undefined && v !== null && v !== EXPIRED);
  let target: InstanceState | undefined;
  if (hasKey) {
    const key = mapper.keyOfIdentity(pkValues);
    target = session.identityMap.get(mapper, key);
    if (target !== undefined && load && target.values.includes(EXPIRED)) {
      // Expired attributes must be current to compare versions and to merge onto.
      const reloaded = await loadByIdentity(session, mapper, pkValues, target, false);
      if (reloaded === null) target = undefined;
    }
    if (target === undefined && load) {
      const loaded = await loadByIdentity(session, mapper, pkValues, undefined, false);
      if (loaded !== null) target = stateOfMapped(loaded as Stateful);
    }
    if (target === undefined && !load) {
      const fresh = newInstance(mapper, source.values.slice());
      fresh.key = key;
      attach(session, fresh);
      return fresh.obj;
    }
  }
  if (target === undefined) {
    target = newInstance(mapper, mapper.newValues());
    copyValues(source, target, false);
    attach(session, target);
    return target.obj;
  }
  checkVersion(mapper, source, target);
  if (target !== source) copyValues(source, target, load);
  return target.obj;
}

function newInstance(mapper: Mapper, values: unknown[]): InstanceState {
  const obj = Object.create(mapper.prototype) as Stateful;
  const state = new InstanceState(mapper, obj, values);
  obj[STATE] = state;
  return state;
}

function copyValues(source: InstanceState, target: InstanceState, track: boolean): void {
  const values = source.values;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === undefined || v === EXPIRED) continue;
    if (track) {
      if (target.values[i] === EXPIRED || !valuesEqual(target.values[i], v)) target.setValue(i, v);
    } else {
      target.values[i] = v;
    }
  }
}

function checkVersion(mapper: Mapper, source: InstanceState, target: InstanceState): void {
  const v = mapper.versionIndex;
  if (v < 0) return;
  const given = source.values[v];
  const existing = target.values[v];
  if (given === undefined || given === EXPIRED || existing === EXPIRED) return;
  if (!valuesEqual(given, existing)) {
    throw new StaleDataError(
      `Version id '${String(given)}' on merged state ${source.describe()} does not match existing version '${String(existing)}'. Leave the version attribute unset when merging to update the most recent version.`,
    );
  }
}
