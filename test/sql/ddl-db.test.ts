/**
 * DDL against real databases: createAll/dropAll in foreign-key order, checkFirst, cycles,
 * indexes, reflection, and a catalog left empty afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { DatabaseError } from '../../src/errors.js';
import {
  MetaData,
  createTable,
  dropTable,
  hasTable,
  insert,
  select,
  type AnyColumn,
} from '../../src/sql/index.js';
import { allDatabases } from '../helpers/databases.js';

function schema() {
  const metadata = new MetaData();
  // Declared children first: createAll must still create parents first.
  const orderLines = metadata.table(
    'sql_ddl_lines',
    (t) => ({
      orderId: t
        .integer('order_id')
        .notNull()
        .references(() => orders.c.id, { onDelete: 'cascade' }),
      lineNo: t.integer('line_no').notNull(),
      sku: t.varchar(40).notNull().index(),
      qty: t.integer().notNull().serverDefault('1'),
    }),
    (c, t) => [t.primaryKey([c.orderId, c.lineNo]), t.check(c.qty.gt(0))],
  );
  const orders = metadata.table('sql_ddl_orders', (t) => ({
    id: t.integer().primaryKey(),
    customerId: t
      .integer('customer_id')
      .notNull()
      .references(() => customers.c.id),
    status: t.enum(['open', 'shipped']).notNull().default('open'),
  }));
  const customers = metadata.table('sql_ddl_customers', (t) => ({
    id: t.integer().primaryKey(),
    email: t.varchar(255).notNull().unique(),
    name: t.text(),
  }));
  return { metadata, orderLines, orders, customers };
}

function cyclic() {
  const metadata = new MetaData();
  const teams = metadata.table('sql_ddl_teams', (t) => ({
    id: t.integer().primaryKey(),
    captainId: t.integer('captain_id').references((): AnyColumn => players.c.id),
  }));
  const players = metadata.table('sql_ddl_players', (t) => ({
    id: t.integer().primaryKey(),
    teamId: t.integer('team_id').references(() => teams.c.id),
  }));
  return { metadata, teams, players };
}

for (const db of allDatabases()) {
  describe.skipIf(db.url === undefined)(`DDL on ${db.name}`, () => {
    let engine: Engine;
    const { metadata, orderLines, orders, customers } = schema();
    const cycle = cyclic();
    const names = [...metadata.tables.keys(), ...cycle.metadata.tables.keys()];
    const present = async () => {
      const out: string[] = [];
      for (const name of names) if (await hasTable(engine, name)) out.push(name);
      return out;
    };

    beforeAll(async () => {
      engine = createEngine(db.url!);
      await cycle.metadata.dropAll(engine);
      await metadata.dropAll(engine);
    });

    afterAll(async () => {
      await cycle.metadata.dropAll(engine);
      await metadata.dropAll(engine);
      await engine.dispose();
    });

    it('creates tables in foreign-key order and the constraints hold', async () => {
      expect(metadata.sortedTables.map((t) => t.name)).toEqual([
        'sql_ddl_customers',
        'sql_ddl_orders',
        'sql_ddl_lines',
      ]);
      await metadata.createAll(engine);
      expect(await present()).toEqual(['sql_ddl_lines', 'sql_ddl_orders', 'sql_ddl_customers']);
      await engine.begin(async (conn) => {
        await conn.execute(insert(customers).values({ email: 'a@x.org' }));
        const customer = (await conn.execute(select(customers.c.id))).scalar() as number;
        await conn.execute(insert(orders).values({ customerId: customer }));
        const order = (await conn.execute(select(orders.c.id))).scalar() as number;
        await conn.execute(insert(orderLines).values({ orderId: order, lineNo: 1, sku: 'A-1' }));
        const line = (await conn.execute(select(orderLines.c.qty, orders.c.status).join(orders)))
          .tuples()
          .one();
        expect(line).toEqual([1, 'open']);
      });
      // Unique, check and enum constraints are enforced by the database.
      await expect(
        engine.begin((conn) => conn.execute(insert(customers).values({ email: 'a@x.org' }))),
      ).rejects.toBeInstanceOf(DatabaseError);
      await expect(
        engine.begin((conn) =>
          conn.execute(insert(orderLines).values({ orderId: 1, lineNo: 2, sku: 'B', qty: 0 })),
        ),
      ).rejects.toBeInstanceOf(DatabaseError);
      await expect(engine.begin((conn) => insertRawStatus(conn))).rejects.toBeInstanceOf(
        DatabaseError,
      );
    });

    it('skips existing tables with checkFirst, and fails without it', async () => {
      await metadata.createAll(engine); // checkFirst defaults to true
      await expect(metadata.createAll(engine, { checkFirst: false })).rejects.toBeInstanceOf(
        DatabaseError,
      );
      await expect(createTable(customers, engine)).rejects.toBeInstanceOf(DatabaseError);
      await createTable(customers, engine, { checkFirst: true });
    });

    it('reflects the columns of existing tables', async () => {
      const reflected = new MetaData();
      await reflected.reflect(engine, { only: ['sql_ddl_lines', 'sql_ddl_customers'] });
      const lines = reflected.tables.get('sql_ddl_lines')!;
      expect(lines.columns.map((c) => [c.name, c.type.kind, c.nullable, c.primaryKey])).toEqual([
        ['order_id', 'integer', false, true],
        ['line_no', 'integer', false, true],
        ['sku', 'varchar', false, false],
        ['qty', 'integer', false, false],
      ]);
      expect(lines.c.sku!.type.length).toBe(40);
      expect(lines.c.qty!.serverDefault).toBeDefined();
      const cust = reflected.tables.get('sql_ddl_customers')!;
      expect(cust.c.id!.autoincrement).toBe(true);
      expect(cust.c.name!.type.kind).toBe('text');
      // A reflected table is usable in statements.
      const rows = await engine.begin(async (conn) =>
        (await conn.execute(select(lines.c.sku!).where(lines.c.line_no!.eq(1)))).scalars().all(),
      );
      expect(rows).toEqual(['A-1']);
    });

    it('creates and drops tables whose foreign keys form a cycle', async () => {
      await cycle.metadata.createAll(engine);
      expect(await hasTable(engine, 'sql_ddl_teams')).toBe(true);
      await engine.begin(async (conn) => {
        await conn.execute(insert(cycle.teams).values({ id: 1 }));
        await conn.execute(insert(cycle.players).values({ id: 1, teamId: 1 }));
      });
      await cycle.metadata.dropAll(engine);
      expect(await hasTable(engine, 'sql_ddl_teams')).toBe(false);
      expect(await hasTable(engine, 'sql_ddl_players')).toBe(false);
    });

    it('drops everything in reverse order, leaving the catalog without the tables', async () => {
      await metadata.dropAll(engine);
      expect(await present()).toEqual([]);
      await metadata.dropAll(engine); // checkFirst: nothing to drop, no error
      await expect(metadata.dropAll(engine, { checkFirst: false })).rejects.toBeInstanceOf(
        DatabaseError,
      );
      await createTable(customers, engine);
      await dropTable(customers, engine);
      await customers.create(engine);
      expect(await present()).toEqual(['sql_ddl_customers']);
      await customers.drop(engine);
      await customers.drop(engine, { checkFirst: true });
      expect(await present()).toEqual([]);
    });
  });
}

/** Inserts a status the enum's CHECK constraint must refuse, bypassing the client-side check. */
async function insertRawStatus(conn: {
  execDriverSql(sql: string): Promise<unknown>;
}): Promise<unknown> {
  return conn.execDriverSql("INSERT INTO sql_ddl_orders (customer_id, status) VALUES (1, 'lost')");
}
