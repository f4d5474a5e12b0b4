/**
 * "Insert many values": an executemany of a one-row INSERT sent as multi-row INSERTs, a page
 * of parameter sets per statement, instead of one statement per set. Only plain INSERTs
 * qualify (no RETURNING, whose row order a multi-row INSERT does not promise; no SELECT;
 * no ON CONFLICT DO UPDATE; nothing bound outside the VALUES row, such as an upsert's SET
 * values).
 */
import type { CompiledStatement, Executable, SqlDialect } from '../executable.js';
import type { InsertNode } from '../nodes/statement-nodes.js';
import { compileCached } from '../compiler/compile.js';
import { Insert } from './insert.js';

/** SQLAlchemy's default page size for the same feature. */
const MAX_ROWS_PER_STATEMENT = 1000;

/** Compiled pages of one INSERT for one dialect, by row count. */
const pages = new WeakMap<
  InsertNode,
  { dialect: SqlDialect; byRows: Map<number, CompiledStatement> }
>();

/** The one-row INSERT node of `statement` when it can be sent many rows at a time. */
function oneRowInsert(statement: Executable, dialect: SqlDialect): InsertNode | undefined {
  if (!(statement instanceof Insert) || !dialect.supportsMultiValuesInsert) return undefined;
  const node = statement.node;
  if (node.select !== undefined || node.valueRows !== undefined || node.rows.length !== 1)
    return undefined;
  if (node.columns.length === 0 || node.returning.length > 0) return undefined;
  // DO UPDATE refuses to change a row twice in one statement: sets for the same key would fail.
  if (node.conflict?.style === 'on-conflict' && node.conflict.set !== undefined) return undefined;
  return node;
}

/**
 * How many parameter sets one statement of `statement` may carry (at least 2), or 0 when an
 * executemany of it must run one statement per set. `width` is the number of parameters of
 * one set.
 *
 * @example
 * ```ts
 * insertManyPageSize(insert(users), dialect, 3); // 1000
 * insertManyPageSize(insert(users).returning(users.c.id), dialect, 3); // 0
 * ```
 */
export function insertManyPageSize(
  statement: Executable,
  dialect: SqlDialect,
  width: number,
): number {
  if (width === 0 || oneRowInsert(statement, dialect) === undefined) return 0;
  const rows = Math.min(MAX_ROWS_PER_STATEMENT, Math.floor(dialect.maxBindParameters / width));
  return rows >= 2 ? rows : 0;
}

/**
 * `statement` (a one-row INSERT that `insertManyPageSize()` accepted) compiled with `rows`
 * VALUES rows: its parameters are `rows` one-row parameter lists laid end to end. Undefined
 * when the statement binds anything outside its VALUES row.
 *
 * @example
 * ```ts
 * const page = compileInsertPage(insert(users), dialect, 2);
 * page?.sql; // INSERT INTO users (name, age) VALUES (?, ?), (?, ?)
 * ```
 */
export function compileInsertPage(
  statement: Executable,
  dialect: SqlDialect,
  rows: number,
): CompiledStatement | undefined {
  const node = oneRowInsert(statement, dialect);
  if (node === undefined) return undefined;
  let memo = pages.get(node);
  if (memo === undefined || memo.dialect !== dialect) {
    memo = { dialect, byRows: new Map() };
    pages.set(node, memo);
  }
  let page = memo.byRows.get(rows);
  if (page === undefined) {
    const row = node.rows[0]!;
    const paged: InsertNode = { ...node, rows: new Array<typeof row>(rows).fill(row) };
    page = compileCached(paged, dialect);
    memo.byRows.set(rows, page);
  }
  const one = statement.compile(dialect);
  const width = one.bindNames?.length;
  return width !== undefined && page.bindNames?.length === width * rows ? page : undefined;
}
