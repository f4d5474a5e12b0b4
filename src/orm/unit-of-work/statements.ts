/**
 * The statements the unit of work executes, built with the SQL layer from named bind
 * parameters and cached per mapper and shape. A shape (which columns, how many rows) is
 * built and compiled once; later flushes of the same shape only build a parameter object, so
 * the compile cost never recurs.
 */
import { and, bindParam, caseWhen } from '../../sql/expressions/operators.js';
import type { Executable } from '../../sql/executable.js';
import type { AnyColumn } from '../../sql/schema/column.js';
import type { AnyTable } from '../../sql/schema/table.js';
import { insert } from '../../sql/statements/insert.js';
import { select } from '../../sql/statements/select.js';
import { deleteFrom, update } from '../../sql/statements/update.js';
import type { Mapper } from '../mapping/mapper.js';
import type { InstanceState } from '../state/instance-state.js';

/** Statements kept per mapper; old shapes are dropped beyond this many. */
const MAX_SHAPES = 256;

/** A cached multi-row INSERT and its bind names. */
export interface InsertEntry {
  readonly stmt: Executable;
  /** Bind names by row, then by column. */
  readonly names: readonly (readonly string[])[];
}

const caches = new WeakMap<Mapper, Map<string, unknown>>();

function cached<T>(mapper: Mapper, key: string, build: () => T): T {
  let cache = caches.get(mapper);
  if (cache === undefined) caches.set(mapper, (cache = new Map()));
  const hit = cache.get(key);
  if (hit !== undefined) return hit as T;
  const made = build();
  if (cache.size >= MAX_SHAPES) cache.delete(cache.keys().next().value as string);
  cache.set(key, made);
  return made;
}

/** The internalized copy of a string: property writes with it skip a string-table lookup. */
function intern(name: string): string {
  return Object.keys({ [name]: 0 })[0]!;
}

function columnOf(mapper: Mapper, index: number): AnyColumn {
  return mapper.columns[index]!.column as AnyColumn;
}

function tableOf(mapper: Mapper): AnyTable {
  return mapper.table as AnyTable;
}

/** The multi-row INSERT of `rows` rows setting `columns`, returning `returning`. */
export function insertStatement(
  mapper: Mapper,
  columns: readonly number[],
  rows: number,
  returning: readonly number[],
): InsertEntry {
  const key = `i:${columns.join(',')}:${rows}:${returning.join(',')}`;
  return cached(mapper, key, () => {
    const names: string[][] = [];
    const values: Record<string, unknown>[] = [];
    for (let r = 0; r < rows; r++) {
      const rowNames: string[] = [];
      const row: Record<string, unknown> = {};
      for (const c of columns) {
        const name = intern(`r${r}_${c}`);
        rowNames.push(name);
        row[mapper.keys[c]!] = bindParam(name);
      }
      names.push(rowNames);
      values.push(row);
    }
    let stmt = insert(tableOf(mapper)).values(values as never) as unknown as {
      returning(...cols: unknown[]): unknown;
    } & Executable;
    if (returning.length > 0) {
      stmt = stmt.returning(...returning.map((i) => columnOf(mapper, i))) as typeof stmt;
    }
    return { stmt, names };
  });
}

/** The parameters of an INSERT of `states` (built by {@link insertStatement}'s shape). */
export function insertParams(
  entry: InsertEntry,
  states: readonly InstanceState[],
  columns: readonly number[],
): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (let r = 0; r < states.length; r++) {
    const values = states[r]!.values;
    const names = entry.names[r]!;
    for (let j = 0; j < columns.length; j++) params[names[j]!] = values[columns[j]!];
  }
  return params;
}

function pkCondition(mapper: Mapper, versioned: boolean): unknown {
  const conditions = mapper.pk.map((i) => columnOf(mapper, i).eq(bindParam(`w${i}`)));
  if (versioned) conditions.push(columnOf(mapper, mapper.versionIndex).eq(bindParam('wv')));
  return conditions.length === 1 ? conditions[0] : and(...(conditions as never[]));
}

/** `UPDATE t SET <columns> WHERE <pk> [AND <version>]`, with named binds. */
export function updateStatement(
  mapper: Mapper,
  columns: readonly number[],
  versioned: boolean,
): Executable {
  return cached(mapper, `u:${columns.join(',')}:${versioned}`, () => {
    const values: Record<string, unknown> = {};
    for (const c of columns) values[mapper.keys[c]!] = bindParam(`s${c}`);
    return update(tableOf(mapper))
      .values(values as never)
      .where(pkCondition(mapper, versioned) as never);
  });
}

/**
 * One UPDATE for `rows` rows of a single-column key that change the same `columns`:
 * `SET c = CASE WHEN pk = :k0 THEN :c0_0 … ELSE c END … WHERE pk IN (:k0, …)`. One round trip
 * instead of one per row; the `ELSE c` branch also gives PostgreSQL the type of the
 * parameters. Binds: `k<r>` keys, `v<r>_<c>` values.
 */
export function updateManyStatement(
  mapper: Mapper,
  columns: readonly number[],
  rows: number,
): Executable {
  return cached(mapper, `um:${columns.join(',')}:${rows}`, () => {
    const pkCol = columnOf(mapper, mapper.pk[0]!);
    const keys = Array.from({ length: rows }, (_, r) => intern(`k${r}`));
    const values: Record<string, unknown> = {};
    for (const c of columns) {
      const col = columnOf(mapper, c);
      const whens = keys.map(
        (k, r) =>
          [pkCol.eq(bindParam(k)), bindParam(intern(`v${r}_${c}`), { type: col.type })] as const,
      );
      values[mapper.keys[c]!] = caseWhen(whens as never, { else: col as never });
    }
    return update(tableOf(mapper))
      .values(values as never)
      .where(pkCol.in(keys.map((k) => bindParam(k)) as never));
  });
}

/** The parameters of an {@link updateManyStatement}. */
export function updateManyParams(
  states: readonly InstanceState[],
  columns: readonly number[],
): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (let r = 0; r < states.length; r++) {
    const s = states[r]!;
    params[`k${r}`] = s.committedValue(s.mapper.pk[0]!);
    for (const c of columns) params[`v${r}_${c}`] = s.values[c];
  }
  return params;
}

/** The parameters of one row's UPDATE. */
export function updateParams(
  state: InstanceState,
  columns: readonly number[],
  versioned: boolean,
): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  const values = state.values;
  for (const c of columns) params[`s${c}`] = values[c];
  for (const i of state.mapper.pk) params[`w${i}`] = state.committedValue(i);
  if (versioned) params.wv = state.committedValue(state.mapper.versionIndex);
  return params;
}

/** `DELETE FROM t WHERE pk IN (…)` for `count` rows (single-column keys). */
export function deleteInStatement(mapper: Mapper, count: number): Executable {
  return cached(mapper, `di:${count}`, () => {
    const binds = Array.from({ length: count }, (_, k) => bindParam(`k${k}`));
    return deleteFrom(tableOf(mapper)).where(columnOf(mapper, mapper.pk[0]!).in(binds as never));
  });
}

/** The parameters of a {@link deleteInStatement}. */
export function deleteInParams(states: readonly InstanceState[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (let k = 0; k < states.length; k++) {
    const s = states[k]!;
    params[`k${k}`] = s.committedValue(s.mapper.pk[0]!);
  }
  return params;
}

/** `DELETE FROM t WHERE <pk> [AND <version>]` for one row (executemany). */
export function deleteStatement(mapper: Mapper, versioned: boolean): Executable {
  return cached(mapper, `d:${versioned}`, () =>
    deleteFrom(tableOf(mapper)).where(pkCondition(mapper, versioned) as never),
  );
}

/** The parameters of one row's DELETE. */
export function deleteParams(state: InstanceState, versioned: boolean): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const i of state.mapper.pk) params[`w${i}`] = state.committedValue(i);
  if (versioned) params.wv = state.committedValue(state.mapper.versionIndex);
  return params;
}

/** `SELECT <all columns> FROM t WHERE <pk>` with binds `w<i>`, for `get()` and `refresh()`. */
export function selectByIdentity(mapper: Mapper): Executable {
  return cached(mapper, 'sid', () =>
    select(tableOf(mapper)).where(pkCondition(mapper, false) as never),
  );
}

/** The parameters of {@link selectByIdentity} for primary-key values `ident`. */
export function identityParams(mapper: Mapper, ident: readonly unknown[]): Record<string, unknown> {
  const names = bindNames(mapper);
  if (names.length === 1) return { [names[0]!]: ident[0] };
  const params: Record<string, unknown> = {};
  for (let j = 0; j < names.length; j++) params[names[j]!] = ident[j];
  return params;
}

const pkBindNames = new WeakMap<Mapper, readonly string[]>();

/** The bind names of the primary-key columns (`w<index>`), made once per mapper. */
function bindNames(mapper: Mapper): readonly string[] {
  let names = pkBindNames.get(mapper);
  if (names === undefined) {
    names = mapper.pk.map((i) => intern(`w${i}`));
    pkBindNames.set(mapper, names);
  }
  return names;
}
