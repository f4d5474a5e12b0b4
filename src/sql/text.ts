/**
 * Textual SQL as executable statements: `text('… :name …')` with named binds, and the
 * `sql` tagged template whose interpolations are always bound parameters. Both compile to
 * the dialect's placeholders once per dialect (per TextClause, per template call site).
 */
import { ArgumentError, InvalidRequestError } from '../errors.js';
import { checkPositionalCount } from './compiler/compiled.js';
import type { CompiledStatement, Executable, SqlDialect } from './executable.js';

/** One piece of a textual statement, as the SQL compiler may splice it into a larger one. */
export type SqlPart =
  | { readonly kind: 'text'; readonly text: string }
  /** A named bind; its value comes from the execute() parameters (or `bindparams`). */
  | { readonly kind: 'bind'; readonly name: string }
  /** A value bound in place (a `sql` interpolation). */
  | { readonly kind: 'value'; readonly value: unknown }
  /** An identifier (optionally schema-qualified) quoted by the dialect. */
  | { readonly kind: 'identifier'; readonly names: readonly string[] };

const NAME_CHAR = /[A-Za-z0-9_]/;

/**
 * Splits SQL text into text and named-bind parts. `:name` is a bind unless it follows a word
 * character, a colon or a backslash; `::` is a PostgreSQL cast; `\:` is a literal colon.
 * Quoted strings, quoted identifiers and comments are copied untouched.
 */
function parseText(sql: string, backslashEscapes: boolean): SqlPart[] {
  const parts: SqlPart[] = [];
  let buf = '';
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql[i] as string;
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < n) {
        const d = sql[j];
        if (backslashEscapes && d === '\\') j += 2;
        else if (d === c) {
          if (sql[j + 1] === c) j += 2;
          else break;
        } else j++;
      }
      buf += sql.slice(i, j + 1);
      i = j + 1;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      const j = end < 0 ? n : end;
      buf += sql.slice(i, j);
      i = j;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      const j = end < 0 ? n : end + 2;
      buf += sql.slice(i, j);
      i = j;
    } else if (c === '\\' && sql[i + 1] === ':') {
      buf += ':';
      i += 2;
    } else if (c === ':') {
      if (sql[i + 1] === ':') {
        buf += '::';
        i += 2;
        continue;
      }
      const prev = i > 0 ? (sql[i - 1] as string) : '';
      let j = i + 1;
      while (j < n && NAME_CHAR.test(sql[j] as string)) j++;
      if (j === i + 1 || NAME_CHAR.test(prev)) {
        buf += c;
        i++;
        continue;
      }
      if (buf !== '') parts.push({ kind: 'text', text: buf });
      buf = '';
      parts.push({ kind: 'bind', name: sql.slice(i + 1, j) });
      i = j;
    } else {
      buf += c;
      i++;
    }
  }
  if (buf !== '') parts.push({ kind: 'text', text: buf });
  return parts;
}

const ROW_KEYWORDS = /^(select|with|values|show|pragma|explain|describe|desc|table|fetch)\b/i;

/** Whether textual SQL produces rows, judged from its first keyword (or a RETURNING). */
function guessReturnsRows(sql: string): boolean {
  const head = sql.replace(/^(\s|--[^\n]*\n?|\/\*[\s\S]*?\*\/|\()*/, '');
  return ROW_KEYWORDS.test(head) || /\breturning\b/i.test(sql);
}

/** Turns parts into SQL text for `dialect`, collecting what each placeholder binds. */
function render(
  parts: readonly SqlPart[],
  dialect: SqlDialect,
): { sql: string; slots: (string | number)[] } {
  const numbered = dialect.placeholder(0) !== dialect.placeholder(1);
  const slots: (string | number)[] = [];
  const byName = new Map<string, number>();
  let sql = '';
  let valueIndex = 0;
  for (const part of parts) {
    switch (part.kind) {
      case 'text':
        sql += part.text;
        break;
      case 'identifier':
        sql += part.names.map((name) => dialect.quoteIdentifier(name)).join('.');
        break;
      case 'bind': {
        const seen = numbered ? byName.get(part.name) : undefined;
        if (seen !== undefined) {
          sql += dialect.placeholder(seen);
        } else {
          byName.set(part.name, slots.length);
          sql += dialect.placeholder(slots.length);
          slots.push(part.name);
        }
        break;
      }
      case 'value':
        sql += dialect.placeholder(slots.length);
        slots.push(valueIndex++);
        break;
    }
  }
  return { sql, slots };
}

function missingBind(name: string): InvalidRequestError {
  return new InvalidRequestError(`A value is required for bind parameter '${name}'`);
}

/** Builds the positional parameter list from named params and in-place values. */
function bindSlots(
  slots: readonly (string | number)[],
  values: readonly unknown[],
  defaults: Readonly<Record<string, unknown>> | undefined,
  params: Readonly<Record<string, unknown>> | undefined,
): unknown[] {
  const out = new Array<unknown>(slots.length);
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i] as string | number;
    let v: unknown;
    if (typeof slot === 'number') {
      v = values[slot];
    } else {
      v = params?.[slot];
      if (v === undefined) v = defaults?.[slot];
      if (v === undefined) throw missingBind(slot);
    }
    out[i] = v;
  }
  return out;
}

/** Positional values of a text() statement: `undefined` falls back to `bindparams()` values. */
function bindTextPositional(
  slots: readonly string[],
  defaults: Readonly<Record<string, unknown>> | undefined,
  values: readonly unknown[],
): unknown[] {
  checkPositionalCount(slots.length, values.length);
  const out = new Array<unknown>(slots.length);
  for (let i = 0; i < slots.length; i++) {
    let v = values[i];
    if (v === undefined) {
      const slot = slots[i] as string;
      v = defaults?.[slot];
      if (v === undefined) throw missingBind(slot);
    }
    out[i] = v;
  }
  return out;
}

/**
 * Textual SQL with named `:binds`, SQLAlchemy's `text()`. Immutable; compiled once per
 * dialect and cached on the instance.
 *
 * @example
 * ```ts
 * const byId = text('SELECT id, name FROM users WHERE id = :id');
 * const row = (await conn.execute(byId, { id: 1 })).one();
 * ```
 */
export class TextClause implements Executable {
  readonly isExecutable = true as const;
  readonly #compiled = new Map<SqlDialect, CompiledStatement>();
  readonly #defaults: Readonly<Record<string, unknown>> | undefined;
  readonly #keys: readonly string[] | undefined;

  constructor(
    /** The SQL as written. */
    readonly text: string,
    options: { bindValues?: Record<string, unknown>; columns?: readonly string[] } = {},
  ) {
    if (typeof text !== 'string') {
      throw new ArgumentError(`text() takes a string of SQL, got ${typeof text}`);
    }
    this.#defaults = options.bindValues;
    this.#keys = options.columns;
  }

  /** Named binds in order of first appearance. */
  get bindNames(): string[] {
    const names: string[] = [];
    for (const p of parseText(this.text, false)) {
      if (p.kind === 'bind' && !names.includes(p.name)) names.push(p.name);
    }
    return names;
  }

  /**
   * A copy with values for some binds fixed (parameters given to execute() still win).
   *
   * @example
   * ```ts
   * const active = text('SELECT * FROM users WHERE active = :a').bindparams({ a: true });
   * ```
   */
  bindparams(values: Record<string, unknown>): TextClause {
    const known = this.bindNames;
    for (const name of Object.keys(values)) {
      if (!known.includes(name)) {
        throw new ArgumentError(
          `This text() construct doesn't define a bound parameter named '${name}'`,
        );
      }
    }
    return new TextClause(this.text, {
      bindValues: { ...this.#defaults, ...values },
      ...(this.#keys === undefined ? {} : { columns: this.#keys }),
    });
  }

  /**
   * A copy that declares its result column names (so they are known before execution).
   *
   * @example
   * ```ts
   * const q = text('SELECT id, name FROM users').columns('id', 'name');
   * ```
   */
  columns(...names: string[]): TextClause {
    return new TextClause(this.text, {
      ...(this.#defaults === undefined ? {} : { bindValues: this.#defaults }),
      columns: names,
    });
  }

  /** The statement as parts, for splicing into a larger statement. */
  toParts(dialect?: SqlDialect): readonly SqlPart[] {
    return parseText(this.text, dialect?.name === 'mysql');
  }

  compile(dialect: SqlDialect): CompiledStatement {
    const cached = this.#compiled.get(dialect);
    if (cached !== undefined) return cached;
    const { sql, slots } = render(this.toParts(dialect), dialect);
    const defaults = this.#defaults;
    // text() slots are all names (sql`` values are the only numbered ones).
    const names = Object.freeze(slots.slice()) as readonly string[];
    const compiled: CompiledStatement = {
      sql,
      bind: (params) => bindSlots(slots, EMPTY, defaults, params),
      bindNames: names,
      bindPositional: (values) => bindTextPositional(names, defaults, values),
      returnsRows: guessReturnsRows(this.text),
      statementKind: 'text',
      resultKeys: this.#keys,
      compiledAt: performance.now(),
    };
    this.#compiled.set(dialect, compiled);
    return compiled;
  }

  toString(): string {
    return this.text;
  }
}

const EMPTY: readonly unknown[] = [];

/**
 * Wraps textual SQL with named `:binds` into an executable statement.
 *
 * @example
 * ```ts
 * await conn.execute(text('INSERT INTO users (name) VALUES (:name)'), { name: 'Ann' });
 * ```
 */
export function text(sql: string): TextClause {
  return new TextClause(sql);
}

/** An identifier spliced into a `sql` template, quoted by the dialect. */
export class SqlIdentifier {
  readonly names: readonly string[];
  constructor(names: readonly string[]) {
    for (const n of names) {
      if (typeof n !== 'string' || n === '' || n.includes('\0')) {
        throw new ArgumentError(`Invalid SQL identifier: ${JSON.stringify(n)}`);
      }
    }
    this.names = names;
  }
}

/** Raw SQL text spliced into a `sql` template without any escaping. */
export class SqlRaw {
  constructor(readonly text: string) {}
}

interface Shape {
  readonly sql: string;
  readonly slots: readonly (string | number)[];
  readonly returnsRows: boolean;
  readonly compiledAt: number;
}

function makeShape(r: { sql: string; slots: (string | number)[] }): Shape {
  return { ...r, returnsRows: guessReturnsRows(r.sql), compiledAt: performance.now() };
}

/** Compiled SQL per template call site (its strings array) and dialect. */
const shapes = new WeakMap<readonly string[], Map<SqlDialect, Shape>>();

/**
 * A statement built with the `sql` tagged template. Every interpolated value is a bound
 * parameter; nested `sql` fragments, `text()` clauses, `sql.identifier()` and
 * `sql.unsafeRaw()` are spliced in as SQL.
 *
 * @example
 * ```ts
 * const rows = (await conn.execute(sql`SELECT * FROM users WHERE name = ${name}`)).all();
 * ```
 */
export class SqlFragment implements Executable {
  readonly isExecutable = true as const;

  constructor(
    readonly strings: readonly string[],
    readonly values: readonly unknown[],
  ) {}

  /** True when every interpolation is a plain value (the SQL then depends only on the call site). */
  #simple(): boolean {
    for (const v of this.values) {
      if (v instanceof SqlFragment || v instanceof TextClause || v instanceof SqlIdentifier) {
        return false;
      }
      if (v instanceof SqlRaw) return false;
    }
    return true;
  }

  /** The statement as parts, for splicing into a larger statement. */
  toParts(dialect?: SqlDialect): SqlPart[] {
    const parts: SqlPart[] = [];
    const strings = this.strings;
    for (let i = 0; i < strings.length; i++) {
      if (strings[i] !== '') parts.push({ kind: 'text', text: strings[i] as string });
      if (i >= this.values.length) continue;
      const v = this.values[i];
      if (v instanceof SqlFragment) parts.push(...v.toParts(dialect));
      else if (v instanceof TextClause) parts.push(...v.toParts(dialect));
      else if (v instanceof SqlIdentifier) parts.push({ kind: 'identifier', names: v.names });
      else if (v instanceof SqlRaw) parts.push({ kind: 'text', text: v.text });
      else parts.push({ kind: 'value', value: v });
    }
    return parts;
  }

  compile(dialect: SqlDialect): CompiledStatement {
    let shape: Shape | undefined;
    let values: readonly unknown[];
    if (this.#simple()) {
      let byDialect = shapes.get(this.strings);
      if (byDialect === undefined) {
        byDialect = new Map();
        shapes.set(this.strings, byDialect);
      }
      shape = byDialect.get(dialect);
      if (shape === undefined) {
        shape = makeShape(render(this.toParts(dialect), dialect));
        byDialect.set(dialect, shape);
      }
      values = this.values;
    } else {
      const parts = this.toParts(dialect);
      shape = makeShape(render(parts, dialect));
      const collected: unknown[] = [];
      for (const p of parts) if (p.kind === 'value') collected.push(p.value);
      values = collected;
    }
    for (let i = 0; i < values.length; i++) {
      if (values[i] === undefined) {
        throw new InvalidRequestError(
          `A value is required for bind parameter #${i + 1} of the sql\`\` template ` +
            '(got undefined; pass null for SQL NULL)',
        );
      }
    }
    const { sql, slots } = shape;
    return {
      sql,
      bind: (params) => bindSlots(slots, values, undefined, params),
      returnsRows: shape.returnsRows,
      statementKind: 'text',
      compiledAt: shape.compiledAt,
    };
  }

  toString(): string {
    return this.strings.reduce((acc, s, i) => acc + (i > 0 ? `\${${i - 1}}` : '') + s, '');
  }
}

/** The `sql` tag plus its helpers. */
export interface SqlTag {
  (strings: TemplateStringsArray, ...values: unknown[]): SqlFragment;
  /**
   * An identifier quoted by the dialect; several names make a qualified one.
   *
   * @example
   * ```ts
   * sql`SELECT * FROM ${sql.identifier('order')}`; // "order" / `order`
   * ```
   */
  identifier(...names: string[]): SqlIdentifier;
  /**
   * SQL text spliced in verbatim. Never pass user input: it is not escaped.
   *
   * @example
   * ```ts
   * sql`SELECT * FROM t ORDER BY id ${sql.unsafeRaw('DESC')}`;
   * ```
   */
  unsafeRaw(text: string): SqlRaw;
  /**
   * Joins values (bound) or fragments (spliced) with a separator, `, ` by default.
   *
   * @example
   * ```ts
   * sql`SELECT * FROM t WHERE id IN (${sql.join([1, 2, 3])})`;
   * ```
   */
  join(items: readonly unknown[], separator?: string | SqlFragment): SqlFragment;
}

/**
 * The `sql` tagged template: interpolations are bound parameters, never spliced text.
 *
 * @example
 * ```ts
 * await conn.execute(sql`UPDATE users SET active = ${false} WHERE id = ${id}`);
 * ```
 */
export const sql: SqlTag = Object.assign(
  (strings: TemplateStringsArray, ...values: unknown[]) => new SqlFragment(strings, values),
  {
    identifier: (...names: string[]) => new SqlIdentifier(names),
    unsafeRaw: (text: string) => {
      if (typeof text !== 'string') throw new ArgumentError('sql.unsafeRaw() takes a string');
      return new SqlRaw(text);
    },
    join: (items: readonly unknown[], separator: string | SqlFragment = ', ') => {
      const sep = typeof separator === 'string' ? new SqlRaw(separator) : separator;
      const strings: string[] = [''];
      const values: unknown[] = [];
      items.forEach((item, i) => {
        if (i > 0) {
          values.push(sep);
          strings.push('');
        }
        values.push(item);
        strings.push('');
      });
      return new SqlFragment(strings, values);
    },
  },
);
