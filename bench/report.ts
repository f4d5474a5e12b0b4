/**
 * Turns worker results into the report: one row per workload and database (medians, min–max,
 * the ratio, the target and whether it is met), the geometric mean of W1–W5 per database, and
 * the same as a Markdown table.
 */
import type { SideName, WorkerResult, WorkloadName } from './config.js';
import type { DbName } from './side.js';
import { GEOMEAN_TARGET, GEOMEAN_WORKLOADS, TARGETS, describeTarget, meets } from './targets.js';

/** Median, minimum and maximum of one side's timed runs. */
export interface Stats {
  median: number;
  min: number;
  max: number;
  runs: number;
  unit: 'ms' | 'µs';
}

/** Median (mean of the middle two for an even count), min and max. */
export function stats(samples: readonly number[], unit: 'ms' | 'µs'): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: sorted.length, unit };
}

/** One line of the report. */
export interface ReportRow {
  workload: WorkloadName;
  db: DbName;
  raw?: Stats;
  core?: Stats;
  athanor?: Stats;
  /** Athanor's (the ORM's) median over raw's, when both exist. */
  ratio?: number;
  /** Athanor Core's median over raw's, when both exist. */
  coreRatio?: number;
  /** The value the target is judged on (a ratio, MiB or µs). */
  measured?: number;
  target: string;
  /** `pass`, `miss`, or `n/a` when a side is missing. */
  result: 'pass' | 'miss' | 'n/a';
  rssGrowthMiB?: { raw?: number; core?: number; athanor?: number };
  note?: string;
}

/** The geometric mean of W1–W5 ratios on one database. */
export interface GeomeanRow {
  db: DbName;
  value?: number;
  /** The same mean for Athanor Core, for reference (not judged). */
  core?: number;
  workloads: number;
  result: 'pass' | 'miss' | 'n/a';
}

/** Builds one report row from the sides' results (any may be missing). */
export function reportRow(
  workload: WorkloadName,
  db: DbName,
  sides: Partial<Record<SideName, WorkerResult>>,
): ReportRow {
  const { raw, core, athanor } = sides;
  const target = TARGETS[workload];
  const row: ReportRow = {
    workload,
    db,
    target: describeTarget(target, db),
    result: 'n/a',
  };
  if (raw) row.raw = stats(raw.samples, raw.unit);
  if (core) row.core = stats(core.samples, core.unit);
  if (athanor) row.athanor = stats(athanor.samples, athanor.unit);
  if (row.raw && row.athanor) row.ratio = row.athanor.median / row.raw.median;
  if (row.raw && row.core) row.coreRatio = row.core.median / row.raw.median;
  const notes = [raw?.note, core?.note, athanor?.note].filter(Boolean);
  if (notes.length) row.note = notes.join('; ');
  switch (target.kind) {
    case 'ratio':
      row.measured = row.ratio;
      break;
    case 'rssMiB':
      row.rssGrowthMiB = {
        raw: raw?.rssGrowthMiB,
        core: core?.rssGrowthMiB,
        athanor: athanor?.rssGrowthMiB,
      };
      row.measured = athanor?.rssGrowthMiB;
      break;
    case 'microseconds':
      row.measured = row.athanor?.median;
      break;
  }
  if (row.measured !== undefined) row.result = meets(target, db, row.measured) ? 'pass' : 'miss';
  return row;
}

function geometricMean(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  return Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
}

/** The geometric mean of the W1–W5 ratios present for `db`. */
export function geomean(rows: readonly ReportRow[], db: DbName): GeomeanRow {
  const mine = rows.filter((r) => r.db === db && GEOMEAN_WORKLOADS.includes(r.workload));
  const ratios = mine.filter((r) => r.ratio !== undefined).map((r) => r.ratio!);
  const core = geometricMean(
    mine.filter((r) => r.coreRatio !== undefined).map((r) => r.coreRatio!),
  );
  const value = geometricMean(ratios);
  const out: GeomeanRow = { db, workloads: ratios.length, result: 'n/a' };
  if (core !== undefined) out.core = core;
  if (value === undefined) return out;
  out.value = value;
  // Judged only when every workload of the mean ran.
  if (ratios.length === GEOMEAN_WORKLOADS.length) {
    out.result = value <= GEOMEAN_TARGET ? 'pass' : 'miss';
  }
  return out;
}

function formatValue(value: number, unit: string): string {
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`;
}

function formatStats(s: Stats | undefined): string {
  if (!s) return '—';
  const digits = s.max >= 100 ? 0 : s.max >= 10 ? 1 : 2;
  const range = s.runs > 1 ? ` (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})` : '';
  return `${formatValue(s.median, s.unit)}${range}`;
}

function formatRatio(ratio: number | undefined): string {
  return ratio === undefined ? '—' : `${ratio.toFixed(2)}×`;
}

function formatMeasured(row: ReportRow): string {
  if (row.measured === undefined) return '—';
  const kind = TARGETS[row.workload].kind;
  if (kind === 'ratio') return `${row.measured.toFixed(2)}×`;
  if (kind === 'rssMiB') {
    const others = (['raw', 'core'] as const)
      .filter((side) => row.rssGrowthMiB?.[side] !== undefined)
      .map((side) => `${side} +${row.rssGrowthMiB![side]!.toFixed(1)}`);
    return `+${row.measured.toFixed(1)} MiB${others.length ? ` (${others.join(', ')})` : ''}`;
  }
  return `${row.measured.toFixed(2)} µs`;
}

const LABELS: Record<WorkloadName, string> = {
  W1: 'W1 insert',
  W2: 'W2 load',
  W3: 'W3 change',
  W4: 'W4 lookups',
  W5: 'W5 concurrency',
  W6: 'W6 big-session flush',
  W7: 'W7 stream',
  W8: 'W8 pool cycle',
};

/** The header and cells of the table, shared by the console and Markdown forms. */
export function tableCells(
  rows: readonly ReportRow[],
  geomeans: readonly GeomeanRow[],
): { header: string[]; body: string[][] } {
  const header = [
    'workload',
    'database',
    'raw median (min–max)',
    'Core median (min–max)',
    'Athanor median (min–max)',
    'Core ratio',
    'Athanor ratio',
    'measured',
    'target',
    'result',
  ];
  const body = rows.map((row) => [
    LABELS[row.workload],
    row.db,
    formatStats(row.raw),
    formatStats(row.core),
    formatStats(row.athanor),
    formatRatio(row.coreRatio),
    formatRatio(row.ratio),
    formatMeasured(row),
    row.target,
    row.result,
  ]);
  for (const g of geomeans) {
    if (g.workloads === 0 && g.core === undefined) continue;
    body.push([
      `geomean W1–W5 (${g.workloads} of 5)`,
      g.db,
      '',
      '',
      '',
      formatRatio(g.core),
      formatRatio(g.value),
      formatRatio(g.value),
      `≤ ${GEOMEAN_TARGET}×`,
      g.result,
    ]);
  }
  return { header, body };
}

/** The table padded for a terminal. */
export function consoleTable(rows: readonly ReportRow[], geomeans: readonly GeomeanRow[]): string {
  const { header, body } = tableCells(rows, geomeans);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** The table in Markdown. */
export function markdownTable(rows: readonly ReportRow[], geomeans: readonly GeomeanRow[]): string {
  const { header, body } = tableCells(rows, geomeans);
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...body.map(line)].join('\n');
}
