/**
 * The INSERT path for a dialect without RETURNING (MySQL): keys from LAST_INSERT_ID() plus the
 * row index, server defaults left expired. MariaDB has RETURNING, so the test runs the unit of
 * work on a MariaDB connection that reports `supportsReturning: false`.
 */
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/index.js';
import { MetaData, select } from '../../src/sql/index.js';
import { Model, inspect } from '../../src/orm/index.js';
import { resolveBind } from '../../src/orm/session/bind-adapter.js';
import type { ConnectionLike } from '../../src/orm/session/bind.js';
import { stateOf } from '../../src/orm/state/instance-state.js';
import { EXPIRED } from '../../src/orm/state/sentinels.js';
import { persist } from '../../src/orm/unit-of-work/persister.js';
import { planFlush } from '../../src/orm/unit-of-work/plan.js';
import { serverDatabase, sqliteFileUrl } from '../helpers/databases.js';

const metadata = new MetaData();
const items = metadata.table('orm_noret_items', (t) => ({
  id: t.integer().primaryKey(),
  name: t.text().notNull(),
  kind: t.varchar(10).serverDefault("'plain'"),
}));
class Item extends Model(items) {}

const db = serverDatabase('mariadb');

describe.skipIf(db.url === undefined)('INSERT without RETURNING on mariadb', () => {
  it('assigns LAST_INSERT_ID() + index to a multi-row INSERT and expires server defaults', async () => {
    const engine = createEngine(db.url!);
    await metadata.dropAll(engine);
    await metadata.createAll(engine);
    const conn = await engine.connect();
    try {
      await conn.begin();
      const real = resolveBind({ bind: conn }).connection!;
      const noReturning: ConnectionLike = Object.create(real, {
        dialect: { value: { ...real.dialect, supportsReturning: false } },
      }) as ConnectionLike;
      // a row inserted first, so keys do not start at 1
      const first = new Item({ name: 'first' });
      await persist(planFlush([stateOf(first)!], [], []), noReturning);
      const batch = Array.from({ length: 50 }, (_, i) => new Item({ name: `item ${i}` }));
      const statements: string[] = [];
      const off = engine.on('beforeExecute', (e) => statements.push(e.statement));
      await persist(
        planFlush(
          batch.map((b) => stateOf(b)!),
          [],
          [],
        ),
        noReturning,
      );
      off();
      expect(statements).toHaveLength(1);
      expect(statements[0]).not.toMatch(/RETURNING/i);
      const rows = (await conn.execute(select(items.c.id, items.c.name).orderBy(items.c.id))).all();
      expect(batch.map((b) => [b.id, b.name])).toEqual(rows.slice(1).map((r) => [r.id, r.name]));
      expect(first.id).toBe(rows[0]!.id);
      expect(inspect(batch[0]!).values[2]).toBe(EXPIRED);
      await conn.rollback();
    } finally {
      await conn.close();
      await metadata.dropAll(engine);
      await engine.dispose();
    }
  });
});

describe('INSERT keys from the last insert id on sqlite (insertIdOfMultiRow: last)', () => {
  it('derives the keys of a multi-row INSERT from last_insert_rowid() without RETURNING', async () => {
    const engine = createEngine(sqliteFileUrl());
    await metadata.createAll(engine);
    const conn = await engine.connect();
    try {
      await conn.begin();
      const real = resolveBind({ bind: conn }).connection!;
      const lastId: ConnectionLike = Object.create(real, {
        dialect: { value: { ...real.dialect, insertIdOfMultiRow: 'last' } },
      }) as ConnectionLike;
      const first = new Item({ name: 'first', kind: 'k' });
      await persist(planFlush([stateOf(first)!], [], []), lastId);
      const batch = Array.from(
        { length: 40 },
        (_, i) => new Item({ name: `item ${i}`, kind: 'k' }),
      );
      const statements: string[] = [];
      const off = engine.on('beforeExecute', (e) => statements.push(e.statement));
      await persist(
        planFlush(
          batch.map((b) => stateOf(b)!),
          [],
          [],
        ),
        lastId,
      );
      off();
      expect(statements).toHaveLength(1);
      expect(statements[0]).not.toMatch(/RETURNING/i);
      const rows = (await conn.execute(select(items.c.id, items.c.name).orderBy(items.c.id))).all();
      expect(batch.map((b) => [b.id, b.name])).toEqual(rows.slice(1).map((r) => [r.id, r.name]));
      await conn.rollback();
    } finally {
      await conn.close();
      await engine.dispose();
    }
  });
});
