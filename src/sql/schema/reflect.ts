/**
 * Reflection: reading existing tables' columns (names, types, nullability, primary keys,
 * autoincrement, server defaults) from the database catalog into a MetaData. Foreign keys,
 * indexes and check constraints are not read.
 */
import { hooksOf } from '../compiler/compiler.js';
import { types, type AnySqlType } from '../types/sql-type.js';
import { columnBuilder, type AnyColumnBuilder } from './column-builder.js';
import { CatalogQuery } from './ddl.js';
import { run, type DDLBind } from './ddl-runner.js';
import type { MetaData } from './metadata.js';
import { Table } from './table.js';

/** Options of `metadata.reflect`. */
export interface ReflectOptions {
  /** Reflect only these tables. */
  readonly only?: readonly string[];
}

const num = (s: string | undefined): number | undefined =>
  s === undefined ? undefined : Number(s);

/** Maps a catalog type spelling to a SQL type. */
export function typeFromCatalog(text: string): AnySqlType {
  const t = text.toLowerCase().trim();
  const args = /\(([^)]*)\)/
    .exec(t)?.[1]
    ?.split(',')
    .map((s) => s.trim());
  const base = t
    .replace(/\(.*?\)/, '')
    .replace(/\s+unsigned$/, '')
    .trim();
  if (base === 'tinyint' && args?.[0] === '1') return types.boolean();
  if (/^(boolean|bool)$/.test(base)) return types.boolean();
  if (/^(int|integer|int4|mediumint|serial)$/.test(base)) return types.integer();
  if (/^(smallint|int2|tinyint)$/.test(base)) return types.smallint();
  if (/^(bigint|int8|bigserial)$/.test(base)) return types.bigint();
  if (/^(real|float4|float)$/.test(base)) return types.real();
  if (/^(double precision|double|float8)$/.test(base)) return types.double();
  if (/^(numeric|decimal)$/.test(base)) return types.numeric(num(args?.[0]), num(args?.[1]));
  if (/^(character varying|varchar|character|char|nvarchar|nchar)$/.test(base))
    return types.varchar(num(args?.[0]));
  if (/^(date)$/.test(base)) return types.date();
  if (/^(timestamp|datetime)/.test(base))
    return types.timestamp({ withTimezone: /with time zone|timestamptz/.test(base) });
  if (base === 'timestamptz') return types.timestamp({ withTimezone: true });
  if (base === 'jsonb') return types.jsonb();
  if (base === 'json') return types.json();
  if (/^(bytea|blob|longblob|mediumblob|tinyblob|binary|varbinary)$/.test(base))
    return types.bytes();
  if (base === 'uuid') return types.uuid();
  return types.text();
}

function truthy(v: unknown): boolean {
  return v === true || v === 1 || v === '1' || v === 1n || v === 't';
}

/** Reads tables from the catalog into `metadata` (tables it already has are left alone). */
export async function reflectTables(
  metadata: MetaData,
  bind: DDLBind,
  options: ReflectOptions,
): Promise<void> {
  await run(bind, async (conn, dialect) => {
    const hooks = hooksOf(dialect);
    const listed = (await (
      await conn.execute(new CatalogQuery(() => hooks.reflectTablesSql, []))
    ).all()) as unknown as readonly (readonly unknown[])[];
    const names = listed.map((row) => String(row[0]));
    const wanted = options.only ? names.filter((n) => options.only!.includes(n)) : names;
    for (const name of wanted) {
      if (metadata.tables.has(name)) continue;
      const { sql, params } = hooks.reflectColumnsSql((i) => dialect.placeholder(i));
      const query = new CatalogQuery(
        () => sql,
        Array.from({ length: params }, () => name),
      );
      const rows = (await (
        await conn.execute(query)
      ).all()) as unknown as readonly (readonly unknown[])[];
      const pkCount = rows.filter((r) => Number(r[3]) > 0).length;
      const builders: Record<string, AnyColumnBuilder> = Object.create(null) as Record<
        string,
        AnyColumnBuilder
      >;
      for (const row of rows) {
        let b: AnyColumnBuilder = columnBuilder(
          String(row[0]),
          typeFromCatalog(String(row[1])),
          true,
        );
        if (!truthy(row[2])) b = b.notNull();
        if (Number(row[3]) > 0) b = b.primaryKey({ autoincrement: false });
        if (truthy(row[4]) && pkCount === 1) {
          b = new (b.constructor as new (c: typeof b.config) => AnyColumnBuilder)({
            ...b.config,
            autoincrement: true,
          });
        } else if (row[5] !== null && row[5] !== undefined) {
          b = b.serverDefault(String(row[5]));
        }
        builders[String(row[0])] = b;
      }
      const table = new Table(metadata, name, builders);
      metadata.adopt(table);
    }
  });
}
