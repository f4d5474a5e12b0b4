import { expect } from 'vitest';
import { InvalidRequestError } from '../../src/errors.js';
import { MetaData, select } from '../../src/sql/index.js';
import { Model } from '../../src/orm/index.js';
import { describeOrm } from './helpers.js';

const metadata = new MetaData();
const users = metadata.table('orm_conc_users', (t) => ({
  id: t.integer().primaryKey(),
  name: t.text().notNull(),
}));
class User extends Model(users) {}

describeOrm('concurrent use of one session', metadata, (ctx) => {
  const { it } = ctx;

  it('Promise.all over one session raises a clear error instead of interleaving', async () => {
    const s = ctx.Session();
    s.addAll([new User({ name: 'a' }), new User({ name: 'b' })]);
    await s.commit();
    const results = await Promise.allSettled([s.execute(select(users)), s.execute(select(users))]);
    expect(results[0]!.status).toBe('fulfilled');
    expect(results[1]!.status).toBe('rejected');
    const err = (results[1] as PromiseRejectedResult).reason as InvalidRequestError;
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect(err.code).toBe('isce');
    expect(err.message).toMatch(
      /^This Session is already running execute\(\); concurrent operations on one Session are not permitted/,
    );
    const ids = (await s.scalars(select(User))).all().map((u) => u.id);
    await s.close();
    const s2 = ctx.Session();
    const gets = await Promise.allSettled(ids.map((id) => s2.get(User, id)));
    expect(gets.map((g) => g.status)).toEqual(['fulfilled', 'rejected']);
    // identity-map hits do no I/O, so they may overlap
    const hits = await Promise.all(ids.map((id) => s2.get(User, id)));
    expect(hits[0]!.id).toBe(ids[0]);
    await expect(Promise.all([s2.commit(), s2.flush()])).rejects.toThrow(
      /already running commit\(\)/,
    );
    await s2.close();
  });

  it('close() waits for an operation in flight, then closes', async () => {
    const s = ctx.Session();
    const pending = s.execute(select(users));
    const closing = s.close();
    const closingAgain = s.close();
    await pending;
    await closing;
    await closingAgain;
    expect(s.inTransaction()).toBe(false);
    expect(ctx.engine.pool.checkedOut).toBe(0);
  });

  it('sequential use from several async steps is fine', async () => {
    const s = ctx.Session();
    for (let i = 0; i < 5; i++) {
      s.add(new User({ name: `n${i}` }));
      await s.flush();
      await s.execute(select(users.c.id));
    }
    await s.commit();
    await s.close();
  });
});
