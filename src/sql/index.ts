/** The SQL layer's public API: schema, types, expressions, statements, compiler cache. */
export type { CompiledStatement, Executable, SqlDialect, ValueProcessor } from './executable.js';
export { isExecutable } from './executable.js';
export {
  SqlFragment,
  SqlIdentifier,
  SqlRaw,
  TextClause,
  sql,
  text,
  type SqlPart,
  type SqlTag,
} from './text.js';

export { MetaData } from './schema/metadata.js';
export { Table, type AnyTable, type ColumnMap, type ColumnsOf } from './schema/table.js';
export { Column, type AnyColumn, type ColumnValue } from './schema/column.js';
export {
  ColumnBuilder,
  type AnyColumnBuilder,
  type ColumnDefault,
  type ServerDefault,
} from './schema/column-builder.js';
export { columnTypes, type ColumnTypes } from './schema/column-types.js';
export { constraintBuilders, type ConstraintBuilders } from './schema/constraint-builders.js';
export {
  ForeignKey,
  type CheckSpec,
  type ForeignKeyOptions,
  type IndexSpec,
  type ReferentialAction,
  type TableConstraint,
  type UniqueSpec,
} from './schema/constraints.js';
export {
  DDLStatement,
  alterForeignKeyDDL,
  createIndexDDL,
  createTableDDL,
  dropIndexDDL,
  dropTableDDL,
} from './schema/ddl.js';
export type { DDLBind, DDLConnection, DDLEngine, DDLOptions } from './schema/ddl-runner.js';
export { createTable, dropTable, hasTable } from './schema/table-ddl.js';
export type { ReflectOptions } from './schema/reflect.js';

export {
  types,
  type AnySqlType,
  type BigintMode,
  type SqlType,
  type TypeKind,
} from './types/sql-type.js';

export {
  ColumnExpression,
  Ordering,
  escapeLike,
  type AnyExpression,
  type Operand,
  type ValueOf,
} from './expressions/expression.js';
export {
  and,
  bindParam,
  caseValue,
  caseWhen,
  cast,
  exists,
  literal,
  not,
  or,
  sqlFalse,
  sqlNull,
  sqlTrue,
} from './expressions/operators.js';
export { callFunction, func, type Func } from './expressions/functions.js';

export {
  Select,
  select,
  type ForUpdateOptions,
  type SelectedColumn,
  type SelectedItem,
} from './statements/select.js';
export { Insert, insert, type ExcludedColumns } from './statements/insert.js';
export { Delete, Update, delete_, deleteFrom, update } from './statements/update.js';
export { Alias, Join, Subquery, alias, join, outerJoin } from './statements/from-items.js';
export { Statement, type RowOf, type TypedExecutable } from './statements/statement.js';
export type { Condition } from './statements/clauses.js';
export type {
  EntityLike,
  InferInsert,
  InferRow,
  InferSelect,
  InsertRow,
  SelectItem,
  TableLike,
  UpdateRow,
} from './statements/row-types.js';

export {
  DEFAULT_CACHE_SIZE,
  clearCompiledCache,
  compiledCacheSize,
  compilerStats,
  resetCompilerStats,
  setCompiledCacheSize,
  type CompilerStats,
} from './compiler/cache.js';
export { defaultHooks } from './compiler/default-hooks.js';
export type { DialectCompilerHooks } from './compiler/hooks.js';
