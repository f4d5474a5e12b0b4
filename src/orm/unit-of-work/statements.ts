/**
 * The statements the unit of work executes, built with the SQL layer from named bind
 * parameters and cached per mapper and shape. A shape (which columns, how many rows) is
 * built and compiled once. The bind names say where each value comes from (`r<row>_<attr>`,
 * `k<row>`, `w<attr>`…), so the placeholders' layout is worked out once per compiled shape
 * ({@link layoutOf}) and each flush only fills one flat array of values by position.
 */
import { ArgumentError, InvalidRequestError } from '../../errors.js';
import { and, bindParam, caseValue } from '../../sql/expressions/operators.js';
import type { Executable } from '../../sql/executable.js';
import type { AnyColumn } from '../../sql/schema/column.js';
import type { AnyTable } from '../../sql/schema/table.js';
import { insert } from '../../sql/statements/insert.js';
import { select } from '../../sql/statements/select.js';
import { deleteFrom, update } from '../../sql/statements/update.js';
import type { Mapper } from '../mapping/mapper.js';
import type { InstanceState } from '../state/instance-state.js';
import { KeyRangeInsert } from './key-range-insert.js';
import { ValuesUpdate, valuesUpdatable, type ValuesUpdateColumn } from './values-update.js';

/** Statements kept per mapper; old shapes are dropped beyond this many. */
const MAX_SHAPES = 256;

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
): Executable {
  const key = `i:${columns.join(',')}:${rows}:${returning.join(',')}`;
  return cached(mapper, key, () => {
    const values: Record<string, unknown>[] = [];
    for (let r = 0; r < rows; r++) {
      const row: Record<string, unknown> = {};
      for (const c of columns) row[mapper.keys[c]!] = bindParam(`r${r}_${c}`);
      values.push(row);
    }
    let stmt = insert(tableOf(mapper)).values(values as never) as unknown as {
      returning(...cols: unknown[]): unknown;
    } & Executable;
    if (returning.length > 0) {
      stmt = stmt.returning(...returning.map((i) => columnOf(mapper, i))) as typeof stmt;
    }
    return stmt;
  });
}

/**
 * The multi-row INSERT of `rows` rows setting `columns` that answers the range of the
 * autoincrement keys it generated (see `key-range-insert.ts`); binds as {@link insertStatement}.
 */
export function insertKeyRangeStatement(
  mapper: Mapper,
  columns: readonly number[],
  rows: number,
): Executable {
  const pk = mapper.pk[0]!;
  return cached(
    mapper,
    `ir:${columns.join(',')}:${rows}`,
    () =>
      new KeyRangeInsert(
        insertStatement(mapper, columns, rows, [pk]),
        mapper.tableName,
        columnOf(mapper, pk).name,
      ),
  );
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
 * `SET c = CASE pk WHEN :k0 THEN :v0_c … ELSE c END … WHERE pk IN (:k0, …)`. One round trip
 * instead of one per row. The simple CASE form compares the key once per WHEN instead of
 * evaluating a full `pk = ?` condition (MariaDB runs a batch of 100 rows about 12% faster);
 * its WHEN values take the key's type, and the `ELSE c` branch gives PostgreSQL the type of
 * the results. Binds: `k<r>` keys, `v<r>_<c>` values.
 */
export function updateManyStatement(
  mapper: Mapper,
  columns: readonly number[],
  rows: number,
): Executable {
  return cached(mapper, `um:${columns.join(',')}:${rows}`, () => {
    const pkCol = columnOf(mapper, mapper.pk[0]!);
    const keys = Array.from({ length: rows }, (_, r) => `k${r}`);
    const values: Record<string, unknown> = {};
    for (const c of columns) {
      const col = columnOf(mapper, c);
      const whens = keys.map(
        (k, r) => [bindParam(k), bindParam(`v${r}_${c}`, { type: col.type })] as const,
      );
      values[mapper.keys[c]!] = caseValue(pkCol, whens as never, { else: col as never });
    }
    return update(tableOf(mapper))
      .values(values as never)
      .where(pkCol.in(keys.map((k) => bindParam(k)) as never));
  });
}

function valuesColumn(mapper: Mapper, index: number): ValuesUpdateColumn {
  const col = columnOf(mapper, index);
  return { name: col.name, type: col.type };
}

/** True when the key and `columns` can go through a VALUES list unchanged (their types). */
export function canUpdateFromValues(mapper: Mapper, columns: readonly number[]): boolean {
  return cached(mapper, `uvok:${columns.join(',')}`, () =>
    valuesUpdatable([mapper.pk[0]!, ...columns].map((i) => valuesColumn(mapper, i))),
  );
}

/**
 * The `UPDATE … FROM (VALUES …)` of `rows` rows of a single-column key that change the same
 * `columns` (check {@link canUpdateFromValues} first). Binds: `k<r>` keys, `v<r>_<c>` values,
 * as in {@link updateManyStatement}.
 */
export function updateFromValuesStatement(
  mapper: Mapper,
  columns: readonly number[],
  rows: number,
): Executable {
  return cached(mapper, `uv:${columns.join(',')}:${rows}`, () => {
    const set = columns.map((i) => valuesColumn(mapper, i));
    const key = valuesColumn(mapper, mapper.pk[0]!);
    return new ValuesUpdate(mapper.tableName, key, set, columns, rows);
  });
}

/** `DELETE FROM t WHERE pk IN (…)` for `count` rows (single-column keys). */
export function deleteInStatement(mapper: Mapper, count: number): Executable {
  return cached(mapper, `di:${count}`, () => {
    const binds = Array.from({ length: count }, (_, k) => bindParam(`k${k}`));
    return deleteFrom(tableOf(mapper)).where(columnOf(mapper, mapper.pk[0]!).in(binds as never));
  });
}

/** `DELETE FROM t WHERE <pk> [AND <version>]` for one row (executemany). */
export function deleteStatement(mapper: Mapper, versioned: boolean): Executable {
  return cached(mapper, `d:${versioned}`, () =>
    deleteFrom(tableOf(mapper)).where(pkCondition(mapper, versioned) as never),
  );
}

const identitySelects = new WeakMap<Mapper, Executable>();

/** `SELECT <all columns> FROM t WHERE <pk>` with binds `w<i>`, for `get()` and `refresh()`. */
export function selectByIdentity(mapper: Mapper): Executable {
  // Runs on every identity-map miss: no closure here, which would allocate on every call.
  return identitySelects.get(mapper) ?? newSelectByIdentity(mapper);
}

function newSelectByIdentity(mapper: Mapper): Executable {
  const stmt = select(tableOf(mapper)).where(pkCondition(mapper, false) as never);
  identitySelects.set(mapper, stmt);
  return stmt;
}

/**
 * Where the value of each placeholder of a unit-of-work statement comes from: a row of the
 * batch, and an attribute's current value or its value in the database (for WHERE clauses).
 */
export interface Layout {
  /** The batch row of each placeholder. */
  readonly rows: Int32Array;
  /** Per placeholder: an attribute index (its current value), or `-1 - index` (its old value). */
  readonly sources: Int32Array;
}

const layouts = new WeakMap<Mapper, WeakMap<object, Layout>>();

/**
 * The layout of a statement from its bind names as compiled (`r<row>_<attr>` and
 * `v<row>_<attr>`: current values; `s<attr>`: current value of row 0; `k<row>`: the row's
 * key in the database; `w<attr>` / `wv`: row 0's key / version in the database). Worked out
 * once per compiled shape: the names array is the same object for every execution of it.
 */
export function layoutOf(mapper: Mapper, names: readonly (string | undefined)[]): Layout {
  let byNames = layouts.get(mapper);
  if (byNames === undefined) layouts.set(mapper, (byNames = new WeakMap()));
  let layout = byNames.get(names);
  if (layout === undefined) {
    layout = parseLayout(mapper, names);
    byNames.set(names, layout);
  }
  return layout;
}

const BIND_NAME = /^(?:[rv](\d+)_(\d+)|k(\d+)|s(\d+)|w(\d+)|(wv))$/;

function parseLayout(mapper: Mapper, names: readonly (string | undefined)[]): Layout {
  const rows = new Int32Array(names.length);
  const sources = new Int32Array(names.length);
  for (let i = 0; i < names.length; i++) {
    const m = BIND_NAME.exec(names[i] ?? '');
    if (m === null) {
      throw new InvalidRequestError(
        `Unexpected bind parameter '${String(names[i])}' in a unit-of-work statement for ${mapper.toString()}`,
      );
    }
    if (m[1] !== undefined) {
      rows[i] = Number(m[1]);
      sources[i] = Number(m[2]);
    } else if (m[3] !== undefined) {
      rows[i] = Number(m[3]);
      sources[i] = -1 - mapper.pk[0]!;
    } else if (m[4] !== undefined) {
      sources[i] = Number(m[4]);
    } else if (m[5] !== undefined) {
      sources[i] = -1 - Number(m[5]);
    } else {
      sources[i] = -1 - mapper.versionIndex;
    }
  }
  return { rows, sources };
}

/** The positional values of a statement with `layout` for the batch `states` (from `offset`). */
export function fillValues(
  layout: Layout,
  states: readonly InstanceState[],
  offset = 0,
): unknown[] {
  const rows = layout.rows;
  const sources = layout.sources;
  const out = new Array<unknown>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const state = states[offset + rows[i]!]!;
    const source = sources[i]!;
    const value = source >= 0 ? state.values[source] : state.committedValue(-1 - source);
    if (value === undefined) throw undefinedValue(state, source >= 0 ? source : -1 - source);
    out[i] = value;
  }
  return out;
}

function undefinedValue(state: InstanceState, index: number): ArgumentError {
  return new ArgumentError(
    `Value of ${state.mapper.name}.${state.mapper.keys[index]!} is undefined on ${state.describe()}: assign null for SQL NULL.`,
  );
}
