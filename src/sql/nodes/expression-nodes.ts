/**
 * The expression nodes of the statement tree: plain immutable objects tagged by `kind`, each
 * carrying the SQL type of its value. User-facing wrappers (`ColumnExpression`) hold one of
 * these in `.node`; the compiler and the cache-key walker dispatch on `kind`.
 */
import type { AnySqlType } from '../types/sql-type.js';
import type { FromNode } from './from-nodes.js';
import type { SelectNode } from './statement-nodes.js';
import type { AnyColumn } from '../schema/column.js';

/** A column of a table, alias or subquery. */
export interface ColumnNode {
  readonly kind: 'column';
  /** The SQL name. */
  readonly name: string;
  /** The property name it is known by in JS (`lastLogin` for `last_login`). */
  readonly key: string;
  readonly type: AnySqlType;
  /** The FROM item it belongs to. */
  readonly from: FromNode;
  /** The table column behind it (absent for subquery columns). */
  readonly column: AnyColumn | undefined;
  /** Precomputed cache-key fragment (table and alias columns), so keys are cheap to build. */
  readonly ref?: string | undefined;
}

/**
 * A bound parameter. Values embedded in a statement are always bound, never spliced into the
 * SQL text. A named bind takes its value from the parameters given at execution; `generate`
 * computes one per execution (client-side column defaults).
 */
export interface BindNode {
  readonly kind: 'bind';
  readonly type: AnySqlType;
  readonly value: unknown;
  /** False when the bind has no embedded value (a `bindParam` without default). */
  readonly hasValue: boolean;
  readonly name: string | undefined;
  readonly generate: (() => unknown) | undefined;
  /** `table.column` this value is for, when known: named in bind-time errors. */
  readonly target: string | undefined;
}

/** The binary operators the compiler knows, with their precedence. */
export type BinaryOperator =
  '=' | '<>' | '<' | '<=' | '>' | '>=' | 'IS' | 'IS NOT' | '+' | '-' | '*' | '/' | '%' | '||';

/** `left op right`. */
export interface BinaryNode {
  readonly kind: 'binary';
  readonly type: AnySqlType;
  readonly left: ExprNode;
  readonly operator: BinaryOperator;
  readonly right: ExprNode;
}

/** `a AND b AND …` / `a OR b OR …`. */
export interface BooleanListNode {
  readonly kind: 'and_or';
  readonly type: AnySqlType;
  readonly operator: 'AND' | 'OR';
  readonly items: readonly ExprNode[];
}

/** `NOT x`, `-x`, `x IS NULL`, `x IS NOT NULL`. */
export interface UnaryNode {
  readonly kind: 'unary';
  readonly type: AnySqlType;
  readonly operator: 'NOT' | '-' | 'IS NULL' | 'IS NOT NULL';
  readonly operand: ExprNode;
}

/** `x [NOT] LIKE pattern [ESCAPE 'c']`, case-insensitive for ILIKE. */
export interface LikeNode {
  readonly kind: 'like';
  readonly type: AnySqlType;
  readonly operand: ExprNode;
  readonly pattern: ExprNode;
  readonly escape: string | undefined;
  readonly caseInsensitive: boolean;
  readonly negated: boolean;
}

/** `x [NOT] IN (…)` over a list of values or a subquery. */
export interface InNode {
  readonly kind: 'in';
  readonly type: AnySqlType;
  readonly operand: ExprNode;
  readonly values: readonly ExprNode[] | SelectNode;
  readonly negated: boolean;
}

/** `x [NOT] BETWEEN low AND high`. */
export interface BetweenNode {
  readonly kind: 'between';
  readonly type: AnySqlType;
  readonly operand: ExprNode;
  readonly low: ExprNode;
  readonly high: ExprNode;
  readonly negated: boolean;
}

/** A SQL function call, `count(*)` when `star`. */
export interface FunctionNode {
  readonly kind: 'function';
  readonly type: AnySqlType;
  readonly name: string;
  readonly args: readonly ExprNode[];
  readonly star: boolean;
  readonly distinct: boolean;
}

/** `expr AS name`. */
export interface LabelNode {
  readonly kind: 'label';
  readonly type: AnySqlType;
  readonly element: ExprNode;
  readonly name: string;
}

/** `CAST(expr AS type)`. */
export interface CastNode {
  readonly kind: 'cast';
  readonly type: AnySqlType;
  readonly element: ExprNode;
}

/** `CASE [operand] WHEN … THEN … [ELSE …] END`. */
export interface CaseNode {
  readonly kind: 'case';
  readonly type: AnySqlType;
  /** The simple form's operand, compared to each WHEN value; absent in the searched form. */
  readonly operand?: ExprNode | undefined;
  readonly whens: readonly (readonly [ExprNode, ExprNode])[];
  readonly else: ExprNode | undefined;
}

/** `NULL`, `TRUE`, `FALSE`. */
export interface KeywordNode {
  readonly kind: 'keyword';
  readonly type: AnySqlType;
  readonly word: 'NULL' | 'TRUE' | 'FALSE';
}

/** `(SELECT …)` used as a value. */
export interface ScalarSubqueryNode {
  readonly kind: 'scalar_subquery';
  readonly type: AnySqlType;
  readonly select: SelectNode;
}

/** `EXISTS (SELECT …)`. */
export interface ExistsNode {
  readonly kind: 'exists';
  readonly type: AnySqlType;
  readonly select: SelectNode;
}

/** `expr ASC|DESC [NULLS FIRST|LAST]` in ORDER BY. */
export interface OrderingNode {
  readonly kind: 'ordering';
  readonly type: AnySqlType;
  readonly element: ExprNode;
  readonly direction: 'ASC' | 'DESC';
  readonly nulls: 'FIRST' | 'LAST' | undefined;
}

/** SQL text written by the user (server defaults), rendered verbatim. */
export interface RawNode {
  readonly kind: 'raw';
  readonly type: AnySqlType;
  readonly sql: string;
}

/** The value an upsert proposed for a column: `excluded.x` / `VALUES(x)`. */
export interface ExcludedNode {
  readonly kind: 'excluded';
  readonly type: AnySqlType;
  readonly name: string;
}

/** Every expression node. */
export type ExprNode =
  | ColumnNode
  | BindNode
  | BinaryNode
  | BooleanListNode
  | UnaryNode
  | LikeNode
  | InNode
  | BetweenNode
  | FunctionNode
  | LabelNode
  | CastNode
  | CaseNode
  | KeywordNode
  | ScalarSubqueryNode
  | ExistsNode
  | OrderingNode
  | RawNode
  | ExcludedNode;
