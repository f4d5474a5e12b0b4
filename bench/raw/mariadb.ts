/**
 * mysql2 done the fastest honest way: the promise API, multi-row INSERTs of 1,000 rows in one
 * transaction, rows as the driver's plain objects, the driver's own pool for the concurrency
 * workload and its row events (no per-row promise) for streaming.
 */
import mysql from 'mysql2';
import type { Connection as PromiseConnection, Pool as PromisePool } from 'mysql2/promise';
import type { Dataset, UserRow } from '../data.js';
import type { Admin, MemoryProbe, Side, StreamOutcome } from '../side.js';
import { SAMPLE_EVERY, TABLE, runConcurrent } from '../side.js';
import { CASE_UPDATE_BATCH, INSERT_BATCH, caseUpdates, insertParams, insertSql } from './common.js';

const COLUMNS = `id, name, age, email`;

/**
 * `query` (text protocol, client-side escaping) or `execute` (server-prepared, binary rows).
 * `bench/raw-variants.ts` times both: `execute` wins W1–W4, `query` wins W5 by a few percent,
 * and `execute()` row events win the stream.
 */
type Mode = 'query' | 'execute';
const MODE: Mode = 'execute';
const MODE_W5: Mode = 'query';

/** mysql2 takes `mysql://`; the Athanor URL may say `mariadb://`. */
export function mysqlUri(url: string): string {
  return url.replace(/^mariadb(\+\w+)?:/, 'mysql:').replace(/^mysql\+\w+:/, 'mysql:');
}

function connect(url: string): { core: mysql.Connection; conn: PromiseConnection } {
  const core = mysql.createConnection({ uri: mysqlUri(url) });
  return { core, conn: core.promise() };
}

async function run(conn: PromiseConnection, mode: Mode, sql: string, params: unknown[]) {
  const values = params as (string | number)[];
  return mode === 'execute' ? conn.execute(sql, values) : conn.query(sql, values);
}

async function insertAll(conn: PromiseConnection, data: Dataset): Promise<void> {
  await conn.beginTransaction();
  try {
    for (let start = 0; start < data.n; start += INSERT_BATCH) {
      const rows = Math.min(INSERT_BATCH, data.n - start);
      await run(conn, MODE, insertSql(rows, 'question'), insertParams(data, start, rows));
    }
    await conn.commit();
  } catch (error) {
    await conn.rollback();
    throw error;
  }
}

/** Setup and inspection on one connection. */
export class MariadbAdmin implements Admin {
  private readonly conn: PromiseConnection;
  constructor(url: string) {
    this.conn = connect(url).conn;
  }
  async dropTable(): Promise<void> {
    await this.conn.query(`DROP TABLE IF EXISTS ${TABLE}`);
  }
  async recreateTable(): Promise<void> {
    await this.conn.query(`DROP TABLE IF EXISTS ${TABLE}`);
    await this.conn.query(
      `CREATE TABLE ${TABLE} (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(255) NOT NULL, age INT NOT NULL, email VARCHAR(255) NOT NULL) ENGINE=InnoDB`,
    );
  }
  async fill(data: Dataset): Promise<void> {
    await insertAll(this.conn, data);
  }
  async fillGenerated(n: number): Promise<void> {
    await this.conn.query(
      `INSERT INTO ${TABLE} (name, age, email) SELECT CONCAT('user ', seq), seq % 80 + 18, CONCAT('user ', seq, '@example.com') FROM seq_1_to_${Math.floor(n)}`,
    );
  }
  async selectAll(): Promise<UserRow[]> {
    const [rows] = await this.conn.query(`SELECT ${COLUMNS} FROM ${TABLE} ORDER BY id`);
    return rows as UserRow[];
  }
  async version(): Promise<string> {
    const [rows] = await this.conn.query('SELECT VERSION() AS v');
    return String((rows as { v: string }[])[0]!.v).split('-')[0]!;
  }
  async close(): Promise<void> {
    await this.conn.end();
  }
}

/** The raw side on MariaDB. */
export class MariadbRaw implements Side {
  private readonly core: mysql.Connection;
  private readonly conn: PromiseConnection;
  private pool: PromisePool | undefined;
  constructor(
    private readonly url: string,
    private readonly poolSize: number,
  ) {
    ({ core: this.core, conn: this.conn } = connect(url));
  }

  async insert(data: Dataset): Promise<void> {
    await insertAll(this.conn, data);
  }

  async loadAll(): Promise<UserRow[]> {
    const [rows] = await run(this.conn, MODE, `SELECT ${COLUMNS} FROM ${TABLE}`, []);
    return rows as UserRow[];
  }

  async changeTenth(): Promise<void> {
    const conn = this.conn;
    await conn.beginTransaction();
    const [rows] = await run(conn, MODE, `SELECT ${COLUMNS} FROM ${TABLE}`, []);
    // `UPDATE … SET age = CASE id WHEN … END WHERE id IN (…)` in statements of 100 rows:
    // `bench/raw-variants.ts mariadb` measures them about 2× faster than one statement of
    // 1,000 rows and several times faster than 1,000 prepared single-row UPDATEs.
    for (const { sql, params } of caseUpdates(rows as UserRow[], CASE_UPDATE_BATCH)) {
      await run(conn, MODE, sql, params);
    }
    await conn.commit();
  }

  async lookups(ids: readonly number[]): Promise<UserRow[]> {
    const out = new Array<UserRow>(ids.length);
    const select = `SELECT ${COLUMNS} FROM ${TABLE} WHERE id = ?`;
    for (let i = 0; i < ids.length; i++) {
      const [rows] = await run(this.conn, MODE, select, [ids[i]]);
      out[i] = (rows as UserRow[])[0]!;
    }
    return out;
  }

  async requests(ids: readonly number[], inFlight: number): Promise<void> {
    this.pool ??= mysql
      .createPool({ uri: mysqlUri(this.url), connectionLimit: this.poolSize })
      .promise();
    const pool = this.pool;
    const select = `SELECT ${COLUMNS} FROM ${TABLE} WHERE id = ?`;
    const update = `UPDATE ${TABLE} SET age = ? WHERE id = ?`;
    await runConcurrent(ids.length, inFlight, async (i) => {
      const id = ids[i]!;
      const conn = await pool.getConnection();
      try {
        await conn.beginTransaction();
        const [rows] = await run(conn, MODE_W5, select, [id]);
        await run(conn, MODE_W5, update, [(rows as UserRow[])[0]!.age + 1, id]);
        await conn.commit();
      } finally {
        conn.release();
      }
    });
  }

  async stream(probe: MemoryProbe): Promise<StreamOutcome> {
    let count = 0;
    let ageSum = 0;
    let idSum = 0;
    await new Promise<void>((resolve, reject) => {
      this.core
        .execute(`SELECT ${COLUMNS} FROM ${TABLE}`, [])
        .on('result', (row) => {
          const user = row as UserRow;
          count++;
          ageSum += user.age;
          idSum += user.id;
          if (count % SAMPLE_EVERY === 0) probe.sample();
        })
        .on('error', reject)
        .on('end', () => resolve());
    });
    return { count, ageSum, idSum };
  }

  async close(): Promise<void> {
    await this.pool?.end();
    await this.conn.end();
  }
}
