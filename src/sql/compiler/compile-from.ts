/** Visit functions for FROM items: tables, aliases, derived tables and joins. */
import type { AliasNode, JoinNode, SubqueryNode } from '../nodes/from-nodes.js';
import type { AnyTable } from '../schema/table.js';
import type { SqlCompiler } from './compiler.js';
import { compileSubquerySelect } from './compile-select.js';

export const fromVisitors = {
  table: (c: SqlCompiler, n: AnyTable): string => c.quote(n.name),
  alias: (c: SqlCompiler, n: AliasNode): string => `${c.quote(n.table.name)} AS ${c.quote(n.name)}`,
  subquery: (c: SqlCompiler, n: SubqueryNode): string =>
    `(${compileSubquerySelect(c, n.select, false)}) AS ${c.quote(n.name)}`,
  join: (c: SqlCompiler, n: JoinNode): string => {
    if (n.full && !c.hooks.fullOuterJoin) {
      throw c.unsupported('FULL OUTER JOIN', 'combine a LEFT and a RIGHT join with UNION');
    }
    const kind = n.full ? 'FULL OUTER JOIN' : n.outer ? 'LEFT OUTER JOIN' : 'JOIN';
    return `${c.process(n.left)} ${kind} ${c.process(n.right)} ON ${c.process(n.on)}`;
  },
};
