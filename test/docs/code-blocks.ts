/**
 * Extracts the TypeScript code blocks of the Markdown docs and type-checks them against the
 * public API with the TypeScript compiler API. Each block becomes its own module: it gets an
 * import of every public export and every shared fixture (from prelude.ts) that it does not
 * declare itself, and of what earlier blocks of the same file declared, so a doc can show
 * `Scoped.add(user)` without repeating the setup.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/** One fenced ```ts block of a Markdown file. */
export interface CodeBlock {
  /** The Markdown file, relative to the repository root. */
  readonly file: string;
  /** The 1-based line of the block's first code line in that file. */
  readonly line: number;
  readonly code: string;
  /** True for ```ts nocheck: a block that shows an error on purpose. */
  readonly nocheck: boolean;
}

/** A type error found in a block, placed at its line in the Markdown file. */
export interface BlockDiagnostic {
  readonly block: CodeBlock;
  /** The 1-based Markdown line, or undefined when the error is in the generated header. */
  readonly line: number | undefined;
  readonly message: string;
}

const OPEN = /^(\s*)```(ts|typescript)(?:\s+(.*))?\s*$/;
const CLOSE = /^\s*```\s*$/;

/** The ```ts / ```typescript blocks of one Markdown text, in order. */
export function extractBlocks(markdown: string, file: string): CodeBlock[] {
  const lines = markdown.split(/\r?\n/);
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = OPEN.exec(lines[i]!);
    if (open === null) continue;
    const indent = open[1]!.length;
    const flags = (open[3] ?? '').split(/\s+/);
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !CLOSE.test(lines[j]!)) {
      body.push(lines[j]!.slice(Math.min(indent, leadingSpaces(lines[j]!))));
      j++;
    }
    if (j === lines.length) throw new Error(`${file}:${i + 1}: code block is never closed`);
    blocks.push({ file, line: i + 2, code: body.join('\n'), nocheck: flags.includes('nocheck') });
    i = j;
  }
  return blocks;
}

function leadingSpaces(line: string): number {
  return line.length - line.trimStart().length;
}

/** README.md and every Markdown file under docs/, relative to `root`, sorted. */
export function markdownFiles(root: string): string[] {
  const out = ['README.md'].filter((f) => existsSync(join(root, f)));
  const walk = (dir: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) out.push(path);
    }
  };
  walk('docs');
  return out.sort();
}

/** A name a block declares at its top level, and whether it is only a type. */
export interface Declared {
  readonly name: string;
  /** True for interfaces and type aliases. */
  readonly typeOnly: boolean;
  /** True when the block imports the name rather than declaring it. */
  readonly imported: boolean;
  /** True when the block already exports it (`export const …`). */
  readonly exported: boolean;
}

/** The top-level declarations of a block (imports, variables, functions, classes, types…). */
export function declarations(code: string): Declared[] {
  const source = ts.createSourceFile('block.mts', code, ts.ScriptTarget.Latest, false);
  const out: Declared[] = [];
  let exported = false;
  const local = (name: string, typeOnly = false) =>
    out.push({ name, typeOnly, imported: false, exported });
  const bind = (name: ts.BindingName) => {
    if (ts.isIdentifier(name)) local(name.text);
    else
      for (const element of name.elements) if (!ts.isOmittedExpression(element)) bind(element.name);
  };
  for (const statement of source.statements) {
    exported =
      ts.canHaveModifiers(statement) &&
      (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      const add = (name: string) =>
        out.push({ name, typeOnly: false, imported: true, exported: false });
      if (clause?.name) add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) {
        for (const element of bindings.elements) add(element.name.text);
      }
    } else if (ts.isImportEqualsDeclaration(statement)) {
      out.push({ name: statement.name.text, typeOnly: false, imported: true, exported: false });
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) bind(declaration.name);
    } else if (ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement)) {
      local(statement.name.text, true);
    } else if (
      (ts.isFunctionDeclaration(statement) ||
        ts.isClassDeclaration(statement) ||
        ts.isEnumDeclaration(statement) ||
        ts.isModuleDeclaration(statement)) &&
      statement.name !== undefined &&
      ts.isIdentifier(statement.name)
    ) {
      local(statement.name.text);
    }
  }
  return out;
}

/** The names a block declares or imports at its top level. */
export function declaredNames(code: string): Set<string> {
  return new Set(declarations(code).map((d) => d.name));
}

interface ExportedName {
  readonly name: string;
  /** False for a type-only export, which must come in through `import type`. */
  readonly isValue: boolean;
}

function exportsOf(checker: ts.TypeChecker, file: ts.SourceFile | undefined): ExportedName[] {
  if (file === undefined) return [];
  const moduleSymbol = checker.getSymbolAtLocation(file);
  if (moduleSymbol === undefined) return [];
  return checker.getExportsOfModule(moduleSymbol).map((symbol) => {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const isValue = (target.flags & ts.SymbolFlags.Value) !== 0 && !exportedAsType(checker, symbol);
    return { name: symbol.name, isValue };
  });
}

/** True when some link of the re-export chain is `export type` (a class exported as a type). */
function exportedAsType(checker: ts.TypeChecker, symbol: ts.Symbol): boolean {
  for (let s: ts.Symbol | undefined = symbol; s !== undefined;) {
    if (s.declarations?.some((d) => ts.isTypeOnlyImportOrExportDeclaration(d))) return true;
    if (!(s.flags & ts.SymbolFlags.Alias)) return false;
    const next = checker.getImmediateAliasedSymbol(s);
    s = next === s ? undefined : next;
  }
  return false;
}

function importLine(names: readonly ExportedName[], from: string): string {
  const values = names.filter((n) => n.isValue).map((n) => n.name);
  const types = names.filter((n) => !n.isValue).map((n) => n.name);
  const lines: string[] = [];
  if (values.length > 0) lines.push(`import { ${values.join(', ')} } from '${from}';`);
  if (types.length > 0) lines.push(`import type { ${types.join(', ')} } from '${from}';`);
  // Always two lines, so that block lines sit at a fixed offset.
  while (lines.length < 2) lines.push('');
  return lines.join('\n');
}

/** Compiler options: the repository's own strict settings (the caller adds `paths`). */
function compilerOptions(root: string): ts.CompilerOptions {
  const configPath = join(root, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (p) => ts.sys.readFile(p));
  if (config.error)
    throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  return {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    sourceMap: false,
    typeRoots: [join(root, 'node_modules', '@types')],
  };
}

/**
 * Type-checks `blocks`, with `athanor` resolving to `files.index` (default src/index.ts) and
 * the shared fixtures taken from `files.prelude`. Returns the diagnostics of checked blocks,
 * and the nocheck blocks that compile cleanly (their marker is then wrong).
 */
export function checkBlocks(
  root: string,
  blocks: readonly CodeBlock[],
  files: { index?: string; prelude?: string } = {},
): { diagnostics: BlockDiagnostic[]; cleanNocheck: CodeBlock[] } {
  const index = files.index ?? join(root, 'src', 'index.ts');
  const prelude = files.prelude ?? join(root, 'test', 'docs', 'prelude.ts');
  const options = { ...compilerOptions(root), paths: { athanor: [index] } };
  const host = ts.createCompilerHost(options, true);
  const base = ts.createProgram([prelude, index], options, host);
  const checker = base.getTypeChecker();
  const publicNames = exportsOf(checker, base.getSourceFile(index));
  const fixtureNames = exportsOf(checker, base.getSourceFile(prelude));
  const fixtureSet = new Set(fixtureNames.map((n) => n.name));

  const dir = mkdtempSync(join(tmpdir(), 'athanor-doc-blocks-'));
  try {
    const preludeImport = relative(dir, prelude).replace(/\\/g, '/').replace(/\.ts$/, '.js');
    // Blocks of one Markdown file build on each other: a block may use what an earlier block
    // of the same file declared, as a reader would expect.
    const earlier = new Map<string, Map<string, { module: string; typeOnly: boolean }>>();
    const files = blocks.map((block, i) => {
      const own = declarations(block.code);
      const declared = new Set(own.map((d) => d.name));
      const seen = earlier.get(block.file) ?? new Map();
      earlier.set(block.file, seen);
      const fromEarlier = [...seen].filter(([name]) => !declared.has(name));
      const taken = new Set([...declared, ...fromEarlier.map(([name]) => name)]);
      const fromPrelude = fixtureNames.filter((n) => !taken.has(n.name));
      const fromApi = publicNames.filter((n) => !taken.has(n.name) && !fixtureSet.has(n.name));
      const header = [
        importLine(fromApi, 'athanor'),
        importLine(fromPrelude, preludeImport),
        fromEarlier
          .map(
            ([name, e]) => `import ${e.typeOnly ? 'type ' : ''}{ ${name} } from './${e.module}';`,
          )
          .join(' '),
      ];
      const base = `block-${String(i).padStart(3, '0')}`;
      const locals = own.filter((d) => !d.imported);
      const toExport = locals.filter((d) => !d.exported);
      const list = (typeOnly: boolean) =>
        toExport.filter((d) => d.typeOnly === typeOnly).map((d) => d.name);
      const exports = [
        list(false).length > 0 ? `export { ${list(false).join(', ')} };` : '',
        list(true).length > 0 ? `export type { ${list(true).join(', ')} };` : '',
      ].join(' ');
      const path = join(dir, `${base}.mts`);
      writeFileSync(path, `${header.join('\n')}\n${block.code}\nexport {};\n${exports}\n`);
      for (const d of locals) seen.set(d.name, { module: `${base}.mjs`, typeOnly: d.typeOnly });
      return { path, block, headerLines: 5 };
    });
    const program = ts.createProgram(
      files.map((f) => f.path),
      options,
      host,
      base,
    );
    const diagnostics: BlockDiagnostic[] = [];
    const cleanNocheck: CodeBlock[] = [];
    for (const file of files) {
      const source = program.getSourceFile(file.path);
      const found = [
        ...program.getSyntacticDiagnostics(source),
        ...program.getSemanticDiagnostics(source),
      ];
      if (file.block.nocheck) {
        if (found.length === 0) cleanNocheck.push(file.block);
        continue;
      }
      for (const d of found) {
        let line: number | undefined;
        if (d.file !== undefined && d.start !== undefined) {
          const at = d.file.getLineAndCharacterOfPosition(d.start).line - file.headerLines;
          line = at >= 0 ? file.block.line + at : undefined;
        }
        diagnostics.push({
          block: file.block,
          line,
          message: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
        });
      }
    }
    return { diagnostics, cleanNocheck };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The repository root (two folders above this file). */
export const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
