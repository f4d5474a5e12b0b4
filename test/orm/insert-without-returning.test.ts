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
import { rememberConsecutiveInsertIds } from '../../src/orm/unit-of-work/insert-keys.js';
import { serverDatabase, sqliteFileUrl } from '../helpers/databases.js';

const metadata = new MetaData();
const items = metadata.table('orm_noret_items', (t) => ({
  id: t.integer().primaryKey(),
  name: t.text().notNull(),
  kind: t.varchar(10).serverDefault("'plain'"),
}));
class Item extends Model(items) {}
const plainItems = metadata.table('orm_noret_plain', (t) => ({
  id: t.integer().primaryKey(),
  name: t.text().notNull(),
}));
class Plain extends Model(plainItems) {}

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

describe.skipIf(db.url === undefined)('multi-row INSERT keys and innodb_autoinc_lock_mode', () => {
  async function withItems(
    body: (conn: ConnectionLike, engineKey: object, statements: string[]) => Promise<void>,
  ): Promise<void> {
    const engine = createEngine(db.url!);
    await metadata.dropAll(engine, { checkFirst: true });
    await metadata.createAll(engine);
    const conn = await engine.connect();
    const statements: string[] = [];
    const off = engine.on('beforeExecute', (e) => statements.push(e.statement));
    try {
      await conn.begin();
      await body(resolveBind({ bind: conn }).connection!, engine, statements);
      await conn.rollback();
    } finally {
      off();
      await conn.close();
      await metadata.dropAll(engine);
      await engine.dispose();
    }
  }

  async function insertBatch(conn: ConnectionLike, count: number): Promise<Item[]> {
    const batch = Array.from({ length: count }, (_, i) => new Item({ name: `item ${i}` }));
    await persist(
      planFlush(
        batch.map((b) => stateOf(b)!),
        [],
        [],
      ),
      conn,
    );
    return batch;
  }

  async function expectKeysMatch(conn: ConnectionLike, batch: readonly Item[]): Promise<void> {
    const rows = (await conn.execute(select(items.c.id, items.c.name).orderBy(items.c.id))).all();
    expect(batch.map((b) => [b.id, b.name])).toEqual(rows.map((r) => [r.id, r.name]));
  }

  it('reads the lock mode once per engine and derives keys from the first insert id when consecutive', async () => {
    await withItems(async (real, _key, statements) => {
      const noReturning: ConnectionLike = Object.create(real, {
        dialect: { value: { ...real.dialect, supportsReturning: false } },
      }) as ConnectionLike;
      const first = await insertBatch(noReturning, 20);
      const second = await insertBatch(noReturning, 20);
      const reads = statements.filter((s) => s.includes('@@innodb_autoinc_lock_mode'));
      expect(reads).toHaveLength(1);
      // MariaDB's default lock mode (1) makes the keys of one INSERT consecutive
      expect(statements.filter((s) => s.startsWith('INSERT'))).toHaveLength(2);
      await expectKeysMatch(real, [...first, ...second]);
    });
  });

  it('inserts row by row without RETURNING when the lock mode may interleave keys', async () => {
    await withItems(async (real, engineKey, statements) => {
      rememberConsecutiveInsertIds(engineKey, false);
      const noReturning: ConnectionLike = Object.create(real, {
        dialect: { value: { ...real.dialect, supportsReturning: false } },
      }) as ConnectionLike;
      const batch = await insertBatch(noReturning, 25);
      const inserts = statements.filter((s) => s.startsWith('INSERT'));
      expect(inserts).toHaveLength(25);
      expect(inserts.every((s) => !/RETURNING/i.test(s))).toBe(true);
      await expectKeysMatch(real, batch);
    });
  });

  it('reads keys back with RETURNING on MariaDB when the lock mode may interleave keys', async () => {
    await withItems(async (real, engineKey, statements) => {
      const plain = () => Array.from({ length: 25 }, (_, i) => new Plain({ name: `p${i}` }));
      const flushPlain = (objs: Plain[]) =>
        persist(
          planFlush(
            objs.map((o) => stateOf(o)!),
            [],
            [],
          ),
          real,
        );
      // consecutive keys (MariaDB's default): the key comes from the first insert id
      const derived = plain();
      await flushPlain(derived);
      rememberConsecutiveInsertIds(engineKey, false);
      const returned = plain();
      await flushPlain(returned);
      const inserts = statements.filter((s) => s.startsWith('INSERT'));
      expect(inserts).toHaveLength(2);
      expect(inserts[0]).not.toMatch(/RETURNING/i);
      expect(inserts[1]).toMatch(/RETURNING/i);
      const rows = (
        await real.execute(select(plainItems.c.id, plainItems.c.name).orderBy(plainItems.c.id))
      ).all();
      expect([...derived, ...returned].map((b) => [b.id, b.name])).toEqual(
        rows.map((r) => [r.id, r.name]),
      );
    });
  });
});
