/**
 * A multi-row INSERT that reports the range of the keys it generated instead of one row per
 * key (PostgreSQL, which can run an INSERT … RETURNING inside WITH):
 *
 *   WITH athanor_inserted AS (INSERT … VALUES (…), (…) RETURNING id)
 *   SELECT min(id), max(id), count(*),
 *          CASE WHEN max(id) - min(id) + 1 = count(*) THEN NULL
 *          ELSE (SELECT array_agg(id ORDER BY id) FROM athanor_inserted) END
 *   FROM athanor_inserted
 *
 * One result row instead of one per inserted row (RETURNING every key cost about a quarter of
 * the INSERT's time for 1,000-row batches). The keys of one statement increase in VALUES order
 * (as the RETURNING path assumes when it sorts them); when they are also consecutive, row `r`
 * has key `min + r`, else the sorted list comes back (only then, as the sub-select sits in the
 * CASE branch that needs it).
 */
import type { CompiledStatement, Executable, SqlDialect } from '../../sql/executable.js';

/**
 * Wraps a compiled-on-demand INSERT … RETURNING `<key>` so that it answers one row:
 * `[min, max, count, sortedKeysOrNull]`. Binds are those of the INSERT.
 *
 * @example
 * ```ts
 * const stmt = new KeyRangeInsert(insert(users).values(rows).returning(users.c.id), 'users', 'id');
 * const [lo, hi, n, keys] = (await conn.executePositional(stmt, values)).tuples().first()!;
 * ```
 */
export class KeyRangeInsert implements Executable {
  readonly isExecutable = true as const;
  private memo: { readonly dialect: SqlDialect; readonly compiled: CompiledStatement } | undefined;

  constructor(
    private readonly insert: Executable,
    private readonly table: string,
    private readonly key: string,
  ) {}

  compile(dialect: SqlDialect): CompiledStatement {
    const memo = this.memo;
    if (memo !== undefined && memo.dialect === dialect) return memo.compiled;
    const inner = this.insert.compile(dialect);
    // The CTE's name must not be the table's, which the INSERT inside it names.
    const cte = dialect.quoteIdentifier(
      this.table === 'athanor_inserted' ? 'athanor_inserted_' : 'athanor_inserted',
    );
    const k = dialect.quoteIdentifier(this.key);
    const sql =
      `WITH ${cte} AS (${inner.sql}) SELECT min(${k}), max(${k}), count(*), ` +
      `CASE WHEN max(${k}) - min(${k}) + 1 = count(*) THEN NULL ` +
      `ELSE (SELECT array_agg(${k} ORDER BY ${k}) FROM ${cte}) END FROM ${cte}`;
    const bindPositional = inner.bindPositional;
    const compiled: CompiledStatement = {
      sql,
      bind: (params) => inner.bind(params),
      bindNames: inner.bindNames,
      bindPositional:
        bindPositional === undefined ? undefined : (values) => bindPositional.call(inner, values),
      returnsRows: true,
      statementKind: 'insert',
      resultKeys: ['min', 'max', 'count', 'keys'],
      compiledAt: inner.compiledAt,
    };
    this.memo = { dialect, compiled };
    return compiled;
  }
}
