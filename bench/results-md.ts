/** The committed `bench/RESULTS.md`: the latest full run's table and the machine it ran on. */
import type { Machine } from './machine.js';
import { machineLine } from './machine.js';

/**
 * Renders RESULTS.md.
 *
 * @example
 * writeFileSync('bench/RESULTS.md', resultsMarkdown(machine, table, 5, 1, new Date().toISOString()));
 */
export function resultsMarkdown(
  machine: Machine,
  table: string,
  runs: number,
  rounds: number,
  date: string,
): string {
  const split = rounds > 1 ? ` in ${rounds} rounds that alternate the sides` : '';
  const command = `npm run bench -- --runs ${runs} --rounds ${rounds}`;
  return `# Benchmark results

The latest full run, \`${command}\` (${date.slice(0, 10)}): medians of ${runs} timed runs${split},
each worker doing one warm-up run and then ${Math.ceil(runs / rounds)} timed runs, each workload
and side in a fresh process and a fresh table.
Ratios are a side's median over the raw driver's. "Core" is Athanor's engine and SQL expression
language without the ORM; "Athanor" is the ORM, and the targets apply to it. W6 compares a flush
among 100,000 loaded objects with the same flush among 10 (shown in the raw column); W7 is judged
on peak RSS growth, W8 on the time of one pool checkout/checkin (raw: the driver's own pool).
[docs/performance.md](../docs/performance.md) says what each workload does on each side.

Machine: ${machineLine(machine)}.

${table}
`;
}
