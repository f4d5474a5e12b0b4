/**
 * Running DDL against an engine or a connection: `createAll`/`dropAll` in foreign-key order,
 * skipping existing (or missing) tables with `checkFirst`. The SQL layer does not import the
 * engine: it takes any object shaped like an Engine or a Connection.
 */
import { ArgumentError } from '../../errors.js';
import { hooksOf } from '../compiler/compiler.js';
import type { Executable, SqlDialect } from '../executable.js';
import type { ForeignKey } from './constraints.js';
import {
  hasTableQuery,
  alterForeignKeyDDL,
  createIndexDDL,
  createTableDDL,
  dropTableDDL,
} from './ddl.js';
import type { SortedTables } from './sort.js';
import type { AnyTable } from './table.js';

/** What DDL needs from a connection: execute a statement and read its rows. */
export interface DDLConnection {
  execute(
    statement: Executable,
    params?: Readonly<Record<string, unknown>>,
  ): Promise<{ all(): readonly unknown[] }>;
  readonly engine: { readonly dialect: { readonly sql: SqlDialect } };
}

/** What DDL needs from an engine: a transaction scope handing out connections. */
export interface DDLEngine {
  begin<R>(fn: (conn: DDLConnection) => Promise<R>): Promise<R>;
  readonly dialect: { readonly sql: SqlDialect };
}

/** An Engine (DDL runs in one transaction) or a Connection (DDL runs on it). */
export type DDLBind = DDLEngine | DDLConnection;

/** Options of `createAll`/`dropAll`/`table.create`/`table.drop`. */
export interface DDLOptions {
  /** Skip tables that already exist (create) or do not exist (drop). Default true. */
  readonly checkFirst?: boolean;
}

export async function run(
  bind: DDLBind,
  fn: (conn: DDLConnection, dialect: SqlDialect) => Promise<void>,
): Promise<void> {
  if (typeof (bind as DDLConnection).execute === 'function' && (bind as DDLConnection).engine) {
    const conn = bind as DDLConnection;
    await fn(conn, conn.engine.dialect.sql);
    return;
  }
  if (typeof (bind as DDLEngine).begin === 'function') {
    await (bind as DDLEngine).begin((conn) => fn(conn, conn.engine.dialect.sql));
    return;
  }
  throw new ArgumentError('DDL needs an Engine or a Connection to run on.');
}

/** True when `table` exists in the connection's database. */
export async function hasTable(conn: DDLConnection, name: string): Promise<boolean> {
  const result = await conn.execute(hasTableQuery(name));
  return (await result.all()).length > 0;
}

/** Creates the tables of `sorted` (and their indexes) in order. */
export async function createTables(
  bind: DDLBind,
  sorted: SortedTables,
  options: DDLOptions,
): Promise<void> {
  const checkFirst = options.checkFirst ?? true;
  await run(bind, async (conn, dialect) => {
    const deferred: readonly ForeignKey[] = hooksOf(dialect).alterForeignKeys
      ? sorted.cycleKeys
      : [];
    const created = new Set<AnyTable>();
    for (const table of sorted.tables) {
      if (checkFirst && (await hasTable(conn, table.name))) continue;
      await conn.execute(
        createTableDDL(
          table,
          deferred.filter((fk) => fk.table === table),
        ),
      );
      for (const index of table.indexes) await conn.execute(createIndexDDL(index));
      created.add(table);
    }
    for (const fk of deferred) {
      if (created.has(fk.table)) await conn.execute(alterForeignKeyDDL(fk, 'add'));
    }
  });
}

/** Drops the tables of `sorted` in reverse order. */
export async function dropTables(
  bind: DDLBind,
  sorted: SortedTables,
  options: DDLOptions,
): Promise<void> {
  const checkFirst = options.checkFirst ?? true;
  await run(bind, async (conn, dialect) => {
    const tables: AnyTable[] = [];
    for (const table of [...sorted.tables].reverse()) {
      if (!checkFirst || (await hasTable(conn, table.name))) tables.push(table);
    }
    if (hooksOf(dialect).alterForeignKeys) {
      for (const fk of sorted.cycleKeys) {
        if (tables.includes(fk.table) && tables.includes(fk.referredTable)) {
          await conn.execute(alterForeignKeyDDL(fk, 'drop'));
        }
      }
    }
    for (const table of tables) await conn.execute(dropTableDDL(table));
  });
}
