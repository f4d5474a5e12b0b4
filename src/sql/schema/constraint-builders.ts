/**
 * The table-level constraint builders, handed to the constraints callback of
 * `metadata.table(name, columns, (c, t) => [...])` as `t`.
 */
import { coerceCondition } from '../expressions/coercions.js';
import type { AnyColumn } from './column.js';
import type {
  CheckSpec,
  ForeignKeyOptions,
  ForeignKeySpec,
  IndexDecl,
  PrimaryKeySpec,
  UniqueSpec,
} from './constraints.js';

/**
 * Table-level constraints: composite primary keys, unique and check constraints, foreign keys
 * over several columns, indexes.
 *
 * @example
 * ```ts
 * const memberships = metadata.table(
 *   'memberships',
 *   (t) => ({ userId: t.integer('user_id').notNull(), groupId: t.integer('group_id').notNull(), rank: t.integer() }),
 *   (c, t) => [
 *     t.primaryKey([c.userId, c.groupId]),
 *     t.check(c.rank.ge(0), { name: 'ck_rank' }),
 *     t.index([c.groupId, c.rank], { unique: true }),
 *   ],
 * );
 * ```
 */
export const constraintBuilders = {
  /** A (composite) primary key. */
  primaryKey: (columns: readonly AnyColumn[], options: { name?: string } = {}): PrimaryKeySpec => ({
    kind: 'primary_key',
    columns: [...columns],
    name: options.name,
  }),
  /** A UNIQUE constraint over one or more columns. */
  unique: (columns: readonly AnyColumn[], options: { name?: string } = {}): UniqueSpec => ({
    kind: 'unique',
    columns: [...columns],
    name: options.name,
  }),
  /** A CHECK constraint; values in the condition are rendered as SQL literals. */
  check: (condition: { readonly node: unknown }, options: { name?: string } = {}): CheckSpec => ({
    kind: 'check',
    condition: coerceCondition(condition, 'check()'),
    name: options.name,
  }),
  /** A foreign key over one or more columns. */
  foreignKey: (
    columns: readonly AnyColumn[],
    target: () => AnyColumn | readonly AnyColumn[],
    options: ForeignKeyOptions = {},
  ): ForeignKeySpec => ({ kind: 'foreign_key', columns: [...columns], target, options }),
  /** An index (named `ix_<table>_<columns>` unless `name` is given). */
  index: (
    columns: readonly AnyColumn[],
    options: { name?: string; unique?: boolean } = {},
  ): IndexDecl => ({
    kind: 'index_decl',
    columns: [...columns],
    name: options.name,
    unique: options.unique ?? false,
  }),
} as const;

/** The type of the constraint builders. */
export type ConstraintBuilders = typeof constraintBuilders;
