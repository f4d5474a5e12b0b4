/**
 * The raw side must be the fastest honest way to do each workload with its driver. Where the
 * driver offers a choice, this script times the alternatives against each other, alternating
 * them round by round so that machine load affects all alike, and prints the medians:
 *
 *   npx tsx bench/raw-variants.ts [sqlite|postgresql|mariadb ...] [--rounds 15]
 *
 * The raw modules in `bench/raw/` use the winners; docs/performance.md records the outcome.
 */
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2';
import pg from 'pg';
import { URL_VARIABLES } from './config.js';
import { dataset, distinctIds, isTenth, randomIds } from './data.js';
import type { UserRow } from './data.js';
import { INSERT_BATCH, caseUpdates, insertParams, valuesList } from './raw/common.js';
import { MariadbAdmin, mysqlUri } from './raw/mariadb.js';
import { PostgresqlAdmin } from './raw/postgresql.js';
import { SqliteAdmin, openSqlite } from './raw/sqlite.js';
import type { Admin, DbName } from './side.js';
import { TABLE, runConcurrent } from './side.js';

const N = 10_000;
const data = dataset(N);
const COLUMNS = 'id, name, age, email';

/** One alternative: prepares the table (untimed), then does the work (timed). */
interface Variant {
  name: string;
  setup(): Promise<void>;
  run(): Promise<void>;
}

/** A choice between variants for one workload. */
interface Choice {
  workload: string;
  variants: Variant[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function compare(db: DbName, choice: Choice, rounds: number): Promise<void> {
  const times = new Map<string, number[]>(choice.variants.map((v) => [v.name, []]));
  for (let round = 0; round <= rounds; round++) {
    for (const variant of round % 2 ? [...choice.variants].reverse() : choice.variants) {
      await variant.setup();
      const started = performance.now();
      await variant.run();
      // Round 0 warms every variant up.
      if (round > 0) times.get(variant.name)!.push(performance.now() - started);
    }
  }
  const medians = choice.variants.map((v) => ({ name: v.name, ms: median(times.get(v.name)!) }));
  const best = Math.min(...medians.map((m) => m.ms));
  console.log(`${db} ${choice.workload}:`);
  for (const m of medians) {
    const mark = m.ms === best ? '  <- fastest' : ` (${(m.ms / best).toFixed(2)}× the fastest)`;
    console.log(`  ${m.name.padEnd(44)} ${m.ms.toFixed(2).padStart(9)} ms${mark}`);
  }
}

const fresh = (admin: Admin, filled: boolean) => async (): Promise<void> => {
  await admin.recreateTable();
  if (filled) await admin.fill(data);
};

function sqliteChoices(file: string, admin: Admin): Choice[] {
  const db = openSqlite(file);
  const multi = `INSERT INTO ${TABLE} (name, age, email) VALUES ${valuesList(INSERT_BATCH, () => '?')}`;
  const single = `INSERT INTO ${TABLE} (name, age, email) VALUES (?, ?, ?)`;
  const byId = `SELECT ${COLUMNS} FROM ${TABLE} WHERE id = ?`;
  const ids = randomIds(N, N);
  return [
    {
      workload: 'W1 insert 10,000',
      variants: [
        {
          name: '1,000-row INSERTs in a transaction',
          setup: fresh(admin, false),
          run: async () => {
            const stmt = db.prepare(multi);
            db.transaction(() => {
              for (let s = 0; s < N; s += INSERT_BATCH)
                stmt.run(insertParams(data, s, INSERT_BATCH));
            })();
          },
        },
        {
          name: 'single-row INSERTs in a transaction',
          setup: fresh(admin, false),
          run: async () => {
            const stmt = db.prepare(single);
            db.transaction(() => {
              for (let i = 0; i < N; i++) stmt.run(data.names[i], data.ages[i], data.emails[i]);
            })();
          },
        },
      ],
    },
    {
      workload: 'W3 change 1,000 (load included)',
      variants: [
        {
          name: 'a prepared UPDATE per row',
          setup: fresh(admin, true),
          run: async () => {
            const select = db.prepare(`SELECT ${COLUMNS} FROM ${TABLE}`);
            const update = db.prepare(`UPDATE ${TABLE} SET age = ? WHERE id = ?`);
            db.transaction(() => {
              for (const row of select.all() as UserRow[]) {
                if (isTenth(row.id)) update.run(row.age + 1, row.id);
              }
            })();
          },
        },
        {
          name: 'one UPDATE … FROM (VALUES …)',
          setup: fresh(admin, true),
          run: async () => {
            const select = db.prepare(`SELECT ${COLUMNS} FROM ${TABLE}`);
            db.transaction(() => {
              const params: number[] = [];
              for (const row of select.all() as UserRow[]) {
                if (isTenth(row.id)) params.push(row.id, row.age + 1);
              }
              const values = new Array<string>(params.length / 2).fill('(?, ?)').join(', ');
              db.prepare(
                `UPDATE ${TABLE} SET age = v.column2 FROM (VALUES ${values}) AS v WHERE ${TABLE}.id = v.column1`,
              ).run(params);
            })();
          },
        },
        {
          name: 'one UPDATE … SET age = CASE id WHEN …',
          setup: fresh(admin, true),
          run: async () => {
            const select = db.prepare(`SELECT ${COLUMNS} FROM ${TABLE}`);
            db.transaction(() => {
              const whens: number[] = [];
              const ids: number[] = [];
              for (const row of select.all() as UserRow[]) {
                if (isTenth(row.id)) {
                  whens.push(row.id, row.age + 1);
                  ids.push(row.id);
                }
              }
              const cases = new Array<string>(ids.length).fill('WHEN ? THEN ?').join(' ');
              const marks = new Array<string>(ids.length).fill('?').join(', ');
              db.prepare(
                `UPDATE ${TABLE} SET age = CASE id ${cases} END WHERE id IN (${marks})`,
              ).run([...whens, ...ids]);
            })();
          },
        },
      ],
    },
    {
      workload: 'W4 10,000 lookups',
      variants: [
        {
          name: 'prepared SELECT, one read transaction',
          setup: fresh(admin, true),
          run: async () => {
            const stmt = db.prepare(byId);
            db.transaction(() => {
              for (const id of ids) stmt.get(id);
            })();
          },
        },
        {
          name: 'prepared SELECT, autocommit',
          setup: fresh(admin, true),
          run: async () => {
            const stmt = db.prepare(byId);
            for (const id of ids) stmt.get(id);
          },
        },
      ],
    },
  ];
}

function postgresqlChoices(client: pg.Client, admin: Admin): Choice[] {
  const insert = `INSERT INTO ${TABLE} (name, age, email) VALUES ${valuesList(INSERT_BATCH, (i) => `$${i + 1}`)}`;
  const insertAll = async (named: boolean): Promise<void> => {
    await client.query('BEGIN');
    for (let s = 0; s < N; s += INSERT_BATCH) {
      await client.query({
        ...(named ? { name: 'variants_insert' } : {}),
        text: insert,
        values: insertParams(data, s, INSERT_BATCH),
      });
    }
    await client.query('COMMIT');
  };
  const changes = async (): Promise<{ ids: number[]; ages: number[] }> => {
    const rows = (await client.query<UserRow>(`SELECT ${COLUMNS} FROM ${TABLE}`)).rows;
    const ids: number[] = [];
    const ages: number[] = [];
    for (const row of rows) {
      if (isTenth(row.id)) {
        ids.push(row.id);
        ages.push(row.age + 1);
      }
    }
    return { ids, ages };
  };
  const update = (how: (ids: number[], ages: number[]) => Promise<void>) => async () => {
    await client.query('BEGIN');
    const { ids, ages } = await changes();
    await how(ids, ages);
    await client.query('COMMIT');
  };
  const ids = randomIds(2_000, N);
  const byId = `SELECT ${COLUMNS} FROM ${TABLE} WHERE id = $1`;
  return [
    {
      workload: 'W1 insert 10,000',
      variants: [
        {
          name: 'named (prepared) 1,000-row INSERTs',
          setup: fresh(admin, false),
          run: () => insertAll(true),
        },
        {
          name: 'unnamed 1,000-row INSERTs',
          setup: fresh(admin, false),
          run: () => insertAll(false),
        },
      ],
    },
    {
      workload: 'W3 change 1,000 (load included)',
      variants: [
        {
          name: 'one UPDATE … FROM unnest($1::int[], $2::int[])',
          setup: fresh(admin, true),
          run: update(async (ids, ages) => {
            await client.query({
              name: 'variants_unnest',
              text: `UPDATE ${TABLE} SET age = v.age FROM unnest($1::int[], $2::int[]) AS v(id, age) WHERE ${TABLE}.id = v.id`,
              values: [ids, ages],
            });
          }),
        },
        {
          name: 'one UPDATE … FROM (VALUES …) with 2,000 binds',
          setup: fresh(admin, true),
          run: update(async (ids, ages) => {
            const params: number[] = [];
            const groups = ids.map((id, i) => {
              params.push(id, ages[i]!);
              return `($${2 * i + 1}::int, $${2 * i + 2}::int)`;
            });
            await client.query({
              name: `variants_values_${ids.length}`,
              text: `UPDATE ${TABLE} SET age = v.age FROM (VALUES ${groups.join(', ')}) AS v(id, age) WHERE ${TABLE}.id = v.id`,
              values: params,
            });
          }),
        },
        {
          name: 'a prepared UPDATE per row',
          setup: fresh(admin, true),
          run: update(async (ids, ages) => {
            for (let i = 0; i < ids.length; i++) {
              await client.query({
                name: 'variants_update',
                text: `UPDATE ${TABLE} SET age = $1 WHERE id = $2`,
                values: [ages[i], ids[i]],
              });
            }
          }),
        },
      ],
    },
    {
      workload: 'W4 2,000 lookups',
      variants: [
        {
          name: 'named (prepared) SELECT',
          setup: fresh(admin, true),
          run: async () => {
            for (const id of ids)
              await client.query({ name: 'variants_by_id', text: byId, values: [id] });
          },
        },
        {
          name: 'unnamed SELECT',
          setup: fresh(admin, true),
          run: async () => {
            for (const id of ids) await client.query({ text: byId, values: [id] });
          },
        },
      ],
    },
  ];
}

function mariadbChoices(url: string, admin: Admin): { choices: Choice[]; close(): Promise<void> } {
  const core = mysql.createConnection({ uri: mysqlUri(url) });
  const conn = core.promise();
  const pool = mysql.createPool({ uri: mysqlUri(url), connectionLimit: 10 }).promise();
  type Mode = 'execute' | 'query';
  const run = (c: typeof conn, mode: Mode, sql: string, params: (string | number)[]) =>
    mode === 'execute' ? c.execute(sql, params) : c.query(sql, params);
  const insert = `INSERT INTO ${TABLE} (name, age, email) VALUES ${valuesList(INSERT_BATCH, () => '?')}`;
  const select = `SELECT ${COLUMNS} FROM ${TABLE}`;
  const byId = `${select} WHERE id = ?`;
  const update = `UPDATE ${TABLE} SET age = ? WHERE id = ?`;
  const lookups = randomIds(2_000, N);
  const requests = distinctIds(1_000, N);
  const both = (
    workload: string,
    filled: boolean,
    work: (mode: Mode) => Promise<void>,
  ): Choice => ({
    workload,
    variants: (['execute', 'query'] as const).map((mode) => ({
      name: mode === 'execute' ? 'execute (server-prepared, binary rows)' : 'query (text protocol)',
      setup: fresh(admin, filled),
      run: () => work(mode),
    })),
  });
  const stream = (how: 'query-events' | 'execute-events' | 'query-stream') => async () => {
    let count = 0;
    if (how === 'query-stream') {
      for await (const row of core.query(select).stream()) if ((row as UserRow).age > 0) count++;
    } else {
      await new Promise<void>((resolve, reject) => {
        (how === 'query-events' ? core.query(select) : core.execute(select, []))
          .on('result', (row) => {
            if ((row as UserRow).age > 0) count++;
          })
          .on('error', reject)
          .on('end', () => resolve());
      });
    }
    if (count !== streamRows) throw new Error(`${how} streamed ${count} rows of ${streamRows}`);
  };
  const streamRows = 200_000;
  const fillStream = async (): Promise<void> => {
    await admin.recreateTable();
    await admin.fillGenerated(streamRows);
  };
  const choices: Choice[] = [
    both('W1 insert 10,000', false, async (mode) => {
      await conn.beginTransaction();
      for (let s = 0; s < N; s += INSERT_BATCH) {
        await run(conn, mode, insert, insertParams(data, s, INSERT_BATCH) as (string | number)[]);
      }
      await conn.commit();
    }),
    both('W2 load 10,000', true, async (mode) => {
      await run(conn, mode, select, []);
    }),
    both('W3 change 1,000 (load included)', true, async (mode) => {
      await conn.beginTransaction();
      const [rows] = await run(conn, mode, select, []);
      for (const row of rows as UserRow[]) {
        if (isTenth(row.id)) await run(conn, mode, update, [row.age + 1, row.id]);
      }
      await conn.commit();
    }),
    {
      workload: 'W3 change 1,000 (load included), batched',
      variants: [
        {
          name: 'execute: a prepared UPDATE per row',
          setup: fresh(admin, true),
          run: async () => {
            await conn.beginTransaction();
            const [rows] = await conn.execute(select, []);
            for (const row of rows as UserRow[]) {
              if (isTenth(row.id)) await conn.execute(update, [row.age + 1, row.id]);
            }
            await conn.commit();
          },
        },
        ...[1000, 250, 100].map((batch) => ({
          name: `execute: UPDATE … SET age = CASE id WHEN … in statements of ${batch} rows`,
          setup: fresh(admin, true),
          run: async () => {
            await conn.beginTransaction();
            const [rows] = await conn.execute(select, []);
            for (const { sql, params } of caseUpdates(rows as UserRow[], batch)) {
              await conn.execute(sql, params);
            }
            await conn.commit();
          },
        })),
      ],
    },
    both('W4 2,000 lookups', true, async (mode) => {
      for (const id of lookups) await run(conn, mode, byId, [id]);
    }),
    both('W5 1,000 requests, 50 in flight, pool of 10', true, async (mode) => {
      await runConcurrent(requests.length, 50, async (i) => {
        const c = await pool.getConnection();
        try {
          await c.beginTransaction();
          const [rows] = await run(c, mode, byId, [requests[i]!]);
          await run(c, mode, update, [(rows as UserRow[])[0]!.age + 1, requests[i]!]);
          await c.commit();
        } finally {
          c.release();
        }
      });
    }),
    {
      workload: `W7 stream ${streamRows} rows`,
      variants: [
        { name: 'query() row events', setup: fillStream, run: stream('query-events') },
        { name: 'execute() row events', setup: fillStream, run: stream('execute-events') },
        { name: 'query().stream() with for await', setup: fillStream, run: stream('query-stream') },
      ],
    },
  ];
  return {
    choices,
    close: async () => {
      await pool.end();
      await conn.end();
    },
  };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { rounds: { type: 'string', default: '15' } },
    allowPositionals: true,
  });
  const rounds = Number(values.rounds);
  const dbs = (positionals.length ? positionals : ['sqlite', 'postgresql', 'mariadb']) as DbName[];
  for (const db of dbs) {
    if (db === 'sqlite') {
      const folder = mkdtempSync(join(tmpdir(), 'athanor-variants-'));
      const file = join(folder, 'variants.db');
      const admin = new SqliteAdmin(file);
      for (const choice of sqliteChoices(file, admin)) await compare(db, choice, rounds);
      await admin.close();
      rmSync(folder, { recursive: true, force: true });
      continue;
    }
    const url = URL_VARIABLES[db].map((v) => process.env[v]).find(Boolean);
    if (!url) {
      console.log(`${db}: skipped, set ${URL_VARIABLES[db].join(' or ')}`);
      continue;
    }
    if (db === 'postgresql') {
      const admin = await PostgresqlAdmin.open(url);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      for (const choice of postgresqlChoices(client, admin)) await compare(db, choice, rounds);
      await client.end();
      await admin.close();
    } else {
      const admin = new MariadbAdmin(url);
      const { choices, close } = mariadbChoices(url, admin);
      for (const choice of choices) await compare(db, choice, rounds);
      await close();
      await admin.close();
    }
  }
}

await main();
