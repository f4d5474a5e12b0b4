/**
 * The one compiler: walks a statement tree and writes SQL for a dialect, collecting bind
 * slots. Visit functions live in one file per node family and are combined here into an
 * exhaustive table; a dialect replaces single visitors through its hooks. The compiler names
 * no dialect: it asks the hooks' capability flags.
 */
import { CompileError } from '../../errors.js';
import type { SqlDialect } from '../executable.js';
import type { BindNode, ExprNode } from '../nodes/expression-nodes.js';
import type { FromNode } from '../nodes/from-nodes.js';
import type { InsertValueRows } from '../nodes/statement-nodes.js';
import type { AnyColumn } from '../schema/column.js';
import type { BindSlot } from './compiled.js';
import { ddlVisitors } from './compile-ddl.js';
import { dmlVisitors } from './compile-dml.js';
import { expressionVisitors } from './compile-expressions.js';
import { fromVisitors } from './compile-from.js';
import { selectVisitors } from './compile-select.js';
import { defaultHooks } from './default-hooks.js';
import type { DialectCompilerHooks } from './hooks.js';
import type { BindIndex } from './keys.js';
import { renderLiteral } from './literal.js';
import { precedence } from './precedence.js';
import type { AnyNode, Visitors } from './visitors.js';

/** The base visitors, for dialects that override one and fall back to the base. */
export const baseVisitors = {
  ...expressionVisitors,
  ...fromVisitors,
  ...selectVisitors,
  ...dmlVisitors,
  ...ddlVisitors,
} satisfies Visitors;

const merged = new WeakMap<DialectCompilerHooks, Visitors>();

function visitorsFor(hooks: DialectCompilerHooks): Visitors {
  if (!hooks.visitors) return baseVisitors;
  let table = merged.get(hooks);
  if (!table) {
    table = { ...baseVisitors, ...hooks.visitors } as Visitors;
    merged.set(hooks, table);
  }
  return table;
}

/** The hooks of a dialect (the defaults when it has none). */
export function hooksOf(dialect: SqlDialect): DialectCompilerHooks {
  return dialect.compiler ?? defaultHooks;
}

/** One compilation: the SQL being written and the binds met so far. */
export class SqlCompiler {
  readonly hooks: DialectCompilerHooks;
  readonly slots: BindSlot[] = [];
  /** Render bound values as SQL literals (DDL, which takes no parameters). */
  literalBinds = false;
  /** Render columns without their table (INSERT column lists, RETURNING, DDL). */
  unqualified = false;
  /** The upsert style being rendered, for `excluded` columns. */
  conflictStyle: 'on-conflict' | 'on-duplicate-key' | undefined;
  /** FROM items visible to columns: one set per enclosing SELECT, innermost last. */
  scopes: Set<FromNode>[] = [];
  /** The statement being compiled is a subquery that may correlate to enclosing ones. */
  correlating = false;
  private readonly visitors: Visitors;

  constructor(
    readonly dialect: SqlDialect,
    private readonly bindIndex: BindIndex | undefined,
  ) {
    this.hooks = hooksOf(dialect);
    this.visitors = visitorsFor(this.hooks);
  }

  /** Renders any node. */
  process(node: AnyNode): string {
    return (this.visitors[node.kind] as (c: SqlCompiler, n: AnyNode) => string)(this, node);
  }

  /**
   * Renders an expression inside an operator of precedence `outer`, in parentheses when it
   * binds less tightly (or equally, when `wrapEqual`).
   */
  expr(node: ExprNode, outer = 0, wrapEqual = false): string {
    const sql = this.process(node);
    const inner = precedence(node);
    return inner < outer || (wrapEqual && inner === outer) ? `(${sql})` : sql;
  }

  /** Quotes an identifier when the dialect requires it. */
  quote(name: string): string {
    return this.dialect.quoteIdentifier(name);
  }

  /** Registers a bind and returns its placeholder (or its literal in DDL). */
  bind(node: BindNode): string {
    if (this.literalBinds) {
      if (!node.hasValue) throw new CompileError('A bind parameter cannot be used in DDL.');
      return renderLiteral(this, node.value, node.type);
    }
    const valueIndex = node.hasValue ? this.bindIndex?.get(node) : -1;
    if (valueIndex === undefined) {
      throw new Error('internal: a bound value was not seen by the cache-key walk');
    }
    const index = this.slots.length;
    this.slots.push({
      valueIndex,
      name: node.name,
      generate: node.generate,
      type: node.type,
      processor: this.hooks.bindProcessor(node.type),
      target: node.target ?? node.name,
    });
    return this.dialect.placeholder(index);
  }

  /**
   * Registers one slot per cell of VALUES rows held as plain data and returns the rows'
   * SQL, `(?, ?), (?, ?)`: the slots read the values where the cache-key walk put them.
   */
  valueRows(rows: InsertValueRows, columns: readonly AnyColumn[]): string {
    const start = this.bindIndex?.get(rows);
    if (start === undefined || this.literalBinds) {
      throw new Error('internal: VALUES rows were not seen by the cache-key walk');
    }
    const width = columns.length;
    const processors = columns.map((col) => this.hooks.bindProcessor(col.type));
    const targets = columns.map((col) => String(col));
    const tuples = new Array<string>(rows.count);
    const cells = new Array<string>(width);
    let valueIndex = start;
    for (let r = 0; r < rows.count; r++) {
      for (let j = 0; j < width; j++) {
        cells[j] = this.dialect.placeholder(this.slots.length);
        this.slots.push({
          valueIndex: valueIndex++,
          name: undefined,
          generate: undefined,
          type: columns[j]!.type,
          processor: processors[j]!,
          target: targets[j],
        });
      }
      tuples[r] = `(${cells.join(', ')})`;
    }
    return tuples.join(', ');
  }

  /** A CompileError naming the dialect and the missing feature. */
  unsupported(feature: string, fix?: string): CompileError {
    return new CompileError(
      `${this.hooks.displayName} does not support ${feature}${fix ? `; ${fix}` : ''}.`,
    );
  }

  /** Runs `fn` with extra FROM items visible (a SELECT's FROM, an UPDATE's table). */
  withScope<T>(froms: Iterable<FromNode>, fn: () => T): T {
    this.scopes.push(new Set(froms));
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  /** True when `from` is visible in the current or an enclosing scope. */
  isVisible(from: FromNode): boolean {
    for (let i = this.scopes.length - 1; i >= 0; i--) if (this.scopes[i]!.has(from)) return true;
    return false;
  }
}
