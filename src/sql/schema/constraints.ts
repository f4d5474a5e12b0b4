/**
 * Table constraints and indexes: primary keys, foreign keys (resolved lazily, so tables may
 * refer to each other in any order), unique and check constraints, indexes.
 */
import { ArgumentError } from '../../errors.js';
import type { ExprNode } from '../nodes/expression-nodes.js';
import type { AnyColumn } from './column.js';
import type { AnyTable } from './table.js';

/** What happens to referencing rows when the referenced row is deleted or updated. */
export type ReferentialAction = 'cascade' | 'set null' | 'set default' | 'restrict' | 'no action';

const ACTIONS = new Set<string>(['cascade', 'set null', 'set default', 'restrict', 'no action']);

/** Validates a referential action, naming the foreign key in the error. */
export function checkAction(
  action: string | undefined,
  what: string,
): ReferentialAction | undefined {
  if (action === undefined) return undefined;
  const normal = action.toLowerCase();
  if (!ACTIONS.has(normal)) {
    throw new ArgumentError(
      `${what}: unknown referential action ${JSON.stringify(action)}; use one of ${[...ACTIONS].join(', ')}.`,
    );
  }
  return normal as ReferentialAction;
}

/** Options of a foreign key. */
export interface ForeignKeyOptions {
  readonly name?: string;
  readonly onDelete?: ReferentialAction | Uppercase<ReferentialAction>;
  readonly onUpdate?: ReferentialAction | Uppercase<ReferentialAction>;
}

/**
 * A foreign key from `columns` of `table` to the columns `target()` returns. The target is a
 * function so that a table can refer to one defined after it (or to itself).
 *
 * @example
 * ```ts
 * const [fk] = addresses.foreignKeys;
 * fk!.referredTable.name; // 'users'
 * ```
 */
export class ForeignKey {
  private resolved: readonly AnyColumn[] | undefined;
  readonly onDelete: ReferentialAction | undefined;
  readonly onUpdate: ReferentialAction | undefined;

  constructor(
    readonly table: AnyTable,
    readonly columns: readonly AnyColumn[],
    private readonly target: () => AnyColumn | readonly AnyColumn[],
    readonly name: string | undefined,
    options: ForeignKeyOptions,
  ) {
    const what = `Foreign key on ${table.name}(${columns.map((c) => c.name).join(', ')})`;
    this.onDelete = checkAction(options.onDelete, what);
    this.onUpdate = checkAction(options.onUpdate, what);
  }

  /** The referenced columns (resolved on first use). */
  get referred(): readonly AnyColumn[] {
    if (this.resolved) return this.resolved;
    const got = this.target();
    const list = (Array.isArray(got) ? got : [got]) as readonly AnyColumn[];
    const what = `Foreign key ${this.table.name}(${this.columns.map((c) => c.name).join(', ')})`;
    if (list.length !== this.columns.length) {
      throw new ArgumentError(
        `${what} has ${this.columns.length} column(s) but refers to ${list.length}.`,
      );
    }
    const first = list[0];
    for (const col of list) {
      if (!col || typeof col !== 'object' || (col as { table?: unknown }).table === undefined) {
        throw new ArgumentError(
          `${what}: references() must return table columns such as () => users.c.id.`,
        );
      }
      if (col.table !== first?.table) {
        throw new ArgumentError(`${what} refers to columns of more than one table.`);
      }
    }
    this.resolved = list;
    return list;
  }

  /** The referenced table. */
  get referredTable(): AnyTable {
    return this.referred[0]!.table;
  }

  /** The constraint name used when the key has to be added or dropped with ALTER TABLE. */
  get constraintName(): string {
    return (
      this.name ??
      `fk_${this.table.name}_${this.columns.map((c) => c.name).join('_')}_${this.referredTable.name}`
    );
  }
}

/** A (possibly composite) primary key declared at table level. */
export interface PrimaryKeySpec {
  readonly kind: 'primary_key';
  readonly columns: readonly AnyColumn[];
  readonly name: string | undefined;
}

/** A UNIQUE constraint. */
export interface UniqueSpec {
  readonly kind: 'unique';
  readonly columns: readonly AnyColumn[];
  readonly name: string | undefined;
}

/** A CHECK constraint; its expression is rendered with literal values (DDL takes no binds). */
export interface CheckSpec {
  readonly kind: 'check';
  readonly condition: ExprNode;
  readonly name: string | undefined;
}

/** An index. */
export interface IndexSpec {
  readonly kind: 'index';
  readonly table: AnyTable;
  readonly columns: readonly AnyColumn[];
  readonly name: string;
  readonly unique: boolean;
}

/** A foreign key declared at table level, before its table exists. */
export interface ForeignKeySpec {
  readonly kind: 'foreign_key';
  readonly columns: readonly AnyColumn[];
  readonly target: () => AnyColumn | readonly AnyColumn[];
  readonly options: ForeignKeyOptions;
}

/** An index declared at table level, before its table exists. */
export interface IndexDecl {
  readonly kind: 'index_decl';
  readonly columns: readonly AnyColumn[];
  readonly name: string | undefined;
  readonly unique: boolean;
}

/** Anything the constraints callback of `metadata.table` may return. */
export type TableConstraint = PrimaryKeySpec | UniqueSpec | CheckSpec | ForeignKeySpec | IndexDecl;

/** The default name of an index on `columns` of `table`: `ix_<table>_<col>_<col>`. */
export function defaultIndexName(table: string, columns: readonly AnyColumn[]): string {
  return `ix_${table}_${columns.map((c) => c.name).join('_')}`;
}
