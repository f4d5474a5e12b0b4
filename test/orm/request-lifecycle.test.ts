/**
 * The short request (Session, get, one change, commit, close) takes synchronous paths where
 * nothing has to be awaited: the pool hands out an idle connection at once, close after commit
 * returns without a rollback, a flush of one changed object skips the general planner. These
 * tests check that each gives the results and errors of the general path, on every database.
 */
import { expect } from 'vitest';
import {
  InvalidRequestError,
  PendingRollbackError,
  ResourceClosedError,
} from '../../src/errors.js';
import { MetaData, select } from '../../src/sql/index.js';
import { Model, sessionmaker } from '../../src/orm/index.js';
import { createEngine } from '../../src/engine/index.js';
import { describeOrm, logStatements } from './helpers.js';

const metadata = new MetaData();
const accounts = metadata.table('orm_req_accounts', (t) => ({
  id: t.integer().primaryKey(),
  name: t.varchar(40).notNull().unique(),
  age: t.integer().notNull(),
}));
class Account extends Model(accounts) {}

describeOrm('request lifecycle fast paths', metadata, (ctx) => {
  const { it } = ctx;

  const seed = async (n: number): Promise<void> => {
    const s = ctx.Session();
    try {
      for (let i = 1; i <= n; i++) s.add(new Account({ id: i, name: `a${i}`, age: 20 }));
      await s.commit();
    } finally {
      await s.close();
    }
  };

  const ages = async (): Promise<number[]> => {
    const s = ctx.Session();
    try {
      const all = (await s.scalars(select(Account).orderBy(accounts.c.id))).all() as Account[];
      return all.map((a) => a.age);
    } finally {
      await s.close();
    }
  };

  it('concurrent read-modify-write requests land every change and give every connection back', async () => {
    await seed(20);
    // SQLite needs BEGIN IMMEDIATE for concurrent read-then-write transactions (see the
    // engine's documentation); the servers use the shared engine's defaults.
    const engine =
      ctx.db.name === 'sqlite'
        ? createEngine(ctx.db.url!, {
            poolSize: 5,
            maxOverflow: 0,
            connectArgs: { beginImmediate: true },
          })
        : ctx.engine;
    const Session = engine === ctx.engine ? ctx.Session : sessionmaker({ bind: engine });
    const pool = engine.pool;
    const request = async (id: number): Promise<void> => {
      const s = Session();
      try {
        const a = (await s.get(Account, id)) as Account;
        a.age += id;
        await s.commit();
      } finally {
        await s.close();
      }
    };
    const ids = Array.from({ length: 60 }, (_, i) => (i % 20) + 1);
    // Requests on one id run one after another (no lost update); ids differ across lanes.
    const lanes = Array.from({ length: 20 }, (_, lane) =>
      (async () => {
        for (const id of ids.filter((x) => x === lane + 1)) await request(id);
      })(),
    );
    try {
      await Promise.all(lanes);
      expect(pool.checkedOut).toBe(0);
    } finally {
      if (engine !== ctx.engine) await engine.dispose();
    }
    expect(await ages()).toEqual(Array.from({ length: 20 }, (_, i) => 20 + 3 * (i + 1)));
  });

  it('close after commit returns the connection at once; close with flushed work rolls it back', async () => {
    await seed(2);
    const s = ctx.Session();
    const a = (await s.get(Account, 1)) as Account;
    a.age = 30;
    await s.commit();
    const closing = s.close();
    expect(closing).toBeInstanceOf(Promise);
    await closing;
    const t = ctx.Session();
    const b = (await t.get(Account, 2)) as Account;
    b.age = 99;
    await t.flush();
    await t.close();
    expect(await ages()).toEqual([30, 20]);
    expect(ctx.engine.pool.checkedOut).toBe(0);
  });

  it('a listener failing during close rejects the close and leaves the session usable', async () => {
    await seed(1);
    const s = ctx.Session();
    await s.get(Account, 1);
    await s.commit();
    await s.get(Account, 1);
    await s.commit();
    const off = s.on('persistentToDetached', () => {
      throw new Error('listener failed');
    });
    // The identity map still holds the (expired) object: close detaches it.
    const closing = s.close();
    expect(closing).toBeInstanceOf(Promise);
    await expect(closing).rejects.toThrow('listener failed');
    off();
    expect(await s.get(Account, 1)).toBeInstanceOf(Account);
    await s.close();
    expect(ctx.engine.pool.checkedOut).toBe(0);
  });

  it('flushing one changed object gives the same UPDATE in a transaction and in a savepoint', async () => {
    await seed(2);
    const log = logStatements(ctx.engine);
    const s = ctx.Session();
    try {
      const a = (await s.get(Account, 1)) as Account;
      a.age = 41;
      log.clear();
      await s.flush();
      const root = log.statements.filter((x) => x.startsWith('UPDATE'));
      const sp = await s.beginNested();
      const b = (await s.get(Account, 2)) as Account;
      b.age = 42;
      log.clear();
      await s.flush();
      const nested = log.statements.filter((x) => x.startsWith('UPDATE'));
      expect(nested).toEqual(root);
      await sp.commit();
      await s.commit();
    } finally {
      log.stop();
      await s.close();
    }
    expect(await ages()).toEqual([41, 42]);
  });

  it('a flush after a failed one raises PendingRollbackError; a closed session refuses new work', async () => {
    await seed(2);
    const s = ctx.Session();
    try {
      const a = (await s.get(Account, 1)) as Account;
      const b = (await s.get(Account, 2)) as Account;
      b.name = a.name; // unique violation
      await expect(s.flush()).rejects.toThrow();
      b.age = 50;
      await expect(s.flush()).rejects.toBeInstanceOf(PendingRollbackError);
      await s.rollback();
    } finally {
      await s.close();
    }
    const closed = ctx.Session({ closeResetsOnly: false });
    await closed.get(Account, 1);
    await closed.close();
    await expect(closed.get(Account, 1)).rejects.toBeInstanceOf(InvalidRequestError);
  });

  it('Connection: begin, commit and close answer as the general path does', async () => {
    const conn = await ctx.engine.connect();
    const tx = await conn.begin();
    expect(tx.isActive).toBe(true);
    await expect(conn.begin()).rejects.toBeInstanceOf(InvalidRequestError);
    await conn.commit();
    expect(tx.isActive).toBe(false);
    await conn.commit(); // nothing to commit: resolves
    const closing = conn.close();
    expect(closing).toBeInstanceOf(Promise);
    await closing;
    const committing = conn.commit();
    expect(committing).toBeInstanceOf(Promise);
    await expect(committing).rejects.toBeInstanceOf(ResourceClosedError);
    await expect(conn.begin()).rejects.toBeInstanceOf(ResourceClosedError);
    expect(ctx.engine.pool.checkedOut).toBe(0);
  });
});
