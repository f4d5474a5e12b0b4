/**
 * Helpers for the ORM database tests: an engine per test database, the statements it sends
 * (for asserting flush batching), and table setup/teardown.
 */
import { createEngine } from '../../src/engine/index.js';
import type { Engine } from '../../src/engine/engine.js';
import { deleteFrom, type MetaData } from '../../src/sql/index.js';
import type { TestDatabase } from '../helpers/databases.js';
import { afterAll, beforeAll, beforeEach, describe, it, type TestAPI } from 'vitest';
import { sessionmaker, type SessionFactory } from '../../src/orm/index.js';
import { allDatabases } from '../helpers/databases.js';

/** The SQL statements an engine sent, in order. */
export interface StatementLog {
  readonly statements: string[];
  /** Statements of `verb` (INSERT, UPDATE, DELETE, SELECT; see {@link statementVerb}). */
  count(verb: string): number;
  clear(): void;
  stop(): void;
}

/**
 * The verb of a statement (`INSERT`, `UPDATE`…), looking through the data-modifying CTE the
 * unit of work wraps an INSERT in where it reads back a range of keys
 * (`WITH athanor_inserted AS (INSERT …) SELECT …` is an INSERT).
 */
export function statementVerb(sql: string): string {
  const text = sql.trimStart().toUpperCase();
  const cte = /^WITH \S+ AS \(\s*(\w+)/.exec(text);
  return cte !== null ? cte[1]! : (/^\w+/.exec(text)?.[0] ?? '');
}

/** Records every statement the engine executes. */
export function logStatements(engine: Engine): StatementLog {
  const statements: string[] = [];
  const stop = engine.on('beforeExecute', (e) => statements.push(e.statement));
  return {
    statements,
    count: (verb) => statements.filter((s) => statementVerb(s) === verb).length,
    clear: () => {
      statements.length = 0;
    },
    stop,
  };
}

/** An engine for `db` (a small pool, so leaks show as timeouts). */
export function engineFor(db: TestDatabase, options: Record<string, unknown> = {}): Engine {
  return createEngine(db.url!, { poolSize: 5, maxOverflow: 5, poolTimeout: 10, ...options });
}

/** Drops (if present) and creates the metadata's tables. */
export async function resetTables(metadata: MetaData, engine: Engine): Promise<void> {
  await metadata.dropAll(engine, { checkFirst: true });
  await metadata.createAll(engine);
}

/** What an ORM suite's tests get for one database. */
export interface OrmContext {
  db: TestDatabase;
  engine: Engine;
  Session: SessionFactory;
  /** `it`, or `it.skip` when the database is not configured. */
  it: TestAPI;
}

/**
 * Runs `body` once per test database with fresh tables of `metadata` (emptied before each
 * test when `cleanEach`), an engine and a sessionmaker bound to it.
 */
export function describeOrm(
  title: string,
  metadata: MetaData,
  body: (ctx: OrmContext) => void,
  options: { cleanEach?: boolean } = {},
): void {
  describe.each(allDatabases())(`${title} on $name`, (db) => {
    const ctx = { db, it: (db.url === undefined ? it.skip : it) as TestAPI } as OrmContext;
    beforeAll(async () => {
      if (db.url === undefined) return;
      ctx.engine = engineFor(db);
      await resetTables(metadata, ctx.engine);
      ctx.Session = sessionmaker({ bind: ctx.engine });
    });
    if (options.cleanEach !== false) {
      beforeEach(async () => {
        if (db.url === undefined) return;
        await ctx.engine.begin(async (conn) => {
          // MySQL checks foreign keys row by row, which a self-referencing table can fail.
          if (db.name === 'mariadb') await conn.execDriverSql('SET FOREIGN_KEY_CHECKS = 0');
          for (const table of [...metadata.sortedTables].reverse()) {
            await conn.execute(deleteFrom(table));
          }
          if (db.name === 'mariadb') await conn.execDriverSql('SET FOREIGN_KEY_CHECKS = 1');
        });
      });
    }
    afterAll(async () => {
      if (db.url === undefined) return;
      await metadata.dropAll(ctx.engine);
      await ctx.engine.dispose();
    });
    body(ctx);
  });
}
