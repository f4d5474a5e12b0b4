/**
 * DDL statements as executables: CREATE/DROP TABLE and INDEX, ALTER TABLE for foreign keys,
 * and the per-dialect "does this table exist" query used by `checkFirst`.
 */
import { compileDdl } from '../compiler/compile.js';
import { hooksOf } from '../compiler/compiler.js';
import { instantiate } from '../compiler/compiled.js';
import type { CompiledStatement, Executable, SqlDialect } from '../executable.js';
import type { DdlNode } from '../nodes/statement-nodes.js';
import { types } from '../types/sql-type.js';
import type { ForeignKey, IndexSpec } from './constraints.js';
import type { AnyTable } from './table.js';

/**
 * A DDL statement; executes like any other statement.
 *
 * @example
 * ```ts
 * await conn.execute(createTableDDL(users));
 * createTableDDL(users).compile(sqliteFlavour).sql; // CREATE TABLE users (…)
 * ```
 */
export class DDLStatement implements Executable {
  readonly isExecutable = true as const;
  constructor(readonly node: DdlNode) {}

  compile(dialect: SqlDialect): CompiledStatement {
    return compileDdl(this.node, dialect);
  }
}

/**
 * `CREATE TABLE` for `table` (foreign keys in `deferred` are left for ALTER TABLE).
 *
 * @example
 * ```ts
 * console.log(createTableDDL(users).compile(engine.dialect.sql).sql);
 * ```
 */
export function createTableDDL(
  table: AnyTable,
  deferred: readonly ForeignKey[] = [],
): DDLStatement {
  return new DDLStatement({ kind: 'create_table', table, deferred });
}

/**
 * `DROP TABLE`.
 *
 * @example
 * ```ts
 * await conn.execute(dropTableDDL(users));
 * ```
 */
export function dropTableDDL(table: AnyTable): DDLStatement {
  return new DDLStatement({ kind: 'drop_table', table });
}

/**
 * `CREATE INDEX`.
 *
 * @example
 * ```ts
 * for (const index of users.indexes) await conn.execute(createIndexDDL(index));
 * ```
 */
export function createIndexDDL(index: IndexSpec): DDLStatement {
  return new DDLStatement({ kind: 'create_index', index });
}

/**
 * `DROP INDEX`.
 *
 * @example
 * ```ts
 * await conn.execute(dropIndexDDL(users.indexes[0]!));
 * ```
 */
export function dropIndexDDL(index: IndexSpec): DDLStatement {
  return new DDLStatement({ kind: 'drop_index', index });
}

/**
 * `ALTER TABLE … ADD|DROP CONSTRAINT` for a foreign key.
 *
 * @example
 * ```ts
 * await conn.execute(alterForeignKeyDDL(addresses.foreignKeys[0]!, 'add'));
 * ```
 */
export function alterForeignKeyDDL(fk: ForeignKey, action: 'add' | 'drop'): DDLStatement {
  return new DDLStatement({ kind: 'alter_foreign_key', fk, action });
}

/** A catalog query of the dialect (has-table, reflection), with text parameters. */
export class CatalogQuery implements Executable {
  readonly isExecutable = true as const;
  constructor(
    private readonly sql: (dialect: SqlDialect) => string,
    private readonly params: readonly string[],
  ) {}

  compile(dialect: SqlDialect): CompiledStatement {
    const text = types.text();
    return instantiate(
      {
        sql: this.sql(dialect),
        slots: this.params.map((_, i) => ({
          valueIndex: i,
          name: undefined,
          generate: undefined,
          type: text,
          processor: null,
          target: undefined,
        })),
        returnsRows: true,
        statementKind: 'select',
        resultKeys: undefined,
        resultProcessors: undefined,
        fixed: true,
        compiledAt: performance.now(),
        safeIntegers: false,
      },
      this.params,
    );
  }
}

/** The dialect's query for whether a table exists: returns a row when it does. */
export function hasTableQuery(tableName: string): CatalogQuery {
  return new CatalogQuery((d) => hooksOf(d).hasTableSql(d.placeholder(0)), [tableName]);
}
