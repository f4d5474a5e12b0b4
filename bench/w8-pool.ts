/**
 * W8, pool overhead: 100,000 checkout + release cycles with no query. Athanor's side is a
 * QueuePool over real connections of the database with `resetOnReturn: null`, so no cycle
 * touches the connection and the time is the pool's own work (timed with the pool's
 * micro-benchmark, `bench/pool-overhead.ts`). The raw side is the driver's own pool doing the
 * same cycle: pg.Pool `connect`/`release`, mysql2 `getConnection`/`release`; better-sqlite3 has
 * no pool, so SQLite has no raw side.
 */
import Database from 'better-sqlite3';
import mysql from 'mysql2';
import type { Connection as PromiseConnection } from 'mysql2/promise';
import pg from 'pg';
import { performance } from 'node:perf_hooks';
import type { PoolOps } from '../src/index.js';
import { athanor } from './athanor/lib.js';
import type { SideName, WorkerConfig } from './config.js';
import { microsecondsPerCycle } from './pool-overhead.js';
import { mysqlUri } from './raw/mariadb.js';
import type { DbName } from './side.js';
import { sqliteFile } from './sides.js';
import type { OpenedWorkload } from './sides.js';
import { expect } from './verify.js';

/** Opens, resets, pings and closes real driver connections, as the engine's ops would. */
function driverOps(db: DbName, url: string): PoolOps<unknown> {
  switch (db) {
    case 'sqlite':
      return {
        connect: async () => new Database(sqliteFile(url)),
        reset: async (c, mode) => {
          const conn = c as Database.Database;
          if (conn.inTransaction) conn.exec(mode === 'commit' ? 'COMMIT' : 'ROLLBACK');
        },
        ping: async (c) => (c as Database.Database).open,
        close: async (c) => void (c as Database.Database).close(),
      };
    case 'postgresql':
      return {
        connect: async () => {
          const client = new pg.Client({ connectionString: url });
          await client.connect();
          return client;
        },
        reset: async (c, mode) => void (await (c as pg.Client).query(mode.toUpperCase())),
        ping: async (c) => ((await (c as pg.Client).query('SELECT 1')).rowCount ?? 0) > 0,
        close: async (c) => (c as pg.Client).end(),
      };
    case 'mariadb':
      return {
        connect: async () => {
          const connection = mysql.createConnection({ uri: mysqlUri(url) }).promise();
          await connection.ping();
          return connection;
        },
        reset: async (c, mode) => void (await (c as PromiseConnection).query(mode.toUpperCase())),
        ping: async (c) => (await (c as PromiseConnection).ping(), true),
        close: async (c) => (c as PromiseConnection).end(),
      };
  }
}

/** Times `cycles` checkout + release pairs and checks the pool is back at rest. */
interface CyclePool {
  microsecondsPerCycle(cycles: number): Promise<number>;
  verify(): string;
  close(): Promise<void>;
}

async function timeCycles(cycles: number, cycle: () => Promise<void>): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < cycles; i++) await cycle();
  return ((performance.now() - started) * 1000) / cycles;
}

function athanorPool(db: DbName, url: string, poolSize: number): CyclePool {
  const pool = new athanor.QueuePool(driverOps(db, url), { poolSize, resetOnReturn: null });
  return {
    microsecondsPerCycle: (cycles) => microsecondsPerCycle(pool, cycles),
    verify() {
      expect(pool.checkedOut === 0, `W8: ${pool.checkedOut} connections still checked out`);
      expect(
        pool.checkedIn === 1,
        `W8: ${pool.checkedIn} idle connections, expected the one reused`,
      );
      return `QueuePool at rest (${pool.status()})`;
    },
    close: () => pool.dispose(),
  };
}

function driverPool(db: DbName, url: string, poolSize: number): CyclePool {
  if (db === 'postgresql') {
    const pool = new pg.Pool({ connectionString: url, max: poolSize });
    return {
      microsecondsPerCycle: (cycles) =>
        timeCycles(cycles, async () => (await pool.connect()).release()),
      verify() {
        expect(
          pool.waitingCount === 0 && pool.totalCount === 1 && pool.idleCount === 1,
          `W8: pg.Pool not at rest (total ${pool.totalCount}, idle ${pool.idleCount})`,
        );
        return 'pg.Pool at rest with its one reused connection';
      },
      close: () => pool.end(),
    };
  }
  if (db === 'mariadb') {
    const pool = mysql.createPool({ uri: mysqlUri(url), connectionLimit: poolSize }).promise();
    let out = 0;
    return {
      microsecondsPerCycle: (cycles) =>
        timeCycles(cycles, async () => {
          const connection = await pool.getConnection();
          out++;
          connection.release();
          out--;
        }),
      verify() {
        expect(out === 0, `W8: ${out} mysql2 connections still checked out`);
        return 'mysql2 pool: every connection released';
      },
      close: () => pool.end(),
    };
  }
  throw new Error('better-sqlite3 has no pool: W8 has no raw side on SQLite');
}

/**
 * W8 for one database and side.
 *
 * @example
 * const { run } = poolWorkload('postgresql', 'athanor', config);
 */
export function poolWorkload(db: DbName, side: SideName, config: WorkerConfig): OpenedWorkload {
  const pool =
    side === 'raw'
      ? driverPool(db, config.url, config.sizes.poolSize)
      : athanorPool(db, config.url, config.sizes.poolSize);
  const cycles = config.sizes.poolCycles;
  return {
    run: {
      unit: 'µs',
      selfTimed: true,
      setup: async () => {},
      async exec(section) {
        await section.begin();
        const measured = await pool.microsecondsPerCycle(cycles);
        await section.end();
        return { measured };
      },
      verify: async () => `${cycles} cycles; ${pool.verify()}`,
    },
    close: () => pool.close(),
  };
}
