/**
 * SQL literals, for the one place values cannot be bound: DDL (CHECK constraints and server
 * defaults). Values are first converted by the dialect's bind processor, then written as
 * escaped literals; anything that cannot be written safely is refused.
 */
import { CompileError } from '../../errors.js';
import type { AnySqlType } from '../types/sql-type.js';
import type { SqlCompiler } from './compiler.js';

/** Quotes a string literal: `'` doubled, and `\` doubled where backslashes are escapes. */
export function quoteString(value: string, backslashEscapes: boolean): string {
  if (value.includes('\0'))
    throw new CompileError('A NUL character cannot appear in a SQL literal.');
  let out = value.replace(/'/g, "''");
  if (backslashEscapes) out = out.replace(/\\/g, '\\\\');
  return `'${out}'`;
}

/** Renders `value` of `type` as a SQL literal for the compiler's dialect. */
export function renderLiteral(c: SqlCompiler, value: unknown, type: AnySqlType): string {
  if (value === null || value === undefined) return 'NULL';
  const processor = c.hooks.bindProcessor(type);
  const v = processor ? processor(value) : value;
  switch (typeof v) {
    case 'boolean':
      return c.hooks.booleanLiterals === 'keyword' ? (v ? 'TRUE' : 'FALSE') : v ? '1' : '0';
    case 'number':
      if (!Number.isFinite(v)) throw new CompileError(`Cannot render ${v} as a SQL literal.`);
      return String(v);
    case 'bigint':
      return v.toString();
    case 'string':
      return quoteString(v, c.hooks.backslashEscapes);
    default:
      if (v instanceof Date) return quoteString(v.toISOString(), c.hooks.backslashEscapes);
      throw new CompileError(
        `A ${type.kind} value cannot be rendered as a SQL literal (in DDL); use a server default written in SQL.`,
      );
  }
}
