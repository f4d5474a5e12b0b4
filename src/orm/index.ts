/**
 * The ORM layer's public surface (re-exports only).
 */
export { Model } from './mapping/model.js';
export type {
  MappedClass,
  ModelClass,
  ModelInit,
  ModelInstance,
  ModelMethods,
  ModelOptions,
  ModelRow,
} from './mapping/model.js';
export { Session, objectSession } from './session/session.js';
export type { ExecuteRow, FirstOf, TupleOf } from './session/session.js';
export { sessionmaker } from './session/sessionmaker.js';
export type { SessionClass, SessionFactory, SessionmakerOptions } from './session/sessionmaker.js';
export type { SessionOptions } from './session/options.js';
export { SessionTransaction } from './session/session-transaction.js';
export type {
  JoinTransactionMode,
  TransactionOrigin,
  TransactionState,
} from './session/session-transaction.js';
export { inspect, makeTransient, makeTransientToDetached } from './state/inspect.js';
export type { InstanceState, AttributeHistory } from './state/instance-state.js';
export { SessionEvents } from './events.js';
export type { FlushContext, SessionEventMap, SessionEventName } from './events.js';
export { Query } from './query/query.js';
export type { QueryEntity, QueryResultOf, QueryValue } from './query/query.js';
export type { BulkOptions, SynchronizeSession } from './query/bulk.js';
export type { GetOptions, MergeOptions } from './query/identity-ops.js';
export type { OrmExecuteOptions } from './query/execute.js';
export { UnevaluatableError } from './query/evaluate.js';
