/**
 * Helpers shared by the engine tests: a capturing logger, admin connections to the servers
 * (for killing backends and reading server-side state), and per-database table names.
 */
import mysql from 'mysql2/promise';
import pg from 'pg';
import type { Logger } from '../../src/util/logger.js';
import type { TestDatabase } from '../helpers/databases.js';

/** A logger that records every line with its level. */
export function captureLogger(): Logger & { lines: string[]; text(): string; clear(): void } {
  const lines: string[] = [];
  return {
    lines,
    debug: (m) => lines.push(`DEBUG ${m}`),
    info: (m) => lines.push(`INFO ${m}`),
    warn: (m) => lines.push(`WARN ${m}`),
    error: (m) => lines.push(`ERROR ${m}`),
    text: () => lines.join('\n'),
    clear: () => {
      lines.length = 0;
    },
  };
}

/** A side connection that bypasses the engine under test. */
export interface Admin {
  query(sql: string, params?: unknown[]): Promise<unknown[][]>;
  /** Kills a backend (PostgreSQL pid / MariaDB thread id). */
  kill(id: number): Promise<void>;
  /** How many of these backend ids are connected right now. */
  countAlive(ids: readonly number[]): Promise<number>;
  close(): Promise<void>;
}

/** An admin connection to a server database. */
export async function adminFor(db: TestDatabase): Promise<Admin> {
  if (db.name === 'postgresql') {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    return {
      async query(sql, params = []) {
        return (await client.query({ text: sql, values: params, rowMode: 'array' })).rows;
      },
      async kill(pid) {
        await client.query('SELECT pg_terminate_backend($1)', [pid]);
      },
      async countAlive(ids) {
        if (ids.length === 0) return 0;
        const r = await client.query(
          'SELECT count(*)::int FROM pg_stat_activity WHERE pid = ANY($1)',
          [ids],
        );
        return r.rows[0].count as number;
      },
      close: () => client.end(),
    };
  }
  if (db.name === 'mariadb') {
    const u = new globalThis.URL((db.url as string).replace(/^mysql:/, 'http:'));
    const conn = await mysql.createConnection({
      host: u.hostname,
      port: Number(u.port || 3306),
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      database: u.pathname.slice(1),
    });
    return {
      async query(sql, params = []) {
        const [rows] = await conn.query({ sql, rowsAsArray: true }, params);
        return rows as unknown[][];
      },
      async kill(id) {
        await conn.query(`KILL ${Number(id)}`);
      },
      async countAlive(ids) {
        if (ids.length === 0) return 0;
        const [rows] = await conn.query(
          `SELECT COUNT(*) AS n FROM information_schema.processlist WHERE ID IN (${ids.map(Number).join(',')})`,
        );
        return Number((rows as { n: number }[])[0]?.n);
      },
      close: () => conn.end(),
    };
  }
  throw new Error(`no admin connection for ${db.name}`);
}

/** The backend id of an engine connection: pg pid or MariaDB thread id. */
export function backendId(info: Readonly<Record<string, unknown>>): number {
  return Number(info.processId ?? info.threadId);
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `check()` is true or `timeoutMs` passes. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await sleep(10);
  }
}

/** Integer column type that autoincrements, per database. */
export function serialPk(db: TestDatabase): string {
  if (db.name === 'postgresql') return 'SERIAL PRIMARY KEY';
  if (db.name === 'mariadb') return 'INTEGER PRIMARY KEY AUTO_INCREMENT';
  return 'INTEGER PRIMARY KEY';
}
