/**
 * node-postgres done the fastest honest way: one client, named (server-prepared) statements,
 * multi-row INSERTs of 1,000 rows in one transaction, rows as the driver's plain objects,
 * `pg.Pool` for the concurrency workload and a server-side cursor for streaming.
 */
import pg from 'pg';
import type { Dataset, UserRow } from '../data.js';
import { isTenth } from '../data.js';
import type { Admin, MemoryProbe, Side, StreamOutcome } from '../side.js';
import { SAMPLE_EVERY, TABLE, runConcurrent } from '../side.js';
import { INSERT_BATCH, insertParams, insertSql } from './common.js';

const COLUMNS = `id, name, age, email`;
/** Rows per FETCH from the W7 cursor. */
const FETCH_SIZE = 1000;

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // Keep NOTICEs ("table does not exist, skipping") off stderr.
  client.on('notice', () => {});
  return client;
}

async function insertAll(client: pg.Client, data: Dataset): Promise<void> {
  await client.query('BEGIN');
  try {
    for (let start = 0; start < data.n; start += INSERT_BATCH) {
      const rows = Math.min(INSERT_BATCH, data.n - start);
      await client.query({
        name: `bench_insert_${rows}`,
        text: insertSql(rows, 'dollar'),
        values: insertParams(data, start, rows),
      });
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/** Setup and inspection on one client. */
export class PostgresqlAdmin implements Admin {
  private constructor(private readonly client: pg.Client) {}
  static async open(url: string): Promise<PostgresqlAdmin> {
    return new PostgresqlAdmin(await connect(url));
  }
  async dropTable(): Promise<void> {
    await this.client.query(`DROP TABLE IF EXISTS ${TABLE}`);
  }
  async recreateTable(): Promise<void> {
    await this.client.query(`DROP TABLE IF EXISTS ${TABLE}`);
    await this.client.query(
      `CREATE TABLE ${TABLE} (id SERIAL PRIMARY KEY, name TEXT NOT NULL, age INTEGER NOT NULL, email TEXT NOT NULL)`,
    );
  }
  async fill(data: Dataset): Promise<void> {
    await insertAll(this.client, data);
    await this.client.query(`ANALYZE ${TABLE}`);
  }
  async fillGenerated(n: number): Promise<void> {
    await this.client.query(
      `INSERT INTO ${TABLE} (name, age, email) SELECT 'user ' || i, i % 80 + 18, 'user ' || i || '@example.com' FROM generate_series(1, $1::int) AS i`,
      [n],
    );
    await this.client.query(`ANALYZE ${TABLE}`);
  }
  async selectAll(): Promise<UserRow[]> {
    return (await this.client.query<UserRow>(`SELECT ${COLUMNS} FROM ${TABLE} ORDER BY id`)).rows;
  }
  async version(): Promise<string> {
    return (
      await this.client.query<{ v: string }>("SELECT current_setting('server_version') AS v")
    ).rows[0]!.v.split(' ')[0]!;
  }
  async close(): Promise<void> {
    await this.client.end();
  }
}

/** The raw side on PostgreSQL. */
export class PostgresqlRaw implements Side {
  private pool: pg.Pool | undefined;
  private constructor(
    private readonly url: string,
    private readonly client: pg.Client,
    private readonly poolSize: number,
  ) {}

  static async open(url: string, poolSize: number): Promise<PostgresqlRaw> {
    return new PostgresqlRaw(url, await connect(url), poolSize);
  }

  async insert(data: Dataset): Promise<void> {
    await insertAll(this.client, data);
  }

  async loadAll(): Promise<UserRow[]> {
    return (
      await this.client.query<UserRow>({
        name: 'bench_all',
        text: `SELECT ${COLUMNS} FROM ${TABLE}`,
      })
    ).rows;
  }

  async changeTenth(): Promise<void> {
    const client = this.client;
    await client.query('BEGIN');
    const rows = (
      await client.query<UserRow>({ name: 'bench_all', text: `SELECT ${COLUMNS} FROM ${TABLE}` })
    ).rows;
    // One batched UPDATE … FROM (VALUES …): `bench/raw-variants.ts` measures it 2.9× faster
    // than 1,000 prepared UPDATEs (one round trip instead of 1,000) and level with unnest(…).
    const params: number[] = [];
    const groups: string[] = [];
    for (const row of rows) {
      if (isTenth(row.id)) {
        groups.push(`($${params.length + 1}::int, $${params.length + 2}::int)`);
        params.push(row.id, row.age + 1);
      }
    }
    await client.query({
      name: `bench_update_${groups.length}`,
      text: `UPDATE ${TABLE} SET age = v.age FROM (VALUES ${groups.join(', ')}) AS v(id, age) WHERE ${TABLE}.id = v.id`,
      values: params,
    });
    await client.query('COMMIT');
  }

  async lookups(ids: readonly number[]): Promise<UserRow[]> {
    const out = new Array<UserRow>(ids.length);
    const text = `SELECT ${COLUMNS} FROM ${TABLE} WHERE id = $1`;
    for (let i = 0; i < ids.length; i++) {
      out[i] = (
        await this.client.query<UserRow>({ name: 'bench_by_id', text, values: [ids[i]] })
      ).rows[0]!;
    }
    return out;
  }

  async requests(ids: readonly number[], inFlight: number): Promise<void> {
    this.pool ??= new pg.Pool({ connectionString: this.url, max: this.poolSize });
    const pool = this.pool;
    const select = `SELECT ${COLUMNS} FROM ${TABLE} WHERE id = $1`;
    const update = `UPDATE ${TABLE} SET age = $1 WHERE id = $2`;
    await runConcurrent(ids.length, inFlight, async (i) => {
      const id = ids[i]!;
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const row = (
          await client.query<UserRow>({ name: 'bench_by_id', text: select, values: [id] })
        ).rows[0]!;
        await client.query({ name: 'bench_set_age', text: update, values: [row.age + 1, id] });
        await client.query('COMMIT');
        client.release();
      } catch (error) {
        client.release(error as Error);
        throw error;
      }
    });
  }

  async stream(probe: MemoryProbe): Promise<StreamOutcome> {
    const client = this.client;
    let count = 0;
    let ageSum = 0;
    let idSum = 0;
    await client.query('BEGIN');
    await client.query(`DECLARE bench_cursor NO SCROLL CURSOR FOR SELECT ${COLUMNS} FROM ${TABLE}`);
    for (;;) {
      const { rows } = await client.query<UserRow>({
        name: 'bench_fetch',
        text: `FETCH ${FETCH_SIZE} FROM bench_cursor`,
      });
      for (const row of rows) {
        count++;
        ageSum += row.age;
        idSum += row.id;
        if (count % SAMPLE_EVERY === 0) probe.sample();
      }
      if (rows.length < FETCH_SIZE) break;
    }
    await client.query('CLOSE bench_cursor');
    await client.query('COMMIT');
    return { count, ageSum, idSum };
  }

  async close(): Promise<void> {
    await this.pool?.end();
    await this.client.end();
  }
}
