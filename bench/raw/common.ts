/** Pieces the three raw modules share. */
import type { Dataset, UserRow } from '../data.js';
import { isTenth } from '../data.js';
import { TABLE } from '../side.js';

/** Rows per multi-row INSERT on the raw side (the 1,000). */
export const INSERT_BATCH = 1000;

/**
 * The flat parameter list `name, age, email, name, age, email, …` for rows
 * `start .. start + rows - 1` of the dataset.
 */
export function insertParams(data: Dataset, start: number, rows: number): unknown[] {
  const params = new Array<unknown>(rows * 3);
  for (let i = 0, p = 0; i < rows; i++) {
    params[p++] = data.names[start + i];
    params[p++] = data.ages[start + i];
    params[p++] = data.emails[start + i];
  }
  return params;
}

/** `(?, ?, ?), (?, ?, ?), …` or `($1, $2, $3), …` for a multi-row VALUES list. */
export function valuesList(rows: number, placeholder: (index: number) => string): string {
  const groups = new Array<string>(rows);
  for (let i = 0; i < rows; i++) {
    groups[i] = `(${placeholder(i * 3)}, ${placeholder(i * 3 + 1)}, ${placeholder(i * 3 + 2)})`;
  }
  return groups.join(', ');
}

/** Placeholders of the multi-row INSERT: `?` (SQLite, MySQL) or `$n` (PostgreSQL). */
export type PlaceholderStyle = 'question' | 'dollar';

const insertTexts = new Map<string, string>();

/**
 * The multi-row INSERT of `rows` rows into the benchmark table, built once per row count and
 * placeholder style: an application writes this statement once, as a constant, and building
 * its 1,000-row text again for every batch would cost the raw side time and garbage.
 */
export function insertSql(rows: number, style: PlaceholderStyle): string {
  const key = `${style} ${rows}`;
  let sql = insertTexts.get(key);
  if (sql === undefined) {
    const placeholder = style === 'dollar' ? (index: number) => `$${index + 1}` : (): string => '?';
    sql = `INSERT INTO ${TABLE} (name, age, email) VALUES ${valuesList(rows, placeholder)}`;
    insertTexts.set(key, sql);
  }
  return sql;
}

/** Rows per `UPDATE … CASE id WHEN …` statement on the raw MariaDB side. */
export const CASE_UPDATE_BATCH = 100;

/**
 * W3's new ages as `UPDATE … SET age = CASE id WHEN ? THEN ? … END WHERE id IN (…)`
 * statements of up to `batch` rows each: the SQL and the flat parameters of every statement.
 */
export function caseUpdates(
  rows: readonly UserRow[],
  batch: number,
): { sql: string; params: number[] }[] {
  const changed = rows.filter((row) => isTenth(row.id));
  const out: { sql: string; params: number[] }[] = [];
  for (let start = 0; start < changed.length; start += batch) {
    const part = changed.slice(start, start + batch);
    const params: number[] = [];
    for (const row of part) params.push(row.id, row.age + 1);
    for (const row of part) params.push(row.id);
    const cases = new Array<string>(part.length).fill('WHEN ? THEN ?').join(' ');
    const marks = new Array<string>(part.length).fill('?').join(', ');
    out.push({
      sql: `UPDATE ${TABLE} SET age = CASE id ${cases} END WHERE id IN (${marks})`,
      params,
    });
  }
  return out;
}
