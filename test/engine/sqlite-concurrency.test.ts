import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { OperationalError } from '../../src/errors.js';
import { createEngine } from '../../src/engine/create-engine.js';
import type { Engine } from '../../src/engine/engine.js';
import { text } from '../../src/sql/text.js';
import { sqliteFileUrl } from '../helpers/databases.js';
import { sleep } from './helpers.js';

const T = 'eng_lite_items';
const engines: Engine[] = [];

async function fileEngine(options: Parameters<typeof createEngine>[1] = {}): Promise<Engine> {
  const engine = createEngine(sqliteFileUrl(), options);
  engines.push(engine);
  await engine.begin(
    async (c) =>
      void (await c.execute(text(`CREATE TABLE ${T} (id INTEGER PRIMARY KEY, who TEXT)`))),
  );
  return engine;
}

/** Counts event-loop turns while `work` runs: proof that nothing blocked the loop. */
async function ticksDuring(work: Promise<unknown>): Promise<{ ticks: number; error: unknown }> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 10);
  let error: unknown;
  try {
    await work;
  } catch (e) {
    error = e;
  } finally {
    clearInterval(timer);
  }
  return { ticks, error };
}

afterEach(async () => {
  for (const e of engines.splice(0)) await e.dispose();
});

describe('SQLite concurrency (one writer at a time, never blocking the event loop)', () => {
  it('uses WAL for file databases and busy_timeout 0', async () => {
    const engine = await fileEngine();
    const c = await engine.connect();
    expect(String(await c.scalar(text('PRAGMA journal_mode')))).toBe('wal');
    expect(Number(await c.scalar(text('PRAGMA busy_timeout')))).toBe(0);
    await c.close();
  });

  it('a second writer waits asynchronously for the first to commit', async () => {
    const engine = await fileEngine();
    const first = await engine.connect();
    const second = await engine.connect();
    await first.execute(text(`INSERT INTO ${T} (id, who) VALUES (1, 'first')`));
    let secondDone = false;
    const secondWrite = second
      .execute(text(`INSERT INTO ${T} (id, who) VALUES (2, 'second')`))
      .then(() => (secondDone = true));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    await sleep(250);
    clearInterval(timer);
    expect(secondDone).toBe(false);
    expect(ticks).toBeGreaterThanOrEqual(10); // the loop kept running while the writer waited
    await first.commit();
    await secondWrite;
    await second.commit();
    const rows = (await first.execute(text(`SELECT id, who FROM ${T} ORDER BY id`))).all();
    expect(rows.map((r) => r.who)).toEqual(['first', 'second']);
    await first.close();
    await second.close();
  });

  it('readers are never blocked by a writer and see only committed data', async () => {
    const engine = await fileEngine();
    const writer = await engine.connect();
    await writer.execute(text(`INSERT INTO ${T} (id, who) VALUES (1, 'w')`));
    const reader = await engine.connect();
    expect(Number(await reader.scalar(text(`SELECT count(*) FROM ${T}`)))).toBe(0);
    await writer.commit();
    await reader.rollback();
    expect(Number(await reader.scalar(text(`SELECT count(*) FROM ${T}`)))).toBe(1);
    await writer.close();
    await reader.close();
  });

  it('a writer that waits longer than poolTimeout gets OperationalError: database is locked', async () => {
    const engine = await fileEngine({ poolTimeout: 0.3 });
    const first = await engine.connect();
    const second = await engine.connect();
    await first.execute(text(`INSERT INTO ${T} (id, who) VALUES (1, 'first')`));
    const started = Date.now();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const err = await second
      .execute(text(`INSERT INTO ${T} (id, who) VALUES (:id, :who)`), { id: 2, who: 'second' })
      .catch((e: unknown) => e);
    clearInterval(timer);
    const waited = Date.now() - started;
    expect(err).toBeInstanceOf(OperationalError);
    expect((err as OperationalError).message).toContain('database is locked');
    expect((err as OperationalError).statement).toContain(`INSERT INTO ${T}`);
    expect(waited).toBeGreaterThanOrEqual(280);
    expect(waited).toBeLessThan(3000);
    expect(ticks).toBeGreaterThanOrEqual(10);
    await second.rollback();
    // The first writer is unaffected and the second can write once the first is done.
    await first.commit();
    await second.execute(text(`INSERT INTO ${T} (id, who) VALUES (2, 'second')`));
    await second.commit();
    await first.close();
    await second.close();
  });

  it('many concurrent writers each run a transaction; none fails, none deadlocks', async () => {
    const engine = await fileEngine({ poolSize: 5, maxOverflow: 5 });
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        engine.begin(async (c) => {
          await c.execute(text(`INSERT INTO ${T} (id, who) VALUES (:id, 'w')`), { id: i + 1 });
          await sleep(1);
          await c.execute(text(`UPDATE ${T} SET who = 'done' WHERE id = :id`), { id: i + 1 });
        }),
      ),
    );
    const c = await engine.connect();
    expect(Number(await c.scalar(text(`SELECT count(*) FROM ${T} WHERE who = 'done'`)))).toBe(50);
    await c.close();
    expect(engine.pool.checkedOut).toBe(0);
  });

  it('SQLITE_BUSY from another process is retried asynchronously until it frees the lock', async () => {
    const engine = await fileEngine({ poolTimeout: 10 });
    const file = engine.url.database as string;
    const holder = holdLockInChild(file, 400);
    await holder.locked;
    const c = await engine.connect();
    const { ticks, error } = await ticksDuring(
      c.execute(text(`INSERT INTO ${T} (id, who) VALUES (1, 'after-child')`)),
    );
    expect(error).toBeUndefined();
    expect(ticks).toBeGreaterThanOrEqual(5);
    await c.commit();
    expect(String(await c.scalar(text(`SELECT who FROM ${T} WHERE id = 1`)))).toBe('after-child');
    await c.close();
    await holder.done;
  });

  it('SQLITE_BUSY from another process past poolTimeout is OperationalError', async () => {
    const engine = await fileEngine({ poolTimeout: 0.3 });
    const file = engine.url.database as string;
    const holder = holdLockInChild(file, 1500);
    await holder.locked;
    const c = await engine.connect();
    const started = Date.now();
    const err = await c
      .execute(text(`INSERT INTO ${T} (id, who) VALUES (1, 'x')`))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationalError);
    expect((err as Error).message).toContain('database is locked');
    expect(Date.now() - started).toBeLessThan(1400);
    await c.close();
    await holder.done;
  });

  it('a transaction that read stale data and then writes gets a clear error; beginImmediate avoids it', async () => {
    const engine = await fileEngine();
    const a = await engine.connect();
    const b = await engine.connect();
    await a.execute(text(`SELECT count(*) FROM ${T}`));
    await b.execute(text(`INSERT INTO ${T} (id, who) VALUES (1, 'b')`));
    await b.commit();
    const err = await a
      .execute(text(`INSERT INTO ${T} (id, who) VALUES (2, 'a')`))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OperationalError);
    expect((err as Error).message).toMatch(/SQLITE_BUSY_SNAPSHOT.*beginImmediate/s);
    await a.close();
    await b.close();

    const immediate = createEngine(engine.url, { connectArgs: { beginImmediate: true } });
    engines.push(immediate);
    const order: string[] = [];
    await Promise.all(
      ['x', 'y'].map((who, i) =>
        immediate.begin(async (c) => {
          const n = Number(await c.scalar(text(`SELECT count(*) FROM ${T}`)));
          await sleep(20);
          await c.execute(text(`INSERT INTO ${T} (id, who) VALUES (:id, :who)`), {
            id: 10 + i,
            who,
          });
          order.push(`${who}:${n}`);
        }),
      ),
    );
    // Serialised: the second transaction saw the first one's row.
    expect(order).toEqual(['x:1', 'y:2']);
  });

  it('an in-memory database shares one connection and serialises transactions on it', async () => {
    const engine = createEngine('sqlite://');
    engines.push(engine);
    await engine.begin(
      async (c) => void (await c.execute(text(`CREATE TABLE ${T} (id INTEGER PRIMARY KEY)`))),
    );
    const order: string[] = [];
    await Promise.all([
      engine.begin(async (c) => {
        order.push('a-begin');
        await c.execute(text(`INSERT INTO ${T} (id) VALUES (1)`));
        await sleep(50);
        order.push('a-end');
      }),
      engine.begin(async (c) => {
        await c.execute(text(`INSERT INTO ${T} (id) VALUES (2)`));
        order.push('b');
      }),
    ]);
    expect(order).toEqual(['a-begin', 'a-end', 'b']);
    const c = await engine.connect();
    expect(Number(await c.scalar(text(`SELECT count(*) FROM ${T}`)))).toBe(2);
    await c.close();
  });
});

/** A child process that opens the file, takes the write lock, holds it `ms`, then commits. */
function holdLockInChild(file: string, ms: number): { locked: Promise<void>; done: Promise<void> } {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(file)});
    db.exec('BEGIN IMMEDIATE');
    db.exec("INSERT INTO ${T} (id, who) VALUES (1000, 'child')");
    process.stdout.write('locked\\n');
    setTimeout(() => { db.exec('COMMIT'); db.close(); process.exit(0); }, ${ms});
  `;
  const child = spawn(process.execPath, ['-e', script], {
    cwd: process.cwd(),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const locked = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('locked')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`child exited early (${code})`)));
  });
  const done = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { locked, done };
}
