/**
 * The quickstart (examples/quickstart.ts) run the way a user runs it: as its own Node process
 * through tsx, in a fresh working directory. On SQLite it uses its default `quickstart.db`
 * there; on PostgreSQL and MariaDB it gets the server's URL as DATABASE_URL. Each run must exit
 * 0, write nothing to stderr, and print every numbered step with the results that step is
 * about, in order.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, text } from '../../src/index.js';
import { allDatabases } from '../helpers/databases.js';
import type { DatabaseName } from '../helpers/databases.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const script = join(root, 'examples/quickstart.ts');
// `--import tsx` resolves from the working directory, which is a temporary folder here.
const tsxLoader = pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href;

const HEADLINES = [
  '1. An engine with a connection pool',
  '2. A session factory: sessionmaker(), then configure({ bind })',
  '3. A User model and its table',
  '4. Add and commit',
  '5. Get by id, update, commit',
  '6. Query all',
  '7. Delete',
  '8. Close',
  '9. The session_scope pattern: Session.begin() commits, or rolls back on error',
  '10. Two sessions: uncommitted changes are invisible to the other',
  '11. autoflush on and off',
  '12. expireOnCommit',
  '13. A scoped session, and remove()',
  '14. pool.status() after, and dispose()',
];

const IDLE_EMPTY =
  'Pool size: 5  Connections in pool: 0 Current Overflow: -5 Current Checked out connections: 0';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the quickstart in `cwd`, with DATABASE_URL set to `url` or removed. */
function runQuickstart(cwd: string, url: string | undefined): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  delete env.NODE_OPTIONS; // the test runner's own loader options are not the user's
  if (url !== undefined) env.DATABASE_URL = url;
  return new Promise((done) => {
    execFile(
      process.execPath,
      ['--import', tsxLoader, script],
      { cwd, env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        done({ code, stdout, stderr });
      },
    );
  });
}

/** Splits the output into its numbered sections, checking the headlines come in order. */
function sections(stdout: string): Map<string, string> {
  const found = new Map<string, string>();
  let rest = stdout;
  for (const [i, headline] of HEADLINES.entries()) {
    const marker = `\n== ${headline} ==\n`;
    const at = rest.indexOf(marker);
    expect(at, `headline "${headline}" missing or out of order`).toBeGreaterThanOrEqual(0);
    rest = rest.slice(at + marker.length);
    const next = HEADLINES[i + 1];
    const end = next === undefined ? rest.length : rest.indexOf(`\n== ${next} ==\n`);
    found.set(headline, end < 0 ? rest : rest.slice(0, end));
  }
  return found;
}

/** The output of one section: the lines of the engine's echo without their timestamps. */
function section(all: Map<string, string>, n: number): string {
  const body = all.get(HEADLINES[n - 1]!)!;
  return body.replace(/^\S+ INFO athanor\.engine\.Engine /gm, 'SQL ');
}

/** What B's still-open transaction sees of A's commit, by each database's default isolation. */
const OPEN_TRANSACTION_SEES: Record<DatabaseName, string> = {
  sqlite: "B's open transaction (SERIALIZABLE) sees Cy: false",
  postgresql: "B's open transaction (READ COMMITTED) sees Cy: true",
  mariadb: "B's open transaction (REPEATABLE READ) sees Cy: false",
};

/** Every check the walkthrough's output must pass on `db`. */
function checkWalkthrough(run: Run, db: DatabaseName): void {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const all = sections(run.stdout);
  const s = (n: number) => section(all, n);

  expect(s(1)).toContain('no connection is open yet');
  expect(s(1)).toContain(`→ pool before: ${IDLE_EMPTY}`);

  expect(s(2)).toMatch(
    /→ sessionmaker\(\{ sessionClass: Session, autoflush: true, expireOnCommit: true, bind: Engine\(\S+\) \}\)/,
  );

  expect(s(3)).toContain('SQL CREATE TABLE quickstart_users (');
  expect(s(3)).toContain('→ table quickstart_users created; dialect ');

  // No SQL before commit(); then one INSERT for the three users and a COMMIT.
  const beforeCommit = s(4).split('→ no SQL so far')[0]!;
  expect(beforeCommit).not.toContain('SQL ');
  expect(s(4)).toContain('→ pending, not yet in the database: 3 objects; ada is pending: true');
  expect(s(4)).toMatch(/SQL INSERT INTO quickstart_users \(name, age\) VALUES/);
  expect(s(4)).toContain('["Ada", 36, "Grace", 85, "Linus", 17]');
  expect(s(4)).toMatch(/SQL COMMIT\n→ ada is persistent: true, with primary key 1\n/);

  expect(s(5)).toContain('→ get(User, 1) returned the same object as before: true');
  expect(s(5)).toContain('→ Ada is 36, adult: true');
  expect(s(5)).toContain('→ changed in memory only; dirty objects: 1, modified: true');
  expect(s(5)).toMatch(/SQL UPDATE quickstart_users SET age = \S+ WHERE quickstart_users\.id = /);
  expect(s(5)).toContain('[37, 1]');

  expect(s(6)).toContain('→ #1 Ada, 37\n→ #2 Grace, 85\n→ #3 Linus, 17\n');
  expect(s(6)).toContain('→ adults: Ada, Grace');

  expect(s(7)).toMatch(/SQL DELETE FROM quickstart_users WHERE quickstart_users\.id IN/);
  expect(s(7)).toContain('→ users left: 2');

  expect(s(8)).toContain('→ before close(): Pool size: 5');
  expect(s(8)).toContain('Current Checked out connections: 1');
  expect(s(8)).toMatch(/SQL ROLLBACK\n→ after close\(\), the connection is back in the pool: /);
  expect(s(8)).toContain(
    'Connections in pool: 1 Current Overflow: -4 Current Checked out connections: 0',
  );
  expect(s(8)).toContain('→ ada is detached now: true');

  expect(s(9)).toMatch(/\["Ann", 5\]\nSQL COMMIT\n→ Ann was committed\n/);
  expect(s(9)).toMatch(
    /\["Bob", 40\]\nSQL ROLLBACK\n→ Session\.begin\(\) rethrew: something went wrong after the INSERT\n/,
  );
  expect(s(9)).toContain('→ ... and rolled it back: Bob is in the database: false');

  expect(s(10)).toContain('→ session A sees Cy: true');
  expect(s(10)).toContain('→ session B sees Cy: false (uncommitted)');
  expect(s(10)).toContain(`→ A committed; ${OPEN_TRANSACTION_SEES[db]}`);
  expect(s(10)).toContain('→ after B starts a new transaction, B sees Cy: true');

  expect(s(11)).toContain('→ autoflush on: the query flushed the INSERT first and found Dee: true');
  expect(s(11)).toContain('→ autoflush off: the query did not flush, Eve not found: true');
  expect(s(11)).toContain('→ after an explicit flush() the query finds Eve: true');
  expect(s(11)).toContain('→ rolled back: neither Dee nor Eve was committed');

  expect(s(12)).toContain("→ InvalidRequestError: Attribute 'age' of <User at ");
  expect(s(12)).toContain('await session.refresh(obj)');
  expect(s(12)).toContain('→ after await session.refresh(grace): Grace is 86');
  // With expireOnCommit: false nothing is read again after the COMMIT.
  const noExpire = s(12).slice(s(12).lastIndexOf('SQL COMMIT'));
  expect(noExpire).not.toContain('SQL SELECT');
  expect(noExpire).toContain('→ expireOnCommit: false: ann.age is still readable after commit');
  expect(noExpire).toContain('no SELECT: 6');

  expect(s(13)).toContain('→ Scoped() returns the same Session within a scope: true');
  expect(s(13)).toMatch(/\["Fay", 52\]\nSQL COMMIT\n/);
  expect(s(13)).toContain('→ after remove() the next call makes a new Session: true');
  const scopes =
    /two concurrent scopes, two Sessions: Gus in Session #(\d+), Hal in Session #(\d+)/.exec(s(13));
  expect(scopes).not.toBeNull();
  expect(scopes![1]).not.toBe(scopes![2]);

  expect(s(14)).toContain('→ users: Ada, Ann, Cy, Fay, Grace, Gus, Hal');
  expect(s(14)).toContain('→ while a session holds a transaction: Pool size: 5');
  expect(s(14)).toMatch(/→ pool after: Pool size: 5 .* Current Checked out connections: 0\n/);
  expect(s(14)).toContain(`→ after dispose(): ${IDLE_EMPTY}`);
  expect(run.stdout.trimEnd().endsWith(`→ after dispose(): ${IDLE_EMPTY}`)).toBe(true);
}

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** A fresh, empty working directory for one run. */
function freshFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'athanor-quickstart-'));
  folders.push(folder);
  return folder;
}

for (const db of allDatabases()) {
  describe.skipIf(db.url === undefined)(`the quickstart on ${db.name}`, () => {
    if (db.name === 'sqlite') {
      it('runs the whole walkthrough on ./quickstart.db by default, and again on the same file', async () => {
        const cwd = freshFolder();
        const first = await runQuickstart(cwd, undefined);
        checkWalkthrough(first, db.name);
        expect(first.stdout).toContain('Engine(sqlite:///quickstart.db)');
        expect(existsSync(join(cwd, 'quickstart.db'))).toBe(true);
        // The script drops and recreates its table, so a second run prints the same story.
        checkWalkthrough(await runQuickstart(cwd, undefined), db.name);
      });
      return;
    }

    afterAll(async () => {
      const engine = createEngine(db.url!);
      try {
        await engine.begin((conn) => conn.execute(text('DROP TABLE IF EXISTS quickstart_users')));
      } finally {
        await engine.dispose();
      }
    });

    it('runs the whole walkthrough on DATABASE_URL', async () => {
      const cwd = freshFolder();
      const run = await runQuickstart(cwd, db.url);
      checkWalkthrough(run, db.name);
      expect(run.stdout).toContain(`dialect ${db.name === 'postgresql' ? 'postgresql' : 'mysql'}`);
      // DATABASE_URL wins over the default: no SQLite file appears.
      expect(existsSync(join(cwd, 'quickstart.db'))).toBe(false);
    });
  });
}
