/**
 * What every DML statement shares: it is immutable, compiles itself through the statement
 * cache, and remembers its last compiled form so executing the same object again costs
 * nothing. Generative methods clone the statement with a few fields replaced.
 */
import type { CompiledStatement, Executable, SqlDialect } from '../executable.js';
import { mutableStats } from '../compiler/cache.js';
import { compileCached } from '../compiler/compile.js';
import type { DmlNode } from '../nodes/statement-nodes.js';

const stats = mutableStats();

/** Phantom carrier of a statement's row type, for typing results. */
export interface TypedExecutable<TRow> extends Executable {
  /** Phantom: the type of the rows the statement returns. */
  readonly '~row'?: TRow;
}

/**
 * The row type of an executable: the selected (or returned) columns by key, or an empty
 * object for statements that return no rows.
 *
 * @example
 * ```ts
 * type R = RowOf<typeof stmt>; // { id: number; name: string }
 * ```
 */
export type RowOf<S> = S extends { readonly '~row'?: infer R }
  ? Exclude<R, undefined>
  : Record<string, unknown>;

/**
 * Base of SELECT/INSERT/UPDATE/DELETE: a wrapper around the statement's node that compiles
 * itself for a dialect.
 *
 * @example
 * ```ts
 * const compiled = select(users.c.id).compile(engine.dialect.sql);
 * compiled.sql; // 'SELECT users.id FROM users'
 * ```
 */
export abstract class Statement<
  TRow,
  N extends DmlNode = DmlNode,
> implements TypedExecutable<TRow> {
  readonly isExecutable = true as const;
  declare readonly '~row'?: TRow;
  /** The last compiled form (statements are immutable, so it stays valid for its dialect). */
  private memo: { readonly dialect: SqlDialect; readonly compiled: CompiledStatement } | undefined;

  constructor(
    /** The statement-tree node. */
    readonly node: N,
  ) {
    this.memo = undefined;
  }

  /**
   * Compiles for `dialect` (the engine calls this): from the statement's own memo, else
   * from the dialect's statement cache, else by compiling.
   */
  compile(dialect: SqlDialect): CompiledStatement {
    const memo = this.memo;
    if (memo !== undefined && memo.dialect === dialect) {
      stats.memoHits++;
      return memo.compiled;
    }
    const compiled = compileCached(this.node, dialect);
    this.memo = { dialect, compiled };
    return compiled;
  }

  /** A copy of this statement with its node patched (and other fields, e.g. options). */
  protected withNode(patch: Partial<N>, extra?: object): this {
    const next = Object.create(Object.getPrototypeOf(this) as object) as this;
    Object.assign(next, this, extra, { node: { ...this.node, ...patch }, memo: undefined });
    return next;
  }
}
