/**
 * Compiling a statement for a dialect: compute its structural key, fetch the compiled
 * template from the dialect's LRU cache (compiling on a miss), and pair it with the
 * statement's embedded values. DDL is compiled every time (it is rare and not worth a key).
 */
import type { CompiledStatement, SqlDialect, ValueProcessor } from '../executable.js';
import type { ExprNode } from '../nodes/expression-nodes.js';
import { nameColumns } from '../nodes/naming.js';
import type { DdlNode, DmlNode } from '../nodes/statement-nodes.js';
import { cacheFor, mutableStats } from './cache.js';
import { checkBindLimit, instantiate, type CompiledTemplate } from './compiled.js';
import { SqlCompiler } from './compiler.js';
import { structuralKey, type BindIndex } from './keys.js';

const stats = mutableStats();

/** The expression under labels, to tell plain columns from computed values. */
function underlying(node: ExprNode): ExprNode {
  return node.kind === 'label' ? underlying(node.element) : node;
}

function resultColumns(stmt: DmlNode): readonly ExprNode[] {
  return stmt.kind === 'select' ? stmt.columns : stmt.returning;
}

/** Compiles `stmt` into a value-independent template (no cache involved). */
export function buildTemplate(
  stmt: DmlNode,
  dialect: SqlDialect,
  bindIndex: BindIndex | undefined,
): CompiledTemplate {
  stats.compiles++;
  const c = new SqlCompiler(dialect, bindIndex);
  const sql = c.process(stmt);
  checkBindLimit(c.slots.length, dialect.maxBindParameters, c.hooks.displayName);
  const columns = resultColumns(stmt);
  const returnsRows = columns.length > 0;
  let resultKeys: readonly string[] | undefined;
  let resultProcessors: (ValueProcessor | null)[] | undefined;
  if (returnsRows) {
    // Frozen: the engine caches row prototypes by the identity of this array.
    resultKeys = Object.freeze(nameColumns(columns).keys.slice());
    const processors = columns.map((col) =>
      c.hooks.resultProcessor(col.type, underlying(col).kind !== 'column'),
    );
    if (processors.some((p) => p !== null)) resultProcessors = processors;
  }
  return {
    sql,
    slots: c.slots,
    returnsRows,
    statementKind: stmt.kind,
    resultKeys,
    resultProcessors,
    fixed: c.slots.every((s) => s.name === undefined && s.generate === undefined),
    compiledAt: performance.now(),
    safeIntegers: columns.some((col) => col.type.kind === 'bigint' && col.type.mode !== 'number'),
  };
}

/** Compiles a SELECT/INSERT/UPDATE/DELETE through the dialect's statement cache. */
export function compileCached(stmt: DmlNode, dialect: SqlDialect): CompiledStatement {
  const walk = structuralKey(stmt);
  const cache = cacheFor(dialect);
  let template = cache.get(walk.key);
  if (template === undefined) {
    stats.misses++;
    template = buildTemplate(stmt, dialect, walk.bindIndex);
    cache.set(walk.key, template);
  } else {
    stats.hits++;
  }
  return instantiate(template, walk.values);
}

/** Compiles a DDL statement (never cached). */
export function compileDdl(stmt: DdlNode, dialect: SqlDialect): CompiledStatement {
  stats.compiles++;
  const c = new SqlCompiler(dialect, undefined);
  const sql = c.process(stmt);
  return instantiate(
    {
      sql,
      slots: [],
      returnsRows: false,
      statementKind: 'ddl',
      resultKeys: undefined,
      resultProcessors: undefined,
      fixed: true,
      compiledAt: performance.now(),
      safeIntegers: false,
    },
    [],
  );
}
