/**
 * The persister: the only I/O of the unit of work. It runs the planned steps in order, in
 * batches:
 *
 * - INSERT: multi-row `VALUES (…), (…)` statements of as many rows as the dialect's bind
 *   limit allows (at most {@link MAX_INSERT_ROWS}). Generated values (autoincrement keys,
 *   server defaults) come back through `RETURNING` where the dialect has it; rows are matched
 *   to objects by sorting on an autoincrement key (keys from one statement increase in VALUES
 *   order) or by the primary key given. Where the rows of one statement get consecutive keys
 *   (see `insert-keys.ts`), an autoincrement key is derived from the driver's last insert id
 *   instead; where the dialect can run the INSERT inside a WITH (`insertKeyRange`), larger
 *   batches read back only the range of their keys (`key-range-insert.ts`); without RETURNING
 *   and without that guarantee, rows are inserted one per statement. Server defaults that
 *   cannot be read back are left expired.
 * - UPDATE: rows that change the same columns in the form the dialect prefers
 *   (`batchedUpdate`): one prepared single-row statement executed for all of them
 *   (executemany), CASE batches, or `UPDATE … FROM (VALUES …)`; the matched-row count must
 *   equal the number of rows, else StaleDataError.
 * - DELETE: `WHERE pk IN (…)` batches for single-column keys; per-row executemany for
 *   composite keys and versioned rows (whose counts must match exactly).
 */
import { FlushError, StaleDataError } from '../../errors.js';
import type { Mapper } from '../mapping/mapper.js';
import { hooksOf } from '../../sql/compiler/compiler.js';
import type { Executable } from '../../sql/executable.js';
import type { AnySqlType } from '../../sql/types/sql-type.js';
import type { ConnectionLike, ResultLike } from '../session/bind.js';
import type { InstanceState } from '../state/instance-state.js';
import { EXPIRED } from '../state/sentinels.js';
import { keyPart } from '../mapping/identity-key.js';
import { emitWarning } from '../warnings.js';
import { multiRowInsertIdPosition } from './insert-keys.js';
import * as stmts from './statements.js';
import type { DeleteStep, FlushStep, InsertStep, UpdateStep } from './plan.js';

/** Upper bound of rows per INSERT statement (bigger statements gain nothing measurable). */
export const MAX_INSERT_ROWS = 1000;

/** Fewest rows of one INSERT for which keys are read back as a range (`insertKeyRange`). */
export const KEY_RANGE_MIN_ROWS = 100;

/** Runs the steps of a flush on `conn`. */
export async function persist(steps: readonly FlushStep[], conn: ConnectionLike): Promise<void> {
  for (const step of steps) {
    if (step.kind === 'insert') await insert(step, conn);
    else if (step.kind === 'update') await update(step, conn);
    else await remove(step, conn);
  }
}

function rowsPerStatement(conn: ConnectionLike, columnCount: number): number {
  const max = conn.dialect.maxBindParameters;
  return Math.max(1, Math.min(MAX_INSERT_ROWS, Math.floor(max / Math.max(1, columnCount))));
}

async function insert(step: InsertStep, conn: ConnectionLike): Promise<void> {
  const { mapper, states, columns, generated } = step;
  const dialect = conn.dialect;
  const autoPk = autoincrementKey(mapper, generated);
  let batch = rowsPerStatement(conn, columns.length);
  let returning: readonly number[] = [];
  // When the key is the only generated value (or nothing else can read values back), deriving
  // the keys from the driver's last insert id is much cheaper than RETURNING (SQLite: 4–8 ms
  // instead of 17 ms for 10,000 rows) — where the keys of one statement are consecutive.
  const idPosition =
    autoPk >= 0 && (generated.length === 1 || !dialect.supportsReturning)
      ? await multiRowInsertIdPosition(conn)
      : undefined;
  if (idPosition === undefined && generated.length > 0) {
    if (dialect.supportsReturning) {
      // Match RETURNING rows to objects: by a generated autoincrement key (sorted), or by the
      // primary key given in VALUES; otherwise one row per statement is the only safe way.
      if (autoPk >= 0) returning = generated;
      else if (mapper.pk.every((i) => columns.includes(i)))
        returning = [...mapper.pk, ...generated];
      else {
        returning = generated;
        batch = 1;
      }
    } else if (autoPk >= 0) {
      // Keys of one statement may interleave with other sessions' (MySQL's interleaved
      // lock mode): one row per statement, whose last insert id is its own key.
      batch = 1;
    }
  }
  // The generated key alone comes back as a range (one result row per statement) where the
  // dialect can report it, instead of one RETURNING row per inserted row; small batches keep
  // the plain statement, whose few RETURNING rows cost about as much as the range query.
  const keyRange =
    dialect.insertKeyRange === true &&
    returning.length === 1 &&
    returning[0] === autoPk &&
    INTEGER_KINDS.has(columnType(mapper, autoPk)?.kind ?? '');
  for (let start = 0; start < states.length; start += batch) {
    const rows = states.slice(start, start + batch);
    if (keyRange && rows.length >= KEY_RANGE_MIN_ROWS) {
      const stmt = stmts.insertKeyRangeStatement(mapper, columns, rows.length);
      const result = await runBatch(conn, mapper, stmt, rows);
      assignKeyRange(conn, mapper, rows, autoPk, result.rows[0]);
      continue;
    }
    const stmt = stmts.insertStatement(mapper, columns, rows.length, returning);
    const result = await runBatch(conn, mapper, stmt, rows);
    if (returning.length > 0) {
      assignReturned(mapper, rows, returning, autoPk, result.rows);
    } else if (autoPk >= 0) {
      assignFromLastInsertId(mapper, rows, autoPk, result.lastInsertId, idPosition ?? 'first');
    }
    if (returning.length === 0) expireUnread(rows, generated, autoPk);
  }
}

/** Marks generated values that were not read back (server defaults) as unloaded. */
function expireUnread(
  states: readonly InstanceState[],
  generated: readonly number[],
  readBack: number,
): void {
  // Indexed loops: this runs once per inserted row, and iterators cost an allocation each.
  for (let g = 0; g < generated.length; g++) {
    const i = generated[g]!;
    if (i === readBack) continue;
    for (let r = 0; r < states.length; r++) {
      const values = states[r]!.values;
      if (values[i] === undefined) values[i] = EXPIRED;
    }
  }
}

/** The index of the generated autoincrement primary-key column, or -1. */
function autoincrementKey(mapper: Mapper, generated: readonly number[]): number {
  if (mapper.pk.length !== 1) return -1;
  const pk = mapper.pk[0]!;
  return generated.includes(pk) && mapper.columns[pk]!.autoincrement ? pk : -1;
}

const INTEGER_KINDS = new Set(['integer', 'smallint', 'bigint']);

function columnType(mapper: Mapper, index: number): AnySqlType | undefined {
  return (mapper.columns[index]!.column as { type?: AnySqlType } | undefined)?.type;
}

function wrongReturnedCount(mapper: Mapper): FlushError {
  return new FlushError(
    `Multi-row INSERT statement for ${mapper.toString()} did not produce the correct number of INSERTed rows for RETURNING.  Ensure there are no triggers or special driver issues preventing INSERT from functioning properly.`,
  );
}

/**
 * Assigns the keys of a key-range INSERT (`[min, max, count, sortedKeysOrNull]`), converted as
 * the driver and the column's result processor convert a RETURNING value: integers beyond
 * 2^53 as bigints, then the column's mode.
 */
function assignKeyRange(
  conn: ConnectionLike,
  mapper: Mapper,
  states: readonly InstanceState[],
  pk: number,
  row: readonly unknown[] | undefined,
): void {
  if (row === undefined || Number(row[2]) !== states.length) throw wrongReturnedCount(mapper);
  const processor = hooksOf(conn.dialect).resultProcessor(columnType(mapper, pk)!, false);
  const set = (state: InstanceState, key: unknown): void => {
    state.values[pk] = processor === null ? key : processor(key);
  };
  const keys = row[3];
  if (keys !== null && keys !== undefined) {
    if (!Array.isArray(keys) || keys.length !== states.length) throw wrongReturnedCount(mapper);
    for (let r = 0; r < states.length; r++) set(states[r]!, keys[r]);
    return;
  }
  const first = row[0];
  if (typeof first === 'number' && Number.isSafeInteger(first + states.length)) {
    for (let r = 0; r < states.length; r++) set(states[r]!, first + r);
    return;
  }
  const base = BigInt(first as bigint | number | string);
  for (let r = 0; r < states.length; r++) {
    const key = base + BigInt(r);
    const safe = key <= BigInt(Number.MAX_SAFE_INTEGER) && key >= BigInt(Number.MIN_SAFE_INTEGER);
    set(states[r]!, safe ? Number(key) : key);
  }
}

function assignReturned(
  mapper: Mapper,
  states: readonly InstanceState[],
  returning: readonly number[],
  autoPk: number,
  rows: readonly unknown[][],
): void {
  if (rows.length !== states.length) throw wrongReturnedCount(mapper);
  if (autoPk >= 0) {
    const at = returning.indexOf(autoPk);
    const sorted = rows.length > 1 ? [...rows].sort((a, b) => compareKeys(a[at], b[at])) : rows;
    for (let r = 0; r < states.length; r++) setReturned(states[r]!, returning, sorted[r]!);
    return;
  }
  if (returning.length > mapper.pk.length && states.length > 1) {
    const byKey = new Map<unknown, unknown[]>();
    for (const row of rows)
      byKey.set(mapper.identityKeyOf(rowToValues(mapper, returning, row)), row);
    for (const s of states) {
      const row = byKey.get(mapper.identityKeyOf(s.values));
      if (row === undefined)
        throw new FlushError(`RETURNING did not return the row of ${s.describe()}.`);
      setReturned(s, returning, row);
    }
    return;
  }
  for (let r = 0; r < states.length; r++) setReturned(states[r]!, returning, rows[r]!);
}

function rowToValues(
  mapper: Mapper,
  returning: readonly number[],
  row: readonly unknown[],
): unknown[] {
  const values = new Array<unknown>(mapper.keys.length);
  for (let j = 0; j < returning.length; j++) values[returning[j]!] = row[j];
  return values;
}

function setReturned(
  state: InstanceState,
  returning: readonly number[],
  row: readonly unknown[],
): void {
  const values = state.values;
  for (let j = 0; j < returning.length; j++) values[returning[j]!] = row[j];
}

function compareKeys(a: unknown, b: unknown): number {
  const ka = keyPart(a);
  const kb = keyPart(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function assignFromLastInsertId(
  mapper: Mapper,
  states: readonly InstanceState[],
  pk: number,
  lastInsertId: number | bigint | undefined,
  position: 'first' | 'last',
): void {
  if (lastInsertId === undefined || lastInsertId === null) return;
  const wantsBigint = mapper.columns[pk]!.column !== undefined && isBigintColumn(mapper, pk);
  if (typeof lastInsertId === 'number' && !wantsBigint) {
    // The common case in plain numbers: no BigInt per row.
    const first = position === 'first' ? lastInsertId : lastInsertId - (states.length - 1);
    if (Number.isSafeInteger(first) && Number.isSafeInteger(first + states.length)) {
      for (let r = 0; r < states.length; r++) states[r]!.values[pk] = first + r;
      return;
    }
  }
  const reported = typeof lastInsertId === 'bigint' ? lastInsertId : BigInt(lastInsertId);
  const first = position === 'first' ? reported : reported - BigInt(states.length - 1);
  const asNumber = first + BigInt(states.length) <= BigInt(Number.MAX_SAFE_INTEGER);
  for (let r = 0; r < states.length; r++) {
    const id = first + BigInt(r);
    states[r]!.values[pk] = wantsBigint || !asNumber ? id : Number(id);
  }
}

function isBigintColumn(mapper: Mapper, index: number): boolean {
  const col = mapper.columns[index]!.column as
    { type?: { kind?: string; mode?: string } } | undefined;
  return col?.type?.kind === 'bigint' && (col.type.mode ?? 'bigint') === 'bigint';
}

/** Rows per CASE-batched UPDATE: each row's CASE scan is linear, so keep statements small. */
export const UPDATE_ROWS = 100;

/** Rows per `UPDATE … FROM (VALUES …)`: a hash join, so one statement can carry many rows. */
export const VALUES_UPDATE_ROWS = 1000;

async function update(step: UpdateStep, conn: ConnectionLike): Promise<void> {
  const { mapper, states, columns } = step;
  const versioned = mapper.versionIndex >= 0;
  let form = conn.dialect.batchedUpdate ?? 'case';
  if (form === 'values' && !stmts.canUpdateFromValues(mapper, columns)) form = 'case';
  if (!versioned && mapper.pk.length === 1 && states.length > 1 && form !== 'per-row') {
    const perRow = 1 + columns.length * (form === 'values' ? 1 : 2);
    const limit = form === 'values' ? VALUES_UPDATE_ROWS : UPDATE_ROWS;
    const batch = Math.max(1, Math.min(limit, Math.floor(conn.dialect.maxBindParameters / perRow)));
    let matched = 0;
    for (let start = 0; start < states.length; start += batch) {
      const rows = states.slice(start, start + batch);
      const stmt = batchedUpdateStatement(mapper, columns, rows.length, form);
      const result = await runBatch(conn, mapper, stmt, rows);
      matched = matched < 0 || result.rowCount < 0 ? -1 : matched + result.rowCount;
    }
    checkCount('UPDATE', 'update', mapper, states.length, matched, false, true);
    return;
  }
  // One prepared single-row UPDATE executed for every row: versioned rows (each count must
  // match), composite keys, and dialects where that is the fastest batch.
  const result = await runEach(
    conn,
    mapper,
    stmts.updateStatement(mapper, columns, versioned),
    states,
  );
  checkCount('UPDATE', 'update', mapper, states.length, result.rowCount, versioned, true);
}

function batchedUpdateStatement(
  mapper: Mapper,
  columns: readonly number[],
  rows: number,
  form: 'case' | 'values',
): Executable {
  if (rows === 1) return stmts.updateStatement(mapper, columns, false);
  return form === 'values'
    ? stmts.updateFromValuesStatement(mapper, columns, rows)
    : stmts.updateManyStatement(mapper, columns, rows);
}

async function remove(step: DeleteStep, conn: ConnectionLike): Promise<void> {
  const { mapper, states } = step;
  const versioned = mapper.versionIndex >= 0;
  // A self-referencing table is deleted row by row, children first: MySQL checks foreign
  // keys per row, so one `IN (…)` statement could delete a parent before its child.
  if (!versioned && mapper.pk.length === 1 && !mapper.selfReferencing) {
    const batch = Math.max(1, Math.min(MAX_INSERT_ROWS, conn.dialect.maxBindParameters));
    let matched = 0;
    let known = true;
    for (let start = 0; start < states.length; start += batch) {
      const rows = states.slice(start, start + batch);
      const result = await runBatch(
        conn,
        mapper,
        stmts.deleteInStatement(mapper, rows.length),
        rows,
      );
      if (result.rowCount < 0) known = false;
      matched += result.rowCount;
    }
    checkCount('DELETE', 'delete', mapper, states.length, known ? matched : -1, false, false);
    return;
  }
  const result = await runEach(conn, mapper, stmts.deleteStatement(mapper, versioned), states);
  checkCount('DELETE', 'delete', mapper, states.length, result.rowCount, versioned, versioned);
}

/** Runs a statement over a batch of rows (one execution, values laid out by position). */
function runBatch(
  conn: ConnectionLike,
  mapper: Mapper,
  stmt: Executable,
  states: readonly InstanceState[],
): Promise<ResultLike> {
  const layout = stmts.layoutOf(mapper, conn.bindNames(stmt));
  return conn.runPositional(stmt, stmts.fillValues(layout, states));
}

/** Runs a one-row statement for each of `states` (executemany when there are several). */
function runEach(
  conn: ConnectionLike,
  mapper: Mapper,
  stmt: Executable,
  states: readonly InstanceState[],
): Promise<ResultLike> {
  const layout = stmts.layoutOf(mapper, conn.bindNames(stmt));
  if (states.length === 1) return conn.runPositional(stmt, stmts.fillValues(layout, states));
  const sets = new Array<unknown[]>(states.length);
  for (let i = 0; i < states.length; i++) sets[i] = stmts.fillValues(layout, states, i);
  return conn.runPositionalMany(stmt, sets);
}

function checkCount(
  statement: 'UPDATE' | 'DELETE',
  verb: 'update' | 'delete',
  mapper: Mapper,
  expected: number,
  matched: number,
  versioned: boolean,
  raise: boolean,
): void {
  if (matched < 0) {
    if (versioned) {
      emitWarning(`Dialect does not support updated rowcount - versioning cannot be verified.`);
    }
    return;
  }
  if (matched === expected) return;
  const message = `${statement} statement on table '${mapper.tableName}' expected to ${verb} ${expected} row(s); ${matched} were matched.`;
  if (raise) throw new StaleDataError(message);
  if (mapper.confirmDeletedRows) {
    emitWarning(
      `${message}  Please set confirmDeletedRows: false in the Model options to prevent this warning.`,
    );
  }
}
