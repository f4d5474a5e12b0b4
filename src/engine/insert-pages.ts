/**
 * Executemany of a one-row INSERT as multi-row INSERTs ("insertmanyvalues"): the parameter
 * sets, already bound one by one, laid end to end a page at a time. Each page runs as an
 * ordinary statement (logged, with execute events, errors naming the page's SQL).
 */
import type { CompiledStatement, Executable, SqlDialect } from '../sql/executable.js';
import { compileInsertPage, insertManyPageSize } from '../sql/statements/insert-many.js';

/** One statement of an executemany sent as pages. */
export interface InsertPage {
  readonly compiled: CompiledStatement;
  readonly params: unknown[];
}

/**
 * The pages that run `sets` (bound parameter lists of `compiled`, the one-row form of
 * `statement`), or undefined when the statement must run once per set. A driver that reports
 * the first key of a multi-row INSERT gets the last set alone, so `lastInsertId` still names
 * the last row, as it does for one statement per set.
 *
 * @example
 * ```ts
 * const pages = insertPages(insert(users), dialect, compiled, sets);
 * for (const page of pages ?? []) await driver.execute(page.compiled.sql, page.params);
 * ```
 */
export function insertPages(
  statement: Executable,
  dialect: SqlDialect,
  compiled: CompiledStatement,
  sets: readonly unknown[][],
): InsertPage[] | undefined {
  const width = compiled.bindNames?.length ?? 0;
  if (sets.length < 2) return undefined;
  const pageSize = insertManyPageSize(statement, dialect, width);
  if (pageSize === 0 || compileInsertPage(statement, dialect, 2) === undefined) return undefined;
  const paged = dialect.insertIdOfMultiRow === 'first' ? sets.length - 1 : sets.length;
  const pages: InsertPage[] = [];
  let start = 0;
  while (start < sets.length) {
    const rows = start >= paged ? 1 : Math.min(pageSize, paged - start);
    if (rows === 1) {
      pages.push({ compiled, params: sets[start]! });
    } else {
      const params = new Array<unknown>(rows * width);
      let at = 0;
      for (let r = start; r < start + rows; r++) {
        const set = sets[r]!;
        for (let i = 0; i < width; i++) params[at++] = set[i];
      }
      pages.push({ compiled: compileInsertPage(statement, dialect, rows)!, params });
    }
    start += rows;
  }
  return pages;
}
