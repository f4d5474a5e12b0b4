/**
 * Peak resident-set measurement for W7. Streaming loops call `sample()` every 1,000 rows
 * (better-sqlite3 iterates synchronously, so a timer alone would never fire), and a 10 ms
 * timer samples while the loop awaits the network.
 */
import type { MemoryProbe } from './side.js';

const MiB = 1024 * 1024;

/** Runs the garbage collector when the process was started with `--expose-gc`. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
}

/**
 * Tracks the highest RSS seen since `start()`, relative to the RSS at `start()`.
 *
 * @example
 * const probe = new RssProbe();
 * probe.start();
 * for (const row of rows) probe.sample();
 * probe.stop();
 * probe.growthMiB();
 */
export class RssProbe implements MemoryProbe {
  private baseline = 0;
  private peak = 0;
  private timer: NodeJS.Timeout | undefined;

  /** Takes the baseline (after a full GC) and starts the 10 ms timer. */
  start(): void {
    collectGarbage();
    this.baseline = process.memoryUsage.rss();
    this.peak = this.baseline;
    this.timer = setInterval(() => this.sample(), 10);
  }

  sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.peak) this.peak = rss;
  }

  stop(): void {
    this.sample();
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Peak RSS growth over the baseline, in MiB. */
  growthMiB(): number {
    return (this.peak - this.baseline) / MiB;
  }
}
