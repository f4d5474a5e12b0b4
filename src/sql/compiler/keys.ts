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
import type { DdlNode, DmlNode, InsertValueRows, SetItem } from '../nodes/statement-nodes.js';
import type { NodeKind, NodeOf } from './visitors.js';
import { expressionKeyVisitors } from './key-expressions.js';
import { statementKeyVisitors } from './key-statements.js';

/** Where the embedded values of bind nodes and plain-data VALUES blocks start. */
export type BindIndex = Map<BindNode | InsertValueRows, number>;

/** The result of walking a statement. */
export interface KeyWalk {
  readonly key: string;
  /** Embedded bound values, in walk order. */
  readonly values: unknown[];
  /**
   * Position in `values` of each bind node that has a value, and of the first value of each
   * plain-data VALUES block.
   */
  readonly bindIndex: BindIndex | undefined;
}

/** Walk state. */
export class Walker {
  readonly p: string[] = [];
  values: unknown[] = [];
  bindIndex: BindIndex | undefined;
  seenSubqueries: Set<FromNode> | undefined;
  /** `values` is a VALUES block's own array, to copy before adding to it. */
  private borrowed = false;

  /** Appends an embedded value, returning its position. */
  addValue(value: unknown): number {
    if (this.borrowed) {
      this.values = this.values.slice();
      this.borrowed = false;
    }
    return this.values.push(value) - 1;
  }

  /**
   * Keys multi-row VALUES held as plain data (`InsertNode.valueRows`) by row count and
   * column types, without looking at the values; the compiler finds them at the recorded
   * start in `values`.
   */
  valueRows(
    rows: InsertValueRows,
    columns: readonly { readonly type: { readonly key: string } }[],
  ): void {
    this.p.push(`V${rows.count}[`);
    for (const col of columns) this.p.push(col.type.key, ',');
    this.p.push(']');
    const start = this.values.length;
    (this.bindIndex ??= new Map()).set(rows, start);
    const values = rows.values;
    if (start === 0) {
      // Borrowed until something else is added (the rows' array is never changed).
      this.values = values as unknown[];
      this.borrowed = true;
    } else for (let i = 0; i < values.length; i++) this.addValue(values[i]);
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
  return { key: w.p.join(''), values: w.values, bindIndex: w.bindIndex };
}
