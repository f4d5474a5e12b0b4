/**
 * Athanor in one sitting: an engine with its connection pool, a mapped class, and the Session
 * from first `add()` to scoped sessions, with every SQL statement echoed as it runs.
 *
 *   npx tsx examples/quickstart.ts                 # a SQLite file, ./quickstart.db
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npx tsx examples/quickstart.ts
 *   DATABASE_URL=mysql://root@127.0.0.1:3306/test npx tsx examples/quickstart.ts
 *
 * The script drops and recreates its one table (`quickstart_users`) on every run, so it can be
 * run again and again. Lines starting with a timestamp are the engine's echo (`echo: true`);
 * lines starting with `→` explain what just happened.
 */
import {
  createEngine,
  inspect,
  MetaData,
  Model,
  scopedSession,
  select,
  sessionmaker,
} from '../src/index.js'; // in an application: from 'athanor'

/** Prints a numbered section headline. */
function step(n: number, title: string): void {
  console.log(`\n== ${n}. ${title} ==`);
}

/** Prints an explanation of what the lines above it did. */
function say(text: string): void {
  console.log(`→ ${text}`);
}

// ---------------------------------------------------------------------------------------------
step(1, 'An engine with a connection pool');
// createEngine() does not connect: the pool opens connections when they are first needed.
// The pool options are SQLAlchemy's, in camelCase, with times in seconds.
const engine = createEngine(process.env.DATABASE_URL ?? 'sqlite:///quickstart.db', {
  echo: true, // log every statement and its parameters
  poolSize: 5, // connections kept open in the pool
  maxOverflow: 10, // extra connections allowed under load, closed when returned
  poolTimeout: 30, // seconds to wait for a free connection before PoolTimeoutError
  poolRecycle: 3600, // replace connections older than an hour
  poolPrePing: true, // test a connection before handing it out; replace it if dead
});
say(`${String(engine)}: no connection is open yet`);
say(`pool before: ${engine.pool.status()}`);

// ---------------------------------------------------------------------------------------------
step(2, 'A session factory: sessionmaker(), then configure({ bind })');
// The factory is usually created where the models live, before any engine exists; the
// application binds it at startup. Defaults: autoflush true, expireOnCommit true.
const Session = sessionmaker();
Session.configure({ bind: engine });
say(String(Session));

// ---------------------------------------------------------------------------------------------
step(3, 'A User model and its table');
const metadata = new MetaData();
const users = metadata.table('quickstart_users', (t) => ({
  id: t.integer().primaryKey(), // an integer primary key is autoincrement
  name: t.text().notNull(),
  age: t.integer(),
}));

/** A mapped class: the table's columns become typed properties; methods and getters are yours. */
class User extends Model(users) {
  get isAdult(): boolean {
    return (this.age ?? 0) >= 18;
  }
}

// Start from an empty table on every run. The existence checks of dropAll() are noise, so the
// echo is off for it; the CREATE TABLE is worth seeing.
engine.echo = false;
await metadata.dropAll(engine);
engine.echo = true;
await metadata.createAll(engine, { checkFirst: false });
say(
  `table quickstart_users created; dialect ${engine.name}, driver ${engine.driver}, server ${engine.dialect.serverVersion}`,
);

// ---------------------------------------------------------------------------------------------
step(4, 'Add and commit');
const session = Session();
const ada = new User({ name: 'Ada', age: 36 });
session.add(ada);
session.addAll([new User({ name: 'Grace', age: 85 }), new User({ name: 'Linus', age: 17 })]);
say(
  `pending, not yet in the database: ${session.new.size} objects; ada is pending: ${inspect(ada).pending}`,
);
say('no SQL so far; commit() flushes (INSERT), then COMMITs:');
await session.commit();
// The primary key stays readable after commit; the other columns are expired (see step 12).
const adaId = ada.id;
say(`ada is persistent: ${inspect(ada).persistent}, with primary key ${adaId}`);

// ---------------------------------------------------------------------------------------------
step(5, 'Get by id, update, commit');
// The commit expired every loaded object, so get() finds Ada in the identity map but loads
// her row again: the next transaction sees the latest state.
const user = await session.get(User, adaId);
if (user === null) throw new Error('Ada should be there');
say(`get(User, ${adaId}) returned the same object as before: ${user === ada}`);
say(`${user.name} is ${user.age}, adult: ${user.isAdult}`);
user.age = 37;
say(
  `changed in memory only; dirty objects: ${session.dirty.size}, modified: ${session.isModified(user)}`,
);
await session.commit();
say('commit() sent one UPDATE with only the changed column');

// ---------------------------------------------------------------------------------------------
step(6, 'Query all');
const everyone = await session.query(User).orderBy(User.c.id).all();
for (const u of everyone) say(`#${u.id} ${u.name}, ${u.age}`);
// The same with a 2.0-style statement:
const adults = (
  await session.scalars(select(User).where(User.c.age.ge(18)).orderBy(User.c.name))
).all();
say(`adults: ${adults.map((u) => u.name).join(', ')}`);

// ---------------------------------------------------------------------------------------------
step(7, 'Delete');
const linus = everyone.find((u) => u.name === 'Linus')!;
await session.delete(linus);
say(`marked for deletion: ${session.deleted.size}; the DELETE goes out at the next flush`);
await session.commit();
say(`users left: ${await session.query(User).count()}`);

// ---------------------------------------------------------------------------------------------
step(8, 'Close');
// close() rolls back what is uncommitted, returns the connection to the pool and detaches the
// objects. `await using s = Session()` closes at the end of a block; Session.begin() (next
// step) closes too.
say(`before close(): ${engine.pool.status()}`);
await session.close();
say(`after close(), the connection is back in the pool: ${engine.pool.status()}`);
say(`ada is detached now: ${inspect(ada).detached}`);

// ---------------------------------------------------------------------------------------------
step(9, 'The session_scope pattern: Session.begin() commits, or rolls back on error');
// Session.begin(fn) makes a Session, runs fn in its transaction, commits when fn resolves,
// rolls back when it throws, and always closes the Session.
await Session.begin(async (s) => {
  s.add(new User({ name: 'Ann', age: 5 }));
});
say('Ann was committed');

try {
  await Session.begin(async (s) => {
    s.add(new User({ name: 'Bob', age: 40 }));
    await s.flush(); // the INSERT is sent ...
    throw new Error('something went wrong after the INSERT');
  });
} catch (error) {
  say(`Session.begin() rethrew: ${(error as Error).message}`);
}
const bob = await Session.begin((s) => s.query(User).filter(User.c.name.eq('Bob')).first());
say(`... and rolled it back: Bob is in the database: ${bob !== null}`);

// ---------------------------------------------------------------------------------------------
step(10, 'Two sessions: uncommitted changes are invisible to the other');
{
  const a = Session();
  const b = Session();
  a.add(new User({ name: 'Cy', age: 23 }));
  await a.flush(); // INSERT inside A's transaction, not committed
  const seenByA = await a.query(User).filter(User.c.name.eq('Cy')).first();
  const seenByB = await b.query(User).filter(User.c.name.eq('Cy')).first();
  say(`session A sees Cy: ${seenByA !== null}`);
  say(`session B sees Cy: ${seenByB !== null} (uncommitted)`);
  await a.commit();
  // Whether B's transaction, still open, sees the commit depends on the isolation level: yes
  // under PostgreSQL's READ COMMITTED; no under SQLite's SERIALIZABLE or MariaDB's
  // REPEATABLE READ, where B keeps the snapshot of its first read.
  const stillOpen = await b.query(User).filter(User.c.name.eq('Cy')).first();
  const isolation = engine.dialect.defaultIsolationLevel ?? 'unknown';
  say(`A committed; B's open transaction (${isolation}) sees Cy: ${stillOpen !== null}`);
  // A new transaction always does, so B ends its own and looks again.
  await b.rollback();
  const later = await b.query(User).filter(User.c.name.eq('Cy')).first();
  say(`after B starts a new transaction, B sees Cy: ${later !== null}`);
  await a.close();
  await b.close();
}

// ---------------------------------------------------------------------------------------------
step(11, 'autoflush on and off');
{
  // On (the default): a query first flushes pending changes, so it finds them.
  const s = Session();
  s.add(new User({ name: 'Dee', age: 41 }));
  const dee = await s.query(User).filter(User.c.name.eq('Dee')).first();
  say(`autoflush on: the query flushed the INSERT first and found Dee: ${dee !== null}`);
  await s.rollback();
  await s.close();

  // Off: pending objects stay in memory until flush() (or commit()).
  const quiet = Session({ autoflush: false });
  quiet.add(new User({ name: 'Eve', age: 29 }));
  const before = await quiet.query(User).filter(User.c.name.eq('Eve')).first();
  say(`autoflush off: the query did not flush, Eve not found: ${before === null}`);
  await quiet.flush();
  const after = await quiet.query(User).filter(User.c.name.eq('Eve')).first();
  say(`after an explicit flush() the query finds Eve: ${after !== null}`);
  await quiet.rollback();
  say('rolled back: neither Dee nor Eve was committed');
  await quiet.close();
}

// ---------------------------------------------------------------------------------------------
step(12, 'expireOnCommit');
{
  // On (the default): commit() expires every loaded object, so nothing stale survives a
  // transaction. Attribute access never does I/O, so reading an expired attribute throws.
  const s = Session();
  const grace = await s.query(User).filter(User.c.name.eq('Grace')).one();
  grace.age = 86;
  await s.commit();
  try {
    say(`grace.age is ${grace.age}`); // throws: expired by the commit
  } catch (error) {
    say(`${(error as Error).name}: ${(error as Error).message}`);
  }
  await s.refresh(grace);
  say(`after await session.refresh(grace): ${grace.name} is ${grace.age}`);
  await s.close();

  // Off: values stay loaded after commit (handy for returning what was just saved).
  const keep = Session({ expireOnCommit: false });
  const ann = await keep.query(User).filter(User.c.name.eq('Ann')).one();
  ann.age = 6;
  await keep.commit();
  say(`expireOnCommit: false: ann.age is still readable after commit, no SELECT: ${ann.age}`);
  await keep.close();
}

// ---------------------------------------------------------------------------------------------
step(13, 'A scoped session, and remove()');
{
  // A registry that hands out one Session per scope. The scope is the async context:
  // Scoped.run() (or a request, with Scoped.handler/middleware) gives a fresh one; outside
  // any, there is one process-wide scope, the equivalent of SQLAlchemy's main thread.
  const Scoped = scopedSession(Session);
  const first = Scoped();
  say(`Scoped() returns the same Session within a scope: ${Scoped() === first}`);
  Scoped.add(new User({ name: 'Fay', age: 52 })); // proxies to the current Session
  await Scoped.commit();
  await Scoped.remove(); // closes the Session and forgets it
  const second = Scoped();
  say(`after remove() the next call makes a new Session: ${second !== first}`);
  await Scoped.remove();

  // Every Scoped.run() is its own scope; its Session is removed when the callback settles.
  const names = await Promise.all(
    ['Gus', 'Hal'].map((name) =>
      Scoped.run(async () => {
        Scoped.add(new User({ name, age: 30 }));
        await Scoped.commit();
        return `${name} in Session #${Scoped().hashKey}`;
      }),
    ),
  );
  say(`two concurrent scopes, two Sessions: ${names.join(', ')}`);
}

// ---------------------------------------------------------------------------------------------
step(14, 'pool.status() after, and dispose()');
{
  const s = Session();
  const all = await s.query(User).orderBy(User.c.name).all();
  say(`users: ${all.map((u) => u.name).join(', ')}`);
  say(`while a session holds a transaction: ${engine.pool.status()}`);
  await s.close();
}
say(`pool after: ${engine.pool.status()}`);
say('every connection is checked in; dispose() closes them');
await engine.dispose();
say(`after dispose(): ${engine.pool.status()}`);
