/**
 * Flush planning, the pure half of the unit of work: from the session's new, dirty and deleted
 * instances, compute the change sets (which columns each INSERT carries, which columns each
 * UPDATE sets), order them by foreign keys, and group rows of the same shape into batches.
 * Nothing here does I/O; the persister executes the steps.
 *
 * Order (SQLAlchemy's): mappers sorted parents-first; for each mapper its UPDATEs, then its
 * INSERTs; then DELETEs mapper by mapper in reverse order. INSERT batches are runs of
 * consecutive pending rows (in `add()` order) that set the same columns; UPDATE batches are rows
 * that change the same columns (ordered by primary key); DELETEs are one batch per mapper.
 */
import type { Mapper } from '../mapping/mapper.js';
import type { InstanceState } from '../state/instance-state.js';
import { commitOrder, orderSelfReferencing } from './commit-order.js';

/** Insert rows that set the same columns. */
export interface InsertStep {
  readonly kind: 'insert';
  readonly mapper: Mapper;
  readonly states: readonly InstanceState[];
  /** Attribute indexes given in the VALUES list. */
  readonly columns: readonly number[];
  /** Attribute indexes the database generates (primary key, server defaults) to read back. */
  readonly generated: readonly number[];
}

/** Update rows that change the same columns. */
export interface UpdateStep {
  readonly kind: 'update';
  readonly mapper: Mapper;
  readonly states: readonly InstanceState[];
  /** Attribute indexes in the SET list (the version column included when versioned). */
  readonly columns: readonly number[];
}

/** Delete rows of one mapper. */
export interface DeleteStep {
  readonly kind: 'delete';
  readonly mapper: Mapper;
  readonly states: readonly InstanceState[];
}

export type FlushStep = InsertStep | UpdateStep | DeleteStep;

interface MapperWork {
  inserts: readonly InstanceState[];
  updates: InstanceState[];
  deletes: InstanceState[];
}

/**
 * Computes the ordered, batched steps of a flush. Applies client-side column defaults and
 * version counters to the instances (their values after the flush include them).
 *
 * @example
 * ```ts
 * const steps = planFlush(session.newStates, session.dirtyStates, session.deletedStates);
 * ```
 */
export function planFlush(
  newStates: readonly InstanceState[],
  dirtyStates: readonly InstanceState[],
  deletedStates: readonly InstanceState[],
): FlushStep[] {
  // One changed object and nothing else (a request's read-modify-write): the general path's
  // maps, sort and grouping would yield this one step.
  if (newStates.length === 0 && deletedStates.length === 0 && dirtyStates.length === 1) {
    const s = dirtyStates[0]!;
    const columns = updateColumns(s.mapper, s);
    return columns === undefined
      ? []
      : [{ kind: 'update', mapper: s.mapper, states: [s], columns }];
  }
  const work = new Map<Mapper, MapperWork>();
  const deleting = new Set<InstanceState>();
  for (const s of deletedStates) {
    deleting.add(s);
    workOf(work, s.mapper).deletes.push(s);
  }
  groupInserts(newStates, work);
  for (const s of dirtyStates) if (!deleting.has(s)) workOf(work, s.mapper).updates.push(s);

  const order = commitOrder([...work.keys()]);
  const steps: FlushStep[] = [];
  for (const mapper of order) {
    const w = work.get(mapper)!;
    if (w.updates.length > 0) steps.push(...updateSteps(mapper, w.updates));
    if (w.inserts.length > 0) {
      steps.push(...insertSteps(mapper, orderSelfReferencing(mapper, w.inserts, false)));
    }
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const mapper = order[i]!;
    const deletes = work.get(mapper)!.deletes;
    if (deletes.length > 0) {
      const sorted = sortByKey(deletes);
      steps.push({ kind: 'delete', mapper, states: orderSelfReferencing(mapper, sorted, true) });
    }
  }
  return steps;
}

/** The work of one mapper in a flush, created on first use. */
function workOf(work: Map<Mapper, MapperWork>, mapper: Mapper): MapperWork {
  let w = work.get(mapper);
  if (w === undefined) work.set(mapper, (w = { inserts: [], updates: [], deletes: [] }));
  return w;
}

// The planner's helpers are module functions, not closures made per flush: a bulk flush runs
// their loops long enough to be optimized, and a new closure per flush (or a call first reached
// after the loop) would throw that code away on every flush.

/**
 * Files the new states under their mappers, in add order. A bulk add of one class (the
 * common case) keeps the array it was given instead of copying it state by state.
 */
function groupInserts(states: readonly InstanceState[], work: Map<Mapper, MapperWork>): void {
  if (states.length === 0) return;
  const first = states[0]!.mapper;
  let single = true;
  for (let i = 1; i < states.length && single; i++) single = states[i]!.mapper === first;
  if (single) {
    workOf(work, first).inserts = states;
    return;
  }
  // Several classes: runs of one class look their mapper up once per run.
  let lastMapper: Mapper | undefined;
  let lastInserts: InstanceState[] = [];
  for (let i = 0; i < states.length; i++) {
    const s = states[i]!;
    if (s.mapper !== lastMapper) {
      lastMapper = s.mapper;
      const w = workOf(work, lastMapper);
      lastInserts = w.inserts as InstanceState[];
    }
    lastInserts.push(s);
  }
}

function insertSteps(mapper: Mapper, states: readonly InstanceState[]): InsertStep[] {
  const cols = mapper.columns;
  const n = cols.length;
  const version = mapper.versionIndex;
  const steps: InsertStep[] = [];
  let start = 0;
  // Only the columns with a client-side default (or the version counter) are visited per row.
  const filled: number[] = [];
  for (let i = 0; i < n; i++) if (cols[i]!.default !== undefined || i === version) filled.push(i);
  for (let k = 0; k < states.length; k++) {
    const values = states[k]!.values;
    for (let f = 0; f < filled.length; f++) {
      const i = filled[f]!;
      if (values[i] === undefined) {
        const def = cols[i]!.default;
        values[i] = def !== undefined ? def() : 1;
      }
    }
    if (k > start && !sameColumnsSet(states[start]!.values, values, n)) {
      steps.push(insertStep(mapper, states, start, k));
      start = k;
    }
  }
  if (states.length > start) steps.push(insertStep(mapper, states, start, states.length));
  return steps;
}

/** The INSERT of states[start .. end), which set the same columns. A single run keeps the array. */
function insertStep(
  mapper: Mapper,
  states: readonly InstanceState[],
  start: number,
  end: number,
): InsertStep {
  const cols = mapper.columns;
  const values = states[start]!.values;
  const columns: number[] = [];
  const generated: number[] = [];
  for (let i = 0; i < cols.length; i++) {
    if (values[i] !== undefined) columns.push(i);
    else if (cols[i]!.primaryKey || cols[i]!.hasServerDefault) generated.push(i);
  }
  const run = start === 0 && end === states.length ? states : states.slice(start, end);
  return { kind: 'insert', mapper, states: run, columns, generated };
}

/** True when the two value arrays set the same columns (a run of one INSERT shape). */
function sameColumnsSet(a: readonly unknown[], b: readonly unknown[], n: number): boolean {
  for (let i = 0; i < n; i++) if ((a[i] === undefined) !== (b[i] === undefined)) return false;
  return true;
}

function updateSteps(mapper: Mapper, states: readonly InstanceState[]): UpdateStep[] {
  const groups = new Map<string, { columns: number[]; states: InstanceState[] }>();
  for (const s of sortByKey(states)) {
    const changed = updateColumns(mapper, s);
    if (changed === undefined) continue;
    const key = changed.join(',');
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { columns: changed, states: [s] });
    else group.states.push(s);
  }
  return [...groups.values()].map((g) => ({
    kind: 'update' as const,
    mapper,
    states: g.states,
    columns: g.columns,
  }));
}

/**
 * The SET columns of one changed state, in index order, after applying its version counter
 * and `onUpdate` defaults; undefined when nothing changed.
 */
function updateColumns(mapper: Mapper, s: InstanceState): number[] | undefined {
  const changed = s.changedIndexes();
  if (changed.length === 0) return undefined;
  const version = mapper.versionIndex;
  let added = false;
  if (version >= 0 && !changed.includes(version)) {
    s.setValue(version, nextVersion(s.committedValue(version)));
    changed.push(version);
    added = true;
  }
  for (const i of mapper.onUpdateIndexes) {
    if (changed.includes(i)) continue;
    s.setValue(i, mapper.columns[i]!.onUpdate!());
    changed.push(i);
    added = true;
  }
  if (added) changed.sort((a, b) => a - b);
  return changed;
}

function nextVersion(old: unknown): unknown {
  if (typeof old === 'bigint') return old + 1n;
  return (typeof old === 'number' ? old : 0) + 1;
}

function sortByKey(states: readonly InstanceState[]): InstanceState[] {
  return [...states].sort((a, b) => {
    const ka = a.key!;
    const kb = b.key!;
    if (typeof ka === typeof kb) return ka < kb ? -1 : ka > kb ? 1 : 0;
    return String(ka) < String(kb) ? -1 : 1;
  });
}
