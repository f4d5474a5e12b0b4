/**
 * Athanor's public surface: SQLAlchemy's Engine, connection pools, SQL expression language and
 * ORM Session for TypeScript. This file only re-exports; each layer decides its own exports.
 *
 * @example
 * ```ts
 * import { createEngine, MetaData, Model, sessionmaker, select } from 'athanor';
 * ```
 */
export * from './errors.js';
export type { Logger, EchoFlag } from './util/logger.js';
export { consoleLogger } from './util/logger.js';
export * from './sql/index.js';
export * from './pool/index.js';
export * from './engine/index.js';
export * from './orm/index.js';
export * from './orm/scoping/index.js';
