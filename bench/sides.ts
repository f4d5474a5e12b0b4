/**
 * Opens the pieces a worker needs: the admin connection for setup and checks, the side under
 * test, and the workload run that ties them together.
 */
import type { SideName, Sizes, WorkerConfig, WorkloadName } from './config.js';
import type { Admin, DbName, Side } from './side.js';
import type { WorkloadRun } from './workloads.js';
import { sideWorkload } from './workloads.js';

/** The file path of a `sqlite:///path` URL. */
export function sqliteFile(url: string): string {
  const match = /^sqlite:\/\/\/(.+)$/.exec(url);
  if (!match) throw new Error(`not a SQLite file URL: ${url}`);
  return match[1]!;
}

// Modules are loaded on demand, so that a worker loads only its own driver (and its profile
// shows only what the workload ran).

/** Opens the admin connection for a database. */
export async function openAdmin(db: DbName, url: string): Promise<Admin> {
  switch (db) {
    case 'sqlite':
      return new (await import('./raw/sqlite.js')).SqliteAdmin(sqliteFile(url));
    case 'postgresql':
      return (await import('./raw/postgresql.js')).PostgresqlAdmin.open(url);
    case 'mariadb':
      return new (await import('./raw/mariadb.js')).MariadbAdmin(url);
  }
}

/** Opens one side for W1–W5 and W7. */
export async function openSide(
  db: DbName,
  side: SideName,
  url: string,
  sizes: Sizes,
  workload: WorkloadName,
): Promise<Side> {
  if (side === 'core') {
    const { CoreSide } = await import('./athanor/core.js');
    return CoreSide.open(db, url, sizes, workload);
  }
  if (side === 'athanor') {
    const { AthanorSide } = await import('./athanor/side.js');
    return AthanorSide.open(db, url, sizes, workload);
  }
  switch (db) {
    case 'sqlite':
      return new (await import('./raw/sqlite.js')).SqliteRaw(sqliteFile(url));
    case 'postgresql':
      return (await import('./raw/postgresql.js')).PostgresqlRaw.open(url, sizes.poolSize);
    case 'mariadb':
      return new (await import('./raw/mariadb.js')).MariadbRaw(url, sizes.poolSize);
  }
}

/** A workload run plus what it needs closed afterwards. */
export interface OpenedWorkload {
  run: WorkloadRun;
  note?: string;
  close(): Promise<void>;
}

/** Builds the run of `workload` on `db` for `side`. */
export async function workloadFor(
  workload: WorkloadName,
  db: DbName,
  side: SideName,
  admin: Admin,
  config: WorkerConfig,
  open: typeof openSide,
): Promise<OpenedWorkload> {
  if (workload === 'W6') {
    const { flushWorkload } = await import('./athanor/flush.js');
    return flushWorkload(db, side, admin, config);
  }
  if (workload === 'W8') {
    const { poolWorkload } = await import('./w8-pool.js');
    return poolWorkload(db, side, config);
  }
  const opened = await open(db, side, config.url, config.sizes, workload);
  return {
    run: sideWorkload(workload, admin, opened, config),
    close: () => opened.close(),
  };
}
