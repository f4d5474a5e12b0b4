/**
 * CPU profiles of the timed part of a run only (not the setup and verification around it),
 * through the inspector protocol, sampled every 100 µs so that short runs still give a
 * useful picture. Read them with `bench/profile-top.ts`.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/** Sampling interval in microseconds (V8's default is 1,000). */
const INTERVAL_US = 100;

/**
 * A V8 CPU profiler in this process.
 *
 * @example
 * const profiler = await Profiler.open();
 * await profiler.start();
 * await work();
 * await profiler.stop('work.cpuprofile');
 */
export class Profiler {
  private constructor(private readonly session: Session) {}

  static async open(): Promise<Profiler> {
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: INTERVAL_US });
    return new Profiler(session);
  }

  async start(): Promise<void> {
    await this.session.post('Profiler.start');
  }

  /** Stops profiling and writes the profile to `file`. */
  async stop(file: string): Promise<void> {
    const { profile } = await this.session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
  }

  close(): void {
    this.session.disconnect();
  }
}
