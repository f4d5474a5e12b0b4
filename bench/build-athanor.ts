/**
 * Compiles `src/` to JavaScript for the benchmark workers (see `athanor/lib.ts`): one output
 * file per source file, ES modules for this Node version, with source maps so that profiles
 * point back to the TypeScript. esbuild (installed with tsx) does it in a fraction of a second
 * and, unlike `tsc`, does not stop at type errors elsewhere in a work tree.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

function sources(folder: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) out.push(...sources(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/**
 * Compiles `<root>/src` into `outdir` and returns the path of the compiled `index.js`.
 *
 * @example
 * const entry = await buildAthanor('/repo', '/repo/bench/results/athanor-js');
 */
export async function buildAthanor(root: string, outdir: string): Promise<string> {
  const src = join(root, 'src');
  await build({
    entryPoints: sources(src),
    outdir,
    outbase: src,
    format: 'esm',
    platform: 'node',
    target: `node${process.versions.node}`,
    sourcemap: true,
    bundle: false,
    logLevel: 'error',
  });
  return join(outdir, 'index.js');
}
