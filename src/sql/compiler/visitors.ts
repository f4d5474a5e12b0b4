/**
 * The compiler's dispatch table type: one visit function per node `kind`. The base table is
 * assembled in `compiler.ts` with `satisfies Visitors`, so adding a node kind without a visit
 * function fails type-checking.
 */
import type { ExprNode } from '../nodes/expression-nodes.js';
import type { FromNode } from '../nodes/from-nodes.js';
import type { DdlNode, DmlNode } from '../nodes/statement-nodes.js';
import type { SqlCompiler } from './compiler.js';

/** Every node the compiler visits. */
export type AnyNode = ExprNode | FromNode | DmlNode | DdlNode;

/** Every node kind. */
export type NodeKind = AnyNode['kind'];

/** The node of a kind. */
export type NodeOf<K extends NodeKind> = Extract<AnyNode, { readonly kind: K }>;

/** A visit function per node kind. */
export type Visitors = { readonly [K in NodeKind]: (c: SqlCompiler, node: NodeOf<K>) => string };
