/**
 * Reads a V8 `.cpuprofile` (from `npm run bench -- --profile`) and prints the functions with
 * the most self time, with their inclusive time and where they are defined:
 *
 *   tsx bench/profile-top.ts bench/results/profiles/W2-sqlite-athanor.run*.cpuprofile [count] [--all]
 *
 * Several files (the timed runs of one worker) are added up.
 *
 * By default only the project's own code (src/, bench/), the drivers and native functions
 * (the drivers' bindings, V8 builtins) are listed; `--all` adds Node internals and other
 * packages. The profile's positions are those of the code tsx
 * ran (esbuild output, whitespace-minified); for project files they are mapped back to the
 * TypeScript source by transforming it again the same way and reading the source map. Where
 * that fails, the line is the nearest definition of the function's name, marked `~`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { transformSync } from 'esbuild';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root, with a trailing slash. */
const ROOT = `${dirname(dirname(fileURLToPath(import.meta.url)))}/`;

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** One function's share of the profile. */
export interface FunctionTime {
  key: string;
  name: string;
  location: string;
  selfMs: number;
  totalMs: number;
  selfPct: number;
  totalPct: number;
}

const sourceCache = new Map<string, string[] | null>();

function sourceLines(path: string): string[] | null {
  if (!sourceCache.has(path)) {
    sourceCache.set(path, existsSync(path) ? readFileSync(path, 'utf8').split('\n') : null);
  }
  return sourceCache.get(path)!;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const maps = new Map<string, SourceMap | null>();
let tsconfig: { compilerOptions?: Record<string, unknown> } | undefined;

function tsconfigRaw(): { compilerOptions?: Record<string, unknown> } {
  tsconfig ??= JSON.parse(readFileSync(`${ROOT}tsconfig.json`, 'utf8')) as {
    compilerOptions?: Record<string, unknown>;
  };
  return tsconfig;
}

/** The source map of `path` as tsx compiles it (same esbuild options), or null. */
function sourceMapOf(path: string): SourceMap | null {
  if (!maps.has(path)) {
    let map: SourceMap | null;
    try {
      const out = transformSync(readFileSync(path, 'utf8'), {
        loader: 'ts',
        format: 'esm',
        target: `node${process.versions.node}`,
        sourcemap: 'external',
        sourcefile: path,
        minifyWhitespace: true,
        keepNames: true,
        // tsx hands esbuild the project's compiler options (class fields depend on them).
        tsconfigRaw: tsconfigRaw(),
      });
      map = new SourceMap(JSON.parse(out.map) as ConstructorParameters<typeof SourceMap>[0]);
    } catch {
      map = null;
    }
    maps.set(path, map);
  }
  return maps.get(path)!;
}

/** The 1-based source line of a profiled position, when the source map confirms the name. */
function mappedLine(path: string, frame: CallFrame): number | undefined {
  const entry = sourceMapOf(path)?.findEntry(frame.lineNumber, frame.columnNumber) as
    { originalLine?: number } | undefined;
  if (entry?.originalLine === undefined) return undefined;
  const bare = (frame.functionName.split(' ').pop() ?? '').split('.').pop()!.replace(/^#/, '');
  const text = sourceLines(path)?.[entry.originalLine] ?? '';
  // Anonymous functions cannot be checked by name; named ones must appear on the line.
  if (bare && !text.includes(bare)) return undefined;
  return entry.originalLine + 1;
}

/** The 1-based line defining `name` in a TypeScript file, nearest to the transpiled `line`. */
function definitionLine(path: string, name: string, line: number): number {
  const lines = sourceLines(path);
  const bare = name.split('.').pop()!.replace(/^#/, '#?');
  if (!lines || !bare || bare === '(anonymous)') return line + 1;
  // A method or function definition: `name(`, `name<T>(`, `function name(`, `name = (…) =>`.
  const pattern = new RegExp(
    `(?:^|[^.\\w$#])#?${escape(bare)}\\s*(?:<[^>]*>)?\\s*(?:\\(|=\\s*(?:async\\s*)?(?:\\(|function\\b|[\\w$]+\\s*=>))`,
  );
  let best = -1;
  for (let i = 0; i < lines.length; i++) {
    // A declaration without a body (an interface member, an overload) ends with `;`.
    if (/;\s*$/.test(lines[i]!) || /^\s*(\*|\/\/|\/\*)/.test(lines[i]!)) continue;
    if (pattern.test(lines[i]!) && (best < 0 || Math.abs(i - line) < Math.abs(best - line)))
      best = i;
  }
  return (best < 0 ? line : best) + 1;
}

function describeFrame(frame: CallFrame): { name: string; location: string; own: boolean } {
  const name = frame.functionName || '(anonymous)';
  const url = frame.url;
  // Native functions are listed by default: better-sqlite3's `get`/`run` and V8 builtins hold
  // much of a SQLite workload's time, and hiding them makes the JavaScript look like all of it.
  if (!url) return { name, location: '(native)', own: true };
  let path = url;
  if (url.startsWith('file://')) path = fileURLToPath(url);
  // Compiled by the runner (bench/results/athanor-js): follow the file's own source map.
  const compiled = path.endsWith('.js') ? fromCompiled(path, frame) : undefined;
  if (compiled) return { name, location: compiled, own: true };
  const root = ROOT;
  const relative = path.startsWith(root) ? path.slice(root.length) : path;
  const own = /^(src|bench)\//.test(relative);
  const driver = /node_modules\/(pg|pg-protocol|pg-types|mysql2|better-sqlite3)\//.test(relative);
  let line: number | string = frame.lineNumber + 1;
  if (own) line = mappedLine(path, frame) ?? `~${definitionLine(path, name, frame.lineNumber)}`;
  const shown = relative.includes('node_modules/')
    ? relative.slice(relative.lastIndexOf('node_modules/') + 13)
    : relative;
  return { name, location: `${shown}:${line}`, own: own || driver };
}

const compiledMaps = new Map<string, SourceMap | null>();

/** `src/…/file.ts:line` for a position in a compiled file that has a `.map` beside it. */
function fromCompiled(path: string, frame: CallFrame): string | undefined {
  if (!compiledMaps.has(path)) {
    const file = `${path}.map`;
    compiledMaps.set(
      path,
      existsSync(file)
        ? new SourceMap(
            JSON.parse(readFileSync(file, 'utf8')) as ConstructorParameters<typeof SourceMap>[0],
          )
        : null,
    );
  }
  const map = compiledMaps.get(path);
  if (!map) return undefined;
  const entry = map.findEntry(frame.lineNumber, frame.columnNumber) as {
    originalSource?: string;
    originalLine?: number;
  };
  if (entry.originalSource === undefined || entry.originalLine === undefined) return undefined;
  const source = entry.originalSource.startsWith('file://')
    ? fileURLToPath(entry.originalSource)
    : resolve(dirname(path), entry.originalSource);
  const shown = source.startsWith(ROOT) ? source.slice(ROOT.length) : source;
  return `${shown}:${entry.originalLine + 1}`;
}

type Frame = { name: string; location: string; own: boolean };

/**
 * Self and inclusive time per function (keyed by name and location), over one or more
 * profiles.
 *
 * @example
 * const top = summarize([JSON.parse(readFileSync(file, 'utf8'))]).slice(0, 20);
 */
export function summarize(profiles: readonly CpuProfile[], all = false): FunctionTime[] {
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const frames = new Map<string, Frame>();
  let sum = 0;
  for (const profile of profiles) sum += addProfile(profile, self, total, frames);
  const out: FunctionTime[] = [];
  for (const [key, selfMs] of self) {
    const frame = frames.get(key)!;
    if (!all && !frame.own && frame.name !== '(garbage collector)') continue;
    const totalMs = total.get(key) ?? selfMs;
    out.push({
      key,
      name: frame.name,
      location: frame.location,
      selfMs,
      totalMs,
      selfPct: (100 * selfMs) / sum,
      totalPct: (100 * totalMs) / sum,
    });
  }
  return out.sort((a, b) => b.selfMs - a.selfMs);
}

/** Wall time the profiles spent idle (`(idle)`) or in unattributed native code (`(program)`). */
const idle = new Map<string, number>();

/** Adds one profile's self and inclusive times; returns its total sampled time (ms). */
function addProfile(
  profile: CpuProfile,
  self: Map<string, number>,
  total: Map<string, number>,
  frames: Map<string, Frame>,
): number {
  const parent = new Map<number, number>();
  const keys = new Map<number, string>();
  for (const node of profile.nodes) {
    for (const child of node.children ?? []) parent.set(child, node.id);
    const frame = describeFrame(node.callFrame);
    const key = `${frame.name} ${frame.location}`;
    keys.set(node.id, key);
    frames.set(key, frame);
  }
  let sum = 0;
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    // A sample's duration is the gap to the next one.
    const ms = (timeDeltas[i + 1] ?? timeDeltas[i] ?? 0) / 1000;
    const leaf = samples[i]!;
    const leafKey = keys.get(leaf)!;
    const leafName = frames.get(leafKey)!.name;
    if (leafName === '(idle)' || leafName === '(program)') {
      // Kept apart: idle is time spent waiting (timers, I/O), not work.
      idle.set(leafName, (idle.get(leafName) ?? 0) + ms);
      continue;
    }
    sum += ms;
    self.set(leafKey, (self.get(leafKey) ?? 0) + ms);
    const seen = new Set<string>();
    for (let id: number | undefined = leaf; id !== undefined; id = parent.get(id)) {
      const key = keys.get(id)!;
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + ms);
    }
  }
  return sum;
}

function main(): void {
  const args = process.argv.slice(2);
  const files = args.filter((a) => !a.startsWith('--') && !/^\d+$/.test(a));
  if (files.length === 0) {
    console.error('usage: tsx bench/profile-top.ts <file.cpuprofile>... [count] [--all]');
    process.exit(2);
  }
  const count = Number(args.find((a) => /^\d+$/.test(a)) ?? 25);
  const profiles = files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  const rows = summarize(profiles, args.includes('--all')).slice(0, count);
  const busy = rows.length ? (rows[0]!.selfMs * 100) / rows[0]!.selfPct : 0;
  const waiting = [...idle].map(([name, ms]) => `${name} ${ms.toFixed(0)} ms`).join(', ');
  console.log(`busy ${busy.toFixed(0)} ms${waiting ? `; not counted: ${waiting}` : ''}`);
  console.log('self %  self ms  total %  function  (location)');
  for (const r of rows) {
    console.log(
      `${r.selfPct.toFixed(1).padStart(6)}  ${r.selfMs.toFixed(0).padStart(7)}  ${r.totalPct.toFixed(1).padStart(7)}  ${r.name}  (${r.location})`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
