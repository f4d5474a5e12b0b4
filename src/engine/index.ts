/**
 * The engine layer's public surface (re-exports only).
 */
export { createEngine } from './create-engine.js';
export { Engine } from './engine.js';
export type { EngineEventName, ExecuteEvent } from './engine.js';
export type { EngineOptions, ExecutionOptions } from './options.js';
export { Connection } from './connection.js';
export type { StreamOptions } from './connection.js';
export { Transaction, NestedTransaction } from './transaction.js';
export { Result, ScalarResult, MappingResult, TupleResult } from './result.js';
export {
  AsyncResult,
  AsyncScalarResult,
  AsyncMappingResult,
  AsyncTupleResult,
} from './async-result.js';
export type { Row, RowMethods } from './row.js';
export type { ScalarOf } from './typing.js';
export { URL, makeUrl } from './url.js';
export type { UrlParts, UrlQuery } from './url.js';
export type { Params } from './params.js';
export { text, sql, TextClause, SqlFragment, SqlIdentifier, SqlRaw } from '../sql/text.js';
export type { SqlPart, SqlTag } from '../sql/text.js';
export { supportedSchemes } from '../dialects/registry.js';
export type { Dialect, DriverConnection, DriverCursor, DriverResult } from '../dialects/dialect.js';
