/**
 * The Athanor module the benchmark measures. The runner compiles `src/` to plain JavaScript
 * first (`bench/build-athanor.ts`) and names the result in `BENCH_ATHANOR_MODULE`, so the
 * workers run what users run — not the TypeScript sources through tsx, whose transform adds a
 * `__name()` call to every named closure it creates (2–5% of some Athanor profiles, and none
 * on the raw side). Without the variable (a worker started by hand), the sources are used.
 */
import { pathToFileURL } from 'node:url';
import type * as AthanorModule from '../../src/index.js';

const compiled = process.env.BENCH_ATHANOR_MODULE;

/** Athanor's public API, compiled or from source. */
export const athanor: typeof AthanorModule = compiled
  ? ((await import(pathToFileURL(compiled).href)) as typeof AthanorModule)
  : await import('../../src/index.js');
