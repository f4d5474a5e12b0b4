/**
 * The floor under W5 on SQLite, without any JavaScript layer: better-sqlite3 alone running
 * W5's transaction (BEGIN IMMEDIATE, SELECT by id, UPDATE, COMMIT) 2,000 times, on one
 * connection and on 10 connections in turn (what a pool of 10 does while every connection
 * waits for the write lock), with the time spent in each statement:
 *
 *   tsx bench/sqlite-rotation.ts [--rounds N]
 *
 * A transaction on another connection than the last one finds the database changed and
 * starts with an empty page cache, so its first read costs several times more. The sides
 * alternate within each round; medians over the rounds are printed.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const REQUESTS = 2000;
const ROWS = 10_000;
const STATEMENTS = ['BEGIN IMMEDIATE', 'SELECT', 'UPDATE', 'COMMIT'] as const;

type Statement = Database.Statement;
interface Connection {
  begin: Statement;
  select: Statement;
  update: Statement;
  commit: Statement;
}

function open(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  return db;
}

function prepare(db: Database.Database): Connection {
  return {
    begin: db.prepare('BEGIN IMMEDIATE'),
    select: db.prepare('SELECT id, name, age, email FROM users WHERE id = ?').raw(true),
    update: db.prepare('UPDATE users SET age = ? WHERE id = ?'),
    commit: db.prepare('COMMIT'),
  };
}

/** Runs the requests over `conns` in turn; returns the total and per-statement µs/request. */
function run(conns: readonly Connection[], offset: number): number[] {
  let begin = 0;
  let select = 0;
  let update = 0;
  let commit = 0;
  const started = performance.now();
  for (let i = 0; i < REQUESTS; i++) {
    const c = conns[i % conns.length]!;
    const id = 1 + ((offset + i * 7919) % ROWS);
    let t = performance.now();
    c.begin.run();
    let now = performance.now();
    begin += now - t;
    t = now;
    const row = c.select.get(id) as [number, string, number, string];
    now = performance.now();
    select += now - t;
    t = now;
    c.update.run(row[2] + 1, id);
    now = performance.now();
    update += now - t;
    t = now;
    c.commit.run();
    commit += performance.now() - t;
  }
  const total = performance.now() - started;
  return [total, ...[begin, select, update, commit].map((ms) => (ms * 1000) / REQUESTS)];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

function main(): void {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '15' } } });
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds takes a whole number');
  const folder = mkdtempSync(join(tmpdir(), 'athanor-rotation-'));
  const file = join(folder, 'rotation.db');
  const admin = open(file);
  try {
    admin.exec(
      'CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER NOT NULL, email TEXT NOT NULL)',
    );
    const insert = admin.prepare('INSERT INTO users (name, age, email) VALUES (?, ?, ?)');
    admin.transaction(() => {
      for (let i = 1; i <= ROWS; i++)
        insert.run(`user ${i}`, 18 + (i % 80), `user${i}@example.com`);
    })();
    const dbs = Array.from({ length: 10 }, () => open(file));
    const all = dbs.map(prepare);
    const sides = { 'one connection': all.slice(0, 1), '10 in turn': all };
    const results = new Map<string, number[][]>();
    for (let round = 0; round <= rounds; round++) {
      for (const [name, conns] of Object.entries(sides)) {
        const r = run(conns, round * REQUESTS);
        // Round 0 warms up.
        if (round > 0) results.set(name, [...(results.get(name) ?? []), r]);
      }
    }
    console.log(
      `${REQUESTS} transactions (BEGIN IMMEDIATE, SELECT, UPDATE, COMMIT), medians of ${rounds} rounds`,
    );
    console.log(
      `${'side'.padEnd(16)} ${'total ms'.padStart(9)}  µs per request: ${STATEMENTS.join(' / ')}`,
    );
    for (const [name, runs] of results) {
      const cols = runs[0]!.map((_, i) => median(runs.map((r) => r[i]!)));
      const [total, ...perStatement] = cols;
      console.log(
        `${name.padEnd(16)} ${total!.toFixed(1).padStart(9)}  ${perStatement.map((v) => v.toFixed(2)).join(' / ')}`,
      );
    }
    for (const db of dbs) db.close();
  } finally {
    admin.close();
    rmSync(folder, { recursive: true, force: true });
  }
}

main();
