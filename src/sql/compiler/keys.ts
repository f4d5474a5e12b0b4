/**
 * The structural cache key of a statement: one walk over the tree that writes a compact
 * string describing its shape (node kinds, tables by id, column names, operators, labels,
 * types) with every bound value replaced by `?` and its type, and collects the values in
 * walk order. Statements with equal keys compile to the same SQL, so the compiled form is
 * shared and only the values differ. A bind node met twice is written as a back-reference,
 * so sharing is part of the shape too.
 */
import type { BindNode, ExprNode } from '../nodes/expression-nodes.js';
import type { FromNode } from '../nodes/from-nodes.js';
import type { DdlNode, DmlNode, SetItem } from '../nodes/statement-nodes.js';
import type { NodeKind, NodeOf } from './visitors.js';
import { expressionKeyVisitors } from './key-expressions.js';
import { statementKeyVisitors } from './key-statements.js';

/** The result of walking a statement. */
export interface KeyWalk {
  readonly key: string;
  /** Embedded bound values, in walk order. */
  readonly values: unknown[];
  /**
   * Position in `values` of each bind node that has a value. Only a compile (a cache miss)
   * reads it, so rows keyed in bulk are indexed here, on demand.
   */
  readonly bindIndex: Map<BindNode, number> | undefined;
}

/** Rows of fresh value binds whose values start at `start` in `values` (see `freshRows`). */
interface DeferredRows {
  readonly rows: readonly (readonly ExprNode[])[];
  readonly start: number;
}

/** Walk state. */
export class Walker {
  readonly p: string[] = [];
  values: unknown[] = [];
  bindIndex: Map<BindNode, number> | undefined;
  seenSubqueries: Set<FromNode> | undefined;
  /** Rows whose bind positions are assigned only if the statement gets compiled. */
  deferred: DeferredRows[] | undefined;

  /**
   * Keys multi-row VALUES of fresh, unshared value binds (`InsertNode.freshValues`) by row
   * count and column types, taking the values as `values()` collected them: no walk over
   * the bind nodes.
   */
  freshRows(
    rows: readonly (readonly ExprNode[])[],
    columns: readonly { readonly type: { readonly key: string } }[],
    values: readonly unknown[],
  ): void {
    this.p.push(`V${rows.length}[`);
    for (const col of columns) this.p.push(col.type.key, ',');
    this.p.push(']');
    const start = this.values.length;
    (this.deferred ??= []).push({ rows, start });
    if (start === 0) this.values = values.slice();
    else for (let i = 0; i < values.length; i++) this.values.push(values[i]);
  }

  node(node: ExprNode | FromNode | DmlNode): void {
    switch (node.kind) {
      case 'column':
        return keyVisitors.column(this, node);
      case 'bind':
        return keyVisitors.bind(this, node);
      case 'binary':
        return keyVisitors.binary(this, node);
      case 'and_or':
        return keyVisitors.and_or(this, node);
      default:
        (keyVisitors[node.kind] as (w: Walker, n: typeof node) => void)(this, node);
    }
  }

  list(nodes: readonly ExprNode[]): void {
    this.p.push('[');
    for (const n of nodes) {
      this.node(n);
      this.p.push(',');
    }
    this.p.push(']');
  }

  opt(node: ExprNode | undefined): void {
    if (node === undefined) this.p.push('_');
    else this.node(node);
  }

  str(s: string): void {
    this.p.push(`${s.length}:${s}`);
  }

  fromRef(from: FromNode): void {
    switch (from.kind) {
      case 'table':
        this.p.push(`t${from.id}`);
        return;
      case 'alias':
        this.p.push(`a${from.table.id}/`);
        this.str(from.name);
        return;
      case 'subquery':
        this.p.push('q');
        this.str(from.name);
        // The subquery's binds must be known even when it is only reached through a column.
        this.seenSubqueries ??= new Set();
        if (!this.seenSubqueries.has(from)) {
          this.seenSubqueries.add(from);
          this.node(from.select);
        }
        return;
      case 'join':
        this.node(from);
        return;
    }
  }

  set(items: readonly SetItem[]): void {
    this.p.push('{');
    for (const [col, value] of items) {
      this.str(col.name);
      this.p.push('=');
      this.node(value);
      this.p.push(',');
    }
    this.p.push('}');
  }
}

/** Kinds that take part in cached statements (DDL is compiled without caching). */
type KeyKind = Exclude<NodeKind, DdlNode['kind']>;

const keyVisitors: { readonly [K in KeyKind]: (w: Walker, node: NodeOf<K>) => void } = {
  ...expressionKeyVisitors,
  ...statementKeyVisitors,
};

/** Walks `stmt`, returning its structural key and embedded values. */
export function structuralKey(stmt: DmlNode): KeyWalk {
  const w = new Walker();
  w.node(stmt);
  const deferred = w.deferred;
  if (deferred === undefined)
    return { key: w.p.join(''), values: w.values, bindIndex: w.bindIndex };
  let index: Map<BindNode, number> | undefined;
  return {
    key: w.p.join(''),
    values: w.values,
    get bindIndex() {
      if (index === undefined) {
        index = w.bindIndex ?? new Map<BindNode, number>();
        for (const { rows, start } of deferred) {
          let i = start;
          for (const row of rows) for (const cell of row) index.set(cell as BindNode, i++);
        }
      }
      return index;
    },
  };
}
