/**
 * End-state checks run after every run of every workload, for both sides. A mismatch throws,
 * the worker exits non-zero and the whole benchmark fails: a fast wrong answer is not a result.
 */
import type { Dataset, UserRow } from './data.js';

/** Thrown when a side left the data (or handed back rows) different from what was expected. */
export class VerificationError extends Error {
  override name = 'VerificationError';
}

function fail(message: string): never {
  throw new VerificationError(message);
}

function describe(row: UserRow | undefined): string {
  return row === undefined ? 'nothing' : JSON.stringify({ ...row });
}

/** Checks one row against row `id` of the dataset, with `ageDelta` added to the age. */
export function checkRow(
  where: string,
  row: UserRow | undefined,
  data: Dataset,
  id: number,
  ageDelta = 0,
): void {
  const i = id - 1;
  if (
    row === undefined ||
    row.id !== id ||
    row.name !== data.names[i] ||
    row.age !== data.ages[i]! + ageDelta ||
    row.email !== data.emails[i]
  ) {
    fail(
      `${where}: row ${id} is ${describe(row)}, expected ${JSON.stringify({ id, name: data.names[i], age: data.ages[i]! + ageDelta, email: data.emails[i] })}`,
    );
  }
}

/**
 * Checks a whole table (rows ordered by id) against the dataset: ids 1..n, every column, and
 * each age plus `ageDelta(id)`. Returns the total of the deltas seen, for the caller's count.
 */
export function checkTable(
  where: string,
  rows: readonly UserRow[],
  data: Dataset,
  ageDelta: (id: number) => number = () => 0,
): void {
  if (rows.length !== data.n)
    fail(`${where}: the table has ${rows.length} rows, expected ${data.n}`);
  let expectedSum = 0;
  let sum = 0;
  for (let i = 0; i < rows.length; i++) {
    const delta = ageDelta(i + 1);
    checkRow(where, rows[i], data, i + 1, delta);
    expectedSum += data.ages[i]! + delta;
    sum += rows[i]!.age;
  }
  if (sum !== expectedSum) fail(`${where}: sum of ages is ${sum}, expected ${expectedSum}`);
}

/** Checks rows handed back in any order: each row once, every column as in the dataset. */
export function checkRowSet(where: string, rows: readonly UserRow[], data: Dataset): void {
  if (rows.length !== data.n) fail(`${where}: got ${rows.length} rows, expected ${data.n}`);
  const seen = new Uint8Array(data.n + 1);
  for (const row of rows) {
    if (!Number.isInteger(row.id) || row.id < 1 || row.id > data.n) {
      fail(`${where}: row with id ${String(row.id)} is outside 1..${data.n}`);
    }
    if (seen[row.id]) fail(`${where}: row ${row.id} came back twice`);
    seen[row.id] = 1;
    checkRow(where, row, data, row.id);
  }
}

/**
 * W1's extra check for the ORM: object i (inserted from dataset row i) got the key of the row
 * that holds its values, and no two objects share a key.
 */
export function checkAssignedKeys(
  where: string,
  keys: readonly number[],
  table: readonly UserRow[],
  data: Dataset,
): void {
  if (keys.length !== data.n) fail(`${where}: ${keys.length} keys for ${data.n} objects`);
  const seen = new Set<number>();
  for (let i = 0; i < keys.length; i++) {
    const id = keys[i];
    if (typeof id !== 'number' || !Number.isInteger(id)) {
      fail(`${where}: object ${i} has no generated key (id is ${String(id)})`);
    }
    if (seen.has(id)) fail(`${where}: two objects have the key ${id}`);
    seen.add(id);
    const row = table[id - 1];
    if (row?.id !== id || row.name !== data.names[i] || row.email !== data.emails[i]) {
      fail(
        `${where}: object ${i} (${data.names[i]}) got key ${id}, but that row is ${describe(row)}`,
      );
    }
  }
}

/** Checks W4's answers: one row per requested id, in order. */
export function checkLookups(
  where: string,
  rows: readonly UserRow[],
  ids: readonly number[],
  data: Dataset,
): void {
  if (rows.length !== ids.length) fail(`${where}: ${rows.length} answers for ${ids.length} ids`);
  for (let k = 0; k < ids.length; k++) checkRow(`${where} (lookup ${k})`, rows[k], data, ids[k]!);
}

/** Fails with `message` unless `condition` holds. */
export function expect(condition: boolean, message: string): void {
  if (!condition) fail(message);
}
