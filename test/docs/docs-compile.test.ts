import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkBlocks,
  declaredNames,
  extractBlocks,
  markdownFiles,
  repositoryRoot,
} from './code-blocks.js';
import type { CodeBlock } from './code-blocks.js';

describe('the docs code-block extractor', () => {
  it('finds ts and typescript blocks with their Markdown line and nocheck marker', () => {
    const md = [
      '# Title', //                       1
      '```ts', //                         2
      'const a = 1;', //                  3
      '```', //                           4
      'text', //                          5
      '  ```typescript nocheck', //       6
      '  const b: number = "x";', //      7
      '  ```', //                         8
      '```js', //                         9
      'ignored()', //                    10
      '```', //                          11
    ].join('\n');
    expect(extractBlocks(md, 'x.md')).toEqual([
      { file: 'x.md', line: 3, code: 'const a = 1;', nocheck: false },
      { file: 'x.md', line: 7, code: 'const b: number = "x";', nocheck: true },
    ]);
  });

  it('refuses a block that is never closed', () => {
    expect(() => extractBlocks('```ts\nconst a = 1;\n', 'y.md')).toThrow('y.md:1');
  });

  it('knows which names a block declares itself', () => {
    const names = declaredNames(
      [
        "import { select, type Engine } from 'athanor';",
        "import * as ns from 'node:http';",
        'const { a, b: [c] } = obj;',
        'function f() {}',
        'class K {}',
        'interface I {}',
        'type T = 1;',
        '{ const hidden = 1; }',
      ].join('\n'),
    );
    expect([...names].sort()).toEqual(['Engine', 'I', 'K', 'T', 'a', 'c', 'f', 'ns', 'select']);
  });
});

describe('every ```ts block of README.md and docs/ compiles against the public API', () => {
  const files = markdownFiles(repositoryRoot);
  const blocks: CodeBlock[] = files.flatMap((file) =>
    extractBlocks(readFileSync(join(repositoryRoot, file), 'utf8'), file),
  );

  it('finds the guide and its code blocks', () => {
    expect(files).toContain('docs/guide/05-scoping.md');
    expect(blocks.length).toBeGreaterThan(20);
  });

  it('type-checks them with the repository’s strict settings', { timeout: 180_000 }, () => {
    const { diagnostics, cleanNocheck } = checkBlocks(repositoryRoot, blocks);
    const report = diagnostics.map(
      (d) => `${d.block.file}:${d.line ?? `${d.block.line} (header)`}: ${d.message}`,
    );
    expect(report).toEqual([]);
    // A nocheck block must show an error on purpose; one that compiles should be checked.
    expect(cleanNocheck.map((b) => `${b.file}:${b.line}`)).toEqual([]);
  });
});
