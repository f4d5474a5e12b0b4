/** Pieces the three raw modules share. */
import type { Dataset } from '../data.js';

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
