/**
 * The batched UPDATE of dialects that join a VALUES list (PostgreSQL):
 *
 *   UPDATE t SET c = r.c1, … FROM (VALUES (CAST($1 AS INTEGER), CAST($2 AS INTEGER)), …)
 *     AS r(k, c1, …) WHERE t.pk = r.k
 *
 * One round trip for the whole batch, and no per-row CASE scan: the server hash-joins the list
 * to the table. The SQL layer has no VALUES list to join, so the unit of work writes this one
 * statement itself; its parameters get the same type checks and conversions as the SQL layer
 * gives a bind of the column's type. Each VALUES parameter is cast to its column's type, as a
 * bare parameter in a VALUES list would be typed `text`.
 */
import { InvalidRequestError } from '../../errors.js';
import type {
  CompiledStatement,
  Executable,
  SqlDialect,
  ValueProcessor,
} from '../../sql/executable.js';
import { checkPositionalCount } from '../../sql/compiler/compiled.js';
import { hooksOf } from '../../sql/compiler/compiler.js';
import { checkValue } from '../../sql/expressions/coercions.js';
import type { AnySqlType } from '../../sql/types/sql-type.js';

/** One column of the statement: its name in the table and its SQL type. */
export interface ValuesUpdateColumn {
  readonly name: string;
  readonly type: AnySqlType;
}

/**
 * Types whose cast names the exact type of the column's values. A cast to a bounded type
 * would change values (`VARCHAR(3)` truncates, `NUMERIC(5, 2)` rounds), so lengths and
 * precisions are left out and the assignment to the column checks them, as it does for a
 * plain UPDATE. Other types (enums) keep the CASE form.
 */
const CASTABLE = new Set([
  'integer',
  'smallint',
  'bigint',
  'real',
  'double',
  'numeric',
  'text',
  'varchar',
  'boolean',
  'date',
  'timestamp',
  'json',
  'jsonb',
  'bytes',
  'uuid',
]);

/**
 * True when every column can be sent through a VALUES list without changing its values.
 *
 * @example
 * ```ts
 * if (valuesUpdatable([pk, age])) stmt = new ValuesUpdate('users', pk, [age], 100);
 * ```
 */
export function valuesUpdatable(columns: readonly ValuesUpdateColumn[]): boolean {
  return columns.every((c) => CASTABLE.has(c.type.kind));
}

function castName(dialect: SqlDialect, type: AnySqlType): string {
  if (type.kind === 'varchar') return 'VARCHAR';
  if (type.kind === 'numeric') return 'NUMERIC';
  return hooksOf(dialect).castTypeName(type);
}

interface Slot {
  readonly type: AnySqlType;
  readonly processor: ValueProcessor | null;
  readonly target: string;
}

/**
 * `UPDATE … FROM (VALUES …)` of `rows` rows keyed by a single-column primary key. Bind names
 * (what {@link CompiledStatement.bindNames} reports): `k<row>` for the row's key as it is in
 * the database, `v<row>_<attr>` for the new value of attribute `attr`.
 *
 * @example
 * ```ts
 * const stmt = new ValuesUpdate('users', { name: 'id', type: types.integer() },
 *   [{ name: 'age', type: types.integer() }], [3], 2);
 * await conn.executePositional(stmt, [1, 31, 2, 42]); // id 1 → age 31, id 2 → age 42
 * ```
 */
export class ValuesUpdate implements Executable {
  readonly isExecutable = true as const;
  private memo: { readonly dialect: SqlDialect; readonly compiled: CompiledStatement } | undefined;

  constructor(
    private readonly table: string,
    private readonly key: ValuesUpdateColumn,
    private readonly columns: readonly ValuesUpdateColumn[],
    /** The attribute index of each of `columns`, for the bind names. */
    private readonly attributes: readonly number[],
    private readonly rows: number,
  ) {}

  compile(dialect: SqlDialect): CompiledStatement {
    const memo = this.memo;
    if (memo !== undefined && memo.dialect === dialect) return memo.compiled;
    const compiled = this.build(dialect);
    this.memo = { dialect, compiled };
    return compiled;
  }

  private build(dialect: SqlDialect): CompiledStatement {
    const hooks = hooksOf(dialect);
    const q = (name: string): string => dialect.quoteIdentifier(name);
    const table = q(this.table);
    // The alias must differ from the table's name, or PostgreSQL sees the table twice.
    const alias = q(this.table === 'athanor_rows' ? 'athanor_rows_' : 'athanor_rows');
    const all = [this.key, ...this.columns];
    const casts = all.map((c) => castName(dialect, c.type));
    const slotsOfRow = all.map((c): Slot => ({
      type: c.type,
      processor: hooks.bindProcessor(c.type),
      target: `${this.table}.${c.name}`,
    }));
    const slots: Slot[] = [];
    const names: string[] = [];
    const tuples = new Array<string>(this.rows);
    for (let r = 0; r < this.rows; r++) {
      const cells = new Array<string>(all.length);
      for (let j = 0; j < all.length; j++) {
        cells[j] = `CAST(${dialect.placeholder(slots.length)} AS ${casts[j]!})`;
        slots.push(slotsOfRow[j]!);
        names.push(j === 0 ? `k${r}` : `v${r}_${this.attributes[j - 1]!}`);
      }
      tuples[r] = `(${cells.join(', ')})`;
    }
    const aliasColumns = ['k', ...this.columns.map((_, j) => `c${j}`)];
    const set = this.columns.map((c, j) => `${q(c.name)} = ${alias}.${aliasColumns[j + 1]!}`);
    const sql =
      `UPDATE ${table} SET ${set.join(', ')} FROM (VALUES ${tuples.join(', ')}) ` +
      `AS ${alias}(${aliasColumns.join(', ')}) WHERE ${table}.${q(this.key.name)} = ${alias}.k`;
    return new CompiledValuesUpdate(sql, slots, Object.freeze(names));
  }
}

class CompiledValuesUpdate implements CompiledStatement {
  readonly returnsRows = false;
  readonly statementKind = 'update' as const;
  readonly compiledAt = performance.now();

  constructor(
    readonly sql: string,
    private readonly slots: readonly Slot[],
    readonly bindNames: readonly string[],
  ) {}

  bind(params: Readonly<Record<string, unknown>> = {}): unknown[] {
    return this.bindPositional(
      this.bindNames.map((name) => {
        if (!Object.hasOwn(params, name)) {
          throw new InvalidRequestError(
            `A value is required for bind parameter '${name}'; pass it in the parameters of execute().`,
          );
        }
        return params[name];
      }),
    );
  }

  bindPositional(values: readonly unknown[]): unknown[] {
    const slots = this.slots;
    checkPositionalCount(slots.length, values.length);
    const out = new Array<unknown>(slots.length);
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      const value = values[i];
      if (value === null) {
        out[i] = null;
        continue;
      }
      checkValue(value, slot.type, slot.target);
      out[i] = slot.processor === null ? value : slot.processor(value);
    }
    return out;
  }
}
