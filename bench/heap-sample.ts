/**
 * Where a workload's memory goes: runs W1 (insert 10,000 rows), W2 (load 10,000 rows) or W4
 * (10,000 lookups) on one side five times to warm up, then five times under V8's sampling heap
 * profiler, and prints the bytes allocated per inserted row (W1), loaded row (W2) or lookup
 * (W4), in total and by allocating function:
 *
 *   tsx bench/heap-sample.ts <raw|core|athanor> <sqlite|postgresql|mariadb> [W1|W2|W4]
 *
 * The servers are found as by `npm run bench` (ATHANOR_BENCH_POSTGRESQL_URL /
 * ATHANOR_BENCH_MARIADB_URL, else the test URLs); SQLite uses a fresh file that is removed at the end. Allocation is what
 * the young-generation collector has to deal with, and unlike time it does not depend on how
 * busy the machine is, so it compares sides and versions without noise. Functions the JIT
 * inlined are counted in their caller.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Session as Inspector } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SideName, WorkloadName } from './config.js';
import { DATABASES, URL_VARIABLES, sizesFor } from './config.js';
import { dataset, randomIds } from './data.js';
import type { DbName } from './side.js';
import { openAdmin, openSide } from './sides.js';

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

const ROWS = 10_000;
const RUNS = 5;

function usage(message: string): never {
  console.error(
    `${message}\nusage: tsx bench/heap-sample.ts <raw|core|athanor> <${DATABASES.join('|')}> [W1|W2|W4]`,
  );
  process.exit(2);
}

function urlFor(db: DbName, folder: string | undefined): string {
  if (db === 'sqlite') return `sqlite:///${join(folder!, 'bench.db')}`;
  const names = URL_VARIABLES[db];
  const url = names.map((name) => process.env[name]).find(Boolean);
  if (!url) usage(`set ${names.join(' or ')}`);
  return url;
}

/** Bytes allocated per function (`name file:line`) in a sampling profile. */
function bytesByFunction(head: SamplingNode): Map<string, number> {
  const out = new Map<string, number>();
  const visit = (node: SamplingNode): void => {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.split('/').slice(-2).join('/') || '(native)';
    const key = `${functionName || '(anonymous)'}  ${file}:${lineNumber + 1}`;
    out.set(key, (out.get(key) ?? 0) + node.selfSize);
    node.children.forEach(visit);
  };
  visit(head);
  return out;
}

async function main(): Promise<void> {
  const [side, db, workload = 'W2'] = process.argv.slice(2) as [SideName, DbName, string];
  if (!['raw', 'core', 'athanor'].includes(side)) usage(`unknown side ${String(side)}`);
  if (!DATABASES.includes(db)) usage(`unknown database ${String(db)}`);
  if (!['W1', 'W2', 'W4'].includes(workload)) usage(`W1, W2 or W4, not ${workload}`);
  const folder = db === 'sqlite' ? mkdtempSync(join(tmpdir(), 'athanor-heap-')) : undefined;
  const url = urlFor(db, folder);
  const admin = await openAdmin(db, url);
  const data = dataset(ROWS);
  await admin.recreateTable();
  if (workload !== 'W1') await admin.fill(data);
  const opened = await openSide(db, side, url, sizesFor(ROWS), workload as WorkloadName);
  const ids = randomIds(ROWS, ROWS);
  const work = async (): Promise<unknown> => {
    if (workload === 'W2') return opened.loadAll();
    if (workload === 'W4') return opened.lookups(ids);
    // W1 inserts into an empty table each time, as the benchmark does (the DDL is counted too:
    // a few kilobytes per 10,000 rows).
    await admin.recreateTable();
    return opened.insert(data);
  };
  const inspector = new Inspector();
  try {
    for (let i = 0; i < RUNS; i++) await work();
    inspector.connect();
    await inspector.post('HeapProfiler.startSampling', {
      samplingInterval: 64,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    for (let i = 0; i < RUNS; i++) await work();
    const { profile } = (await inspector.post('HeapProfiler.stopSampling')) as unknown as {
      profile: { head: SamplingNode };
    };
    const perUnit = RUNS * ROWS;
    const bytes = bytesByFunction(profile.head);
    let total = 0;
    for (const b of bytes.values()) total += b;
    const unit = workload === 'W1' ? 'inserted row' : workload === 'W2' ? 'row' : 'lookup';
    console.log(`${workload} ${db} ${side}: ${(total / perUnit).toFixed(0)} bytes per ${unit}`);
    const top = [...bytes].sort((a, b) => b[1] - a[1]).slice(0, 12);
    for (const [key, b] of top) {
      if (b / perUnit >= 0.5) console.log(`${(b / perUnit).toFixed(1).padStart(8)}  ${key}`);
    }
  } finally {
    inspector.disconnect();
    await opened.close();
    await admin.dropTable();
    await admin.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  }
}

await main();
