/** Creating and dropping one table (SQLAlchemy's `table.create(bind)` / `table.drop(bind)`). */
import { createIndexDDL, createTableDDL, dropTableDDL } from './ddl.js';
import { hasTable as hasTableOn, run, type DDLBind, type DDLOptions } from './ddl-runner.js';
import type { AnyTable } from './table.js';

/**
 * Creates one table and its indexes. Unlike `createAll`, `checkFirst` defaults to false
 * (an existing table is an error), as in SQLAlchemy.
 *
 * @example
 * ```ts
 * await createTable(users, engine);
 * ```
 */
export async function createTable(
  table: AnyTable,
  bind: DDLBind,
  options: DDLOptions = {},
): Promise<void> {
  await run(bind, async (conn) => {
    if (options.checkFirst === true && (await hasTableOn(conn, table.name))) return;
    await conn.execute(createTableDDL(table));
    for (const index of table.indexes) await conn.execute(createIndexDDL(index));
  });
}

/**
 * Drops one table (`checkFirst` defaults to false).
 *
 * @example
 * ```ts
 * await dropTable(users, engine, { checkFirst: true });
 * ```
 */
export async function dropTable(
  table: AnyTable,
  bind: DDLBind,
  options: DDLOptions = {},
): Promise<void> {
  await run(bind, async (conn) => {
    if (options.checkFirst === true && !(await hasTableOn(conn, table.name))) return;
    await conn.execute(dropTableDDL(table));
  });
}

/**
 * True when a table named `name` exists in the database.
 *
 * @example
 * ```ts
 * if (!(await hasTable(engine, 'users'))) await createTable(users, engine);
 * ```
 */
export async function hasTable(bind: DDLBind, name: string): Promise<boolean> {
  let found = false;
  await run(bind, async (conn) => {
    found = await hasTableOn(conn, name);
  });
  return found;
}
