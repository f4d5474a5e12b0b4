/** Cache-key visitors of FROM items and statements (see `keys.ts`). */
import type { FromNode } from '../nodes/from-nodes.js';
import type { DmlNode } from '../nodes/statement-nodes.js';
import type { Walker } from './keys.js';
import type { NodeOf } from './visitors.js';

type StatementKind = FromNode['kind'] | DmlNode['kind'];

export const statementKeyVisitors: {
  readonly [K in StatementKind]: (w: Walker, node: NodeOf<K>) => void;
} = {
  table: (w, n) => {
    w.fromRef(n);
  },
  alias: (w, n) => {
    w.fromRef(n);
  },
  subquery: (w, n) => {
    w.p.push('Q');
    w.str(n.name);
    w.node(n.select);
  },
  join: (w, n) => {
    w.p.push(`J${n.outer ? 'o' : ''}${n.full ? 'f' : ''}(`);
    w.fromRef(n.left);
    w.p.push(' ');
    w.fromRef(n.right);
    w.p.push(' ');
    w.node(n.on);
    w.p.push(')');
  },
  select: (w, n) => {
    w.p.push(`SEL${n.distinct ? 'D' : ''}(`);
    w.list(n.columns);
    w.p.push('F[');
    for (const from of n.froms) {
      if (from.kind === 'subquery') w.node(from);
      else w.fromRef(from);
      w.p.push(',');
    }
    w.p.push(']W');
    w.opt(n.where);
    w.p.push('G');
    w.list(n.groupBy);
    w.p.push('H');
    w.opt(n.having);
    w.p.push('O');
    w.list(n.orderBy);
    w.p.push('L');
    w.opt(n.limit);
    w.opt(n.offset);
    if (n.distinctOn.length > 0) {
      w.p.push('DO');
      w.list(n.distinctOn);
    }
    if (n.forUpdate) {
      const f = n.forUpdate;
      w.p.push(`U${f.read ? 'r' : ''}${f.nowait ? 'n' : ''}${f.skipLocked ? 's' : ''}[`);
      for (const of of f.of) w.fromRef(of);
      w.p.push(']');
    }
    w.p.push(')');
  },
  insert: (w, n) => {
    w.p.push(`INS t${n.table.id}[`);
    for (const col of n.columns) w.str(col.name);
    w.p.push(']');
    if (n.valueRows !== undefined) w.valueRows(n.valueRows, n.columns);
    else for (const row of n.rows) w.list(row);
    if (n.select) w.node(n.select);
    const cf = n.conflict;
    if (cf?.style === 'on-conflict') {
      w.p.push('OC[');
      for (const col of cf.target) w.str(col.name);
      w.p.push(']');
      if (cf.set) w.set(cf.set);
      else w.p.push('N');
      w.opt(cf.where);
    } else if (cf) {
      w.p.push('ODK');
      w.set(cf.set);
    }
    w.p.push('R');
    w.list(n.returning);
  },
  update: (w, n) => {
    w.p.push(`UPD t${n.table.id}`);
    w.set(n.set);
    w.p.push('W');
    w.opt(n.where);
    w.p.push('R');
    w.list(n.returning);
  },
  delete: (w, n) => {
    w.p.push(`DEL t${n.table.id}W`);
    w.opt(n.where);
    w.p.push('R');
    w.list(n.returning);
  },
};
