/**
 * better-sqlite3 done the fastest honest way: statements prepared once per process, multi-row
 * INSERTs and every write inside `db.transaction()`, rows as the driver's plain objects.
 */
import Database from 'better-sqlite3';
import type { Dataset, UserRow } from '../data.js';
import { isTenth } from '../data.js';
import type { Admin, MemoryProbe, Side, StreamOutcome } from '../side.js';
import { SAMPLE_EVERY, TABLE, runConcurrent } from '../side.js';
import { INSERT_BATCH, insertParams, insertSql } from './common.js';

const COLUMNS = `id, name, age, email`;

/** Opens a connection the way both sides do: WAL journal, the driver's defaults otherwise. */
export function openSqlite(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  return db;
}

/** Setup and inspection on one connection. */
export class SqliteAdmin implements Admin {
  readonly db: Database.Database;
  constructor(file: string) {
    this.db = openSqlite(file);
  }
  async dropTable(): Promise<void> {
    this.db.exec(`DROP TABLE IF EXISTS ${TABLE}`);
  }
  async recreateTable(): Promise<void> {
    this.db.exec(`DROP TABLE IF EXISTS ${TABLE}`);
    this.db.exec(
      `CREATE TABLE ${TABLE} (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER NOT NULL, email TEXT NOT NULL)`,
    );
  }
  async fill(data: Dataset): Promise<void> {
    insertAll(this.db, data);
  }
  async fillGenerated(n: number): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO ${TABLE} (name, age, email) WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?) SELECT 'user ' || i, i % 80 + 18, 'user ' || i || '@example.com' FROM seq`,
      )
      .run(n);
  }
  async selectAll(): Promise<UserRow[]> {
    return this.db.prepare(`SELECT ${COLUMNS} FROM ${TABLE} ORDER BY id`).all() as UserRow[];
  }
  async version(): Promise<string> {
    return (this.db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  }
  async close(): Promise<void> {
    this.db.close();
  }
}

const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** Prepares a statement once per connection. */
function prepared(db: Database.Database, sql: string): Database.Statement {
  let byText = statements.get(db);
  if (!byText) statements.set(db, (byText = new Map()));
  let statement = byText.get(sql);
  if (!statement) byText.set(sql, (statement = db.prepare(sql)));
  return statement;
}

function insertAll(db: Database.Database, data: Dataset): void {
  db.transaction(() => {
    for (let start = 0; start < data.n; start += INSERT_BATCH) {
      const rows = Math.min(INSERT_BATCH, data.n - start);
      prepared(db, insertSql(rows, 'question')).run(insertParams(data, start, rows));
    }
  })();
}

/** The raw side on SQLite. W5 runs on the one connection: SQLite has no pool to compare with. */
export class SqliteRaw implements Side {
  private readonly db: Database.Database;
  constructor(file: string) {
    this.db = openSqlite(file);
  }

  async insert(data: Dataset): Promise<void> {
    insertAll(this.db, data);
  }

  async loadAll(): Promise<UserRow[]> {
    return prepared(this.db, `SELECT ${COLUMNS} FROM ${TABLE}`).all() as UserRow[];
  }

  async changeTenth(): Promise<void> {
    const select = prepared(this.db, `SELECT ${COLUMNS} FROM ${TABLE}`);
    const update = prepared(this.db, `UPDATE ${TABLE} SET age = ? WHERE id = ?`);
    this.db.transaction(() => {
      const rows = select.all() as UserRow[];
      for (const row of rows) if (isTenth(row.id)) update.run(row.age + 1, row.id);
    })();
  }

  async lookups(ids: readonly number[]): Promise<UserRow[]> {
    const select = prepared(this.db, `SELECT ${COLUMNS} FROM ${TABLE} WHERE id = ?`);
    const out = new Array<UserRow>(ids.length);
    // One read transaction for all lookups (as a Session has): measured twice as fast as
    // letting each SELECT open and close its own.
    this.db.transaction(() => {
      for (let i = 0; i < ids.length; i++) out[i] = select.get(ids[i]) as UserRow;
    })();
    return out;
  }

  async requests(ids: readonly number[], inFlight: number): Promise<void> {
    const select = prepared(this.db, `SELECT ${COLUMNS} FROM ${TABLE} WHERE id = ?`);
    const update = prepared(this.db, `UPDATE ${TABLE} SET age = ? WHERE id = ?`);
    const request = this.db.transaction((id: number) => {
      const row = select.get(id) as UserRow;
      update.run(row.age + 1, id);
    });
    await runConcurrent(ids.length, inFlight, async (i) => {
      request(ids[i]!);
    });
  }

  async stream(probe: MemoryProbe): Promise<StreamOutcome> {
    let count = 0;
    let ageSum = 0;
    let idSum = 0;
    const select = prepared(this.db, `SELECT ${COLUMNS} FROM ${TABLE}`);
    for (const row of select.iterate() as IterableIterator<UserRow>) {
      count++;
      ageSum += row.age;
      idSum += row.id;
      if (count % SAMPLE_EVERY === 0) probe.sample();
    }
    return { count, ageSum, idSum };
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
