/**
 * The benchmark's quick mode on SQLite: every workload runs on each of its sides (raw driver,
 * Athanor Core, the ORM), the data is verified after every run, and the report has a row per
 * workload. Timings are not checked (a busy
 * machine must not fail the tests); CI also runs `npm run bench -- --quick` on every database.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WORKLOADS } from '../../bench/config.js';
import type { WorkerResult } from '../../bench/config.js';
import type { GeomeanRow, ReportRow } from '../../bench/report.js';

const folder = mkdtempSync(join(tmpdir(), 'athanor-bench-test-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('npm run bench -- --quick', () => {
  it('runs every workload on SQLite on all its sides and verifies the data', () => {
    const json = join(folder, 'quick.json');
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'bench/run.ts', '--quick', '--db', 'sqlite', '--json', json],
      { encoding: 'utf8', timeout: 170_000 },
    );
    expect(run.status, `bench failed:\n${run.stderr}\n${run.stdout}`).toBe(0);
    const report = JSON.parse(readFileSync(json, 'utf8')) as {
      rows: ReportRow[];
      geomeans: GeomeanRow[];
      results: WorkerResult[];
      failures: unknown[];
    };
    expect(report.failures).toEqual([]);
    expect(report.rows.map((r) => r.workload)).toEqual([...WORKLOADS]);
    for (const workload of WORKLOADS) {
      const athanor = report.results.find((r) => r.workload === workload && r.side === 'athanor');
      expect(athanor?.samples.length, `${workload} Athanor samples`).toBe(1);
      expect(athanor!.samples[0]).toBeGreaterThan(0);
      expect(athanor!.verified).not.toBe('');
      // better-sqlite3 has no pool, so W8 has no raw side on SQLite; W6 and W8 have no Core side.
      const raw = report.results.find((r) => r.workload === workload && r.side === 'raw');
      expect(raw !== undefined, `${workload} raw side`).toBe(workload !== 'W8');
      const core = report.results.find((r) => r.workload === workload && r.side === 'core');
      expect(core !== undefined, `${workload} Core side`).toBe(!['W6', 'W8'].includes(workload));
    }
    const row = (w: string): ReportRow => report.rows.find((r) => r.workload === w)!;
    for (const workload of ['W1', 'W2', 'W3', 'W4', 'W5', 'W6']) {
      expect(row(workload).ratio, `${workload} ratio`).toBeGreaterThan(0);
      expect(['pass', 'miss']).toContain(row(workload).result);
    }
    for (const workload of ['W1', 'W2', 'W3', 'W4', 'W5', 'W7']) {
      expect(row(workload).coreRatio, `${workload} Core ratio`).toBeGreaterThan(0);
    }
    expect(row('W7').rssGrowthMiB?.athanor).toBeTypeOf('number');
    expect(row('W8').measured).toBeGreaterThan(0);
    expect(report.geomeans[0]?.workloads).toBe(5);
  }, 180_000);
});
