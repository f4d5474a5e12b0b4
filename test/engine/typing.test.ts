/**
 * Typed results: rows, scalars and streams are typed from the statement (checked by `tsc`),
 * and the values behind those types are what a real database returns (checked at run time
 * on SQLite).
 */
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { AsyncResult } from '../../src/engine/async-result.js';
import type { Connection } from '../../src/engine/connection.js';
import { createEngine } from '../../src/engine/create-engine.js';
import type { Engine } from '../../src/engine/engine.js';
import type { Result, ScalarResult } from '../../src/engine/result.js';
import type { ScalarOf } from '../../src/engine/typing.js';
import { MetaData, func, insert, select, update } from '../../src/sql/index.js';
import { sql, text } from '../../src/sql/text.js';
import { sqliteFileUrl } from '../helpers/databases.js';

const metadata = new MetaData();
const users = metadata.table('eng_typing_users', (t) => ({
  id: t.integer().primaryKey(),
  name: t.text().notNull(),
  age: t.integer(),
  tags: t.json<string[]>(),
  meta: t.json<{ a: number }>(),
}));

type UserRow = {
  id: number;
  name: string;
  age: number | null;
  tags: string[] | null;
  meta: { a: number } | null;
};

describe('typed results', () => {
  let engine: Engine;
  let conn: Connection;

  beforeAll(async () => {
    engine = createEngine(sqliteFileUrl());
    conn = await engine.connect();
    await metadata.createAll(conn);
    await conn.execute(insert(users), [
      { id: 1, name: 'Ann', age: 31, tags: ['a'], meta: { a: 1 } },
      { id: 2, name: 'Bob', age: null, tags: null, meta: null },
    ]);
  });

  afterAll(async () => {
    await conn.close();
    await engine.dispose();
  });

  it('execute(select(...)) rows carry the selected columns by key', async () => {
    const result = await conn.execute(select(users.c.id, users.c.name).orderBy(users.c.id));
    expectTypeOf(result).toEqualTypeOf<Result<{ id: number; name: string }, number>>();
    const rows = result.all();
    expectTypeOf(rows[0]!.id).toEqualTypeOf<number>();
    expectTypeOf(rows[0]!.name).toEqualTypeOf<string>();
    expect(rows.map((r) => [r.id, r.name])).toEqual([
      [1, 'Ann'],
      [2, 'Bob'],
    ]);
  });

  it('a whole table gives its row type; mappings() gives plain objects of it', async () => {
    const result = await conn.execute(select(users).where(users.c.id.eq(1)));
    const row = result.mappings().one();
    expectTypeOf(row).toEqualTypeOf<UserRow>();
    expect(row).toEqual({ id: 1, name: 'Ann', age: 31, tags: ['a'], meta: { a: 1 } });
  });

  it('scalars() and scalar() are typed from the first column', async () => {
    const ids = await conn.scalars(select(users.c.id, users.c.name).orderBy(users.c.id));
    expectTypeOf(ids).toEqualTypeOf<ScalarResult<number>>();
    expect(ids.all()).toEqual([1, 2]);

    const age = await conn.scalar(select(users.c.age).where(users.c.id.eq(2)));
    expectTypeOf(age).toEqualTypeOf<number | null>();
    expect(age).toBeNull();

    const n = await conn.scalar(select(func.count().label('n')).selectFrom(users));
    expectTypeOf(n).toEqualTypeOf<number | null>();
    expect(n).toBe(2);

    const names = (await conn.execute(select(users.c.name).orderBy(users.c.id))).scalars().all();
    expectTypeOf(names).toEqualTypeOf<string[]>();
    expect(names).toEqual(['Ann', 'Bob']);

    const tags = await conn.scalar(select(users.c.tags, users.c.id).where(users.c.id.eq(1)));
    expectTypeOf(tags).toEqualTypeOf<string[] | null>();
    expect(tags).toEqual(['a']);
  });

  it('a first column that is a whole table or an object is not guessed: unknown', async () => {
    // Core reads the table's first column (id), not the row object the tuple type holds.
    const first = await conn.scalar(select(users, users.c.name).where(users.c.id.eq(1)));
    expectTypeOf(first).toEqualTypeOf<unknown>();
    expect(first).toBe(1);
    const objectFirst = select(users.c.meta, users.c.id);
    expectTypeOf<ScalarOf<typeof objectFirst>>().toEqualTypeOf<unknown>();
    expect(await conn.scalar(objectFirst.where(users.c.id.eq(1)))).toEqual({ a: 1 });
  });

  it('RETURNING rows are typed; a single returned column types scalar()', async () => {
    const result = await conn.execute(
      update(users).values({ age: 32 }).where(users.c.id.eq(1)).returning(users.c.id, users.c.age),
    );
    expectTypeOf(result).toEqualTypeOf<Result<{ id: number; age: number | null }, unknown>>();
    expect(result.one().toObject()).toEqual({ id: 1, age: 32 });

    const id = await conn.scalar(insert(users).values({ id: 3, name: 'Cy' }).returning(users.c.id));
    expectTypeOf(id).toEqualTypeOf<number | null>();
    expect(id).toBe(3);
  });

  it('text() and sql`` rows are untyped records; an explicit type is an escape hatch', async () => {
    const plain = await conn.execute(text('SELECT id, name FROM eng_typing_users ORDER BY id'));
    expectTypeOf(plain).toEqualTypeOf<Result<Record<string, unknown>, unknown>>();
    expectTypeOf(plain.all()[0]!.name).toEqualTypeOf<unknown>();

    const tagged = await conn.execute(sql`SELECT name FROM eng_typing_users WHERE id = ${1}`);
    expectTypeOf(tagged).toEqualTypeOf<Result<Record<string, unknown>, unknown>>();
    expect(tagged.scalar()).toBe('Ann');

    const typed = await conn.execute<{ id: number; name: string }>(
      text('SELECT id, name FROM eng_typing_users WHERE id = :id'),
      { id: 2 },
    );
    expectTypeOf(typed).toEqualTypeOf<Result<{ id: number; name: string }>>();
    expect(typed.one().name).toBe('Bob');

    const count = await conn.scalar<number>(text('SELECT count(*) FROM eng_typing_users'));
    expectTypeOf(count).toEqualTypeOf<number | null>();
    expect(count).toBe(3);

    const names = await conn.scalars<string>(text('SELECT name FROM eng_typing_users'));
    expectTypeOf(names).toEqualTypeOf<ScalarResult<string>>();
    expectTypeOf(await conn.scalar(text('SELECT 1'))).toEqualTypeOf<unknown>();
  });

  it('scalars(index) other than the first column is unknown unless typed', async () => {
    const result = await conn.execute(select(users.c.id, users.c.name).orderBy(users.c.id));
    const second = result.scalars(1);
    expectTypeOf(second).toEqualTypeOf<ScalarResult<unknown>>();
    expect(second.all()).toEqual(['Ann', 'Bob', 'Cy']);
    const again = await conn.execute(select(users.c.id, users.c.name).orderBy(users.c.id));
    expectTypeOf(again.scalars<string>(1)).toEqualTypeOf<ScalarResult<string>>();
  });

  it('stream() carries the same row and scalar types', async () => {
    const stream = await conn.stream(select(users.c.id, users.c.name).orderBy(users.c.id));
    expectTypeOf(stream).toEqualTypeOf<AsyncResult<{ id: number; name: string }, number>>();
    const ids: number[] = [];
    for await (const row of stream) ids.push(row.id);
    expect(ids).toEqual([1, 2, 3]);

    const names = await (
      await conn.stream(select(users.c.name).orderBy(users.c.id))
    )
      .scalars()
      .all();
    expectTypeOf(names).toEqualTypeOf<string[]>();
    expect(names).toEqual(['Ann', 'Bob', 'Cy']);

    const raw = await conn.stream<{ n: number }>(text('SELECT 1 AS n'));
    expectTypeOf(raw).toEqualTypeOf<AsyncResult<{ n: number }>>();
    expect((await raw.one()).n).toBe(1);
  });

  it('engine.begin() passes the callback value through typed', async () => {
    await conn.commit();
    const names = await engine.begin(async (c) =>
      (await c.scalars(select(users.c.name).orderBy(users.c.id))).all(),
    );
    expectTypeOf(names).toEqualTypeOf<string[]>();
    expect(names).toEqual(['Ann', 'Bob', 'Cy']);
  });
});
