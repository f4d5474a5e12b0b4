/** Cache-key visitors of expression nodes (see `keys.ts`). */
import type { ExprNode } from '../nodes/expression-nodes.js';
import type { SelectNode } from '../nodes/statement-nodes.js';
import type { Walker } from './keys.js';
import type { NodeOf } from './visitors.js';

type ExprKind = ExprNode['kind'];

export const expressionKeyVisitors: {
  readonly [K in ExprKind]: (w: Walker, node: NodeOf<K>) => void;
} = {
  column: (w, n) => {
    if (n.ref !== undefined) {
      w.p.push(n.ref);
      return;
    }
    w.p.push('c');
    w.fromRef(n.from);
    w.p.push('.');
    w.str(n.name);
    if (n.from.kind === 'subquery') w.p.push(n.type.key);
  },
  bind: (w, n) => {
    const seen = w.bindIndex?.get(n);
    if (seen !== undefined) {
      w.p.push(`@${seen}`);
      return;
    }
    if (n.name !== undefined) {
      w.p.push(':');
      w.str(n.name);
    }
    if (n.generate !== undefined) {
      w.p.push('G');
      w.str(n.target ?? '');
    }
    if (n.hasValue) {
      w.bindIndex ??= new Map();
      w.bindIndex.set(n, w.addValue(n.value));
      w.p.push('?');
    }
    w.p.push(n.type.key);
  },
  binary: (w, n) => {
    w.p.push(`(${n.operator} `);
    w.node(n.left);
    w.p.push(' ');
    w.node(n.right);
    w.p.push(`)${n.type.key}`);
  },
  and_or: (w, n) => {
    w.p.push(n.operator);
    w.list(n.items);
  },
  unary: (w, n) => {
    w.p.push(`(${n.operator} `);
    w.node(n.operand);
    w.p.push(')');
  },
  like: (w, n) => {
    w.p.push(`(L${n.caseInsensitive ? 'i' : ''}${n.negated ? 'n' : ''}${n.escape ?? ''} `);
    w.node(n.operand);
    w.p.push(' ');
    w.node(n.pattern);
    w.p.push(')');
  },
  in: (w, n) => {
    w.p.push(n.negated ? '(!IN ' : '(IN ');
    w.node(n.operand);
    if (Array.isArray(n.values)) w.list(n.values as readonly ExprNode[]);
    else w.node(n.values as SelectNode);
    w.p.push(')');
  },
  between: (w, n) => {
    w.p.push(n.negated ? '(!B ' : '(B ');
    w.node(n.operand);
    w.node(n.low);
    w.node(n.high);
    w.p.push(')');
  },
  function: (w, n) => {
    w.p.push('f');
    w.str(n.name);
    w.p.push(`${n.star ? '*' : ''}${n.distinct ? 'D' : ''}${n.type.key}`);
    w.list(n.args);
  },
  label: (w, n) => {
    w.p.push('l');
    w.str(n.name);
    w.node(n.element);
  },
  cast: (w, n) => {
    w.p.push(`C${n.type.key}(`);
    w.node(n.element);
    w.p.push(')');
  },
  case: (w, n) => {
    w.p.push(`K${n.type.key}(`);
    w.opt(n.operand);
    for (const [cond, result] of n.whens) {
      w.node(cond);
      w.p.push('>');
      w.node(result);
      w.p.push(';');
    }
    w.opt(n.else);
    w.p.push(')');
  },
  keyword: (w, n) => {
    w.p.push(`k${n.word}${n.type.key}`);
  },
  scalar_subquery: (w, n) => {
    w.p.push('S');
    w.node(n.select);
  },
  exists: (w, n) => {
    w.p.push('E');
    w.node(n.select);
  },
  ordering: (w, n) => {
    w.p.push(`o${n.direction}${n.nulls ?? ''}`);
    w.node(n.element);
  },
  raw: (w, n) => {
    w.p.push('r');
    w.str(n.sql);
  },
  excluded: (w, n) => {
    w.p.push('x');
    w.str(n.name);
  },
};
