/**
 * Property tests: for random WHERE expressions, every dialect's SQL has exactly as many
 * placeholders as bound parameters, and no value ever appears in the SQL text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetaData, and, not, or, select, type ColumnExpression } from '../../src/sql/index.js';
import { DIALECTS, type DialectName } from './helpers.js';

const metadata = new MetaData();
const items = metadata.table('prop_items', (t) => ({
  id: t.integer().primaryKey(),
  name: t.text().notNull(),
  note: t.varchar(50),
  qty: t.integer(),
}));

type Cond = ColumnExpression<boolean>;

/** Strings with quotes, backslashes, percent signs and any unicode but NUL, fenced by markers. */
const text = fc
  .string({
    unit: fc.oneof(
      fc.constantFrom("'", '"', '\\', '%', '_', '/', '?', '$1', ';', '--'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    ),
  })
  .filter((s) => !s.includes('\0'))
  .map((s) => `⟦${s}⟧`);
const int = fc.integer({ min: -1_000_000, max: 1_000_000 });

const leaf: fc.Arbitrary<{ cond: Cond; strings: string[] }> = fc.oneof(
  fc
    .tuple(fc.constantFrom('eq', 'ne', 'gt', 'ge', 'lt', 'le'), int)
    .map(([op, v]) => ({ cond: items.c.qty[op as 'eq'](v), strings: [] })),
  fc
    .tuple(
      fc.constantFrom('eq', 'ne', 'like', 'notLike', 'ilike', 'contains', 'startsWith', 'endsWith'),
      text,
    )
    .map(([op, v]) => ({
      cond: (items.c.name[op as 'eq'] as (x: string) => Cond)(v),
      strings: [v],
    })),
  fc.array(text, { maxLength: 5 }).map((vs) => ({ cond: items.c.note.in(vs), strings: vs })),
  fc.array(int, { maxLength: 5 }).map((vs) => ({ cond: items.c.qty.notIn(vs), strings: [] })),
  fc.tuple(int, int).map(([a, b]) => ({ cond: items.c.id.between(a, b), strings: [] })),
  fc
    .constantFrom(items.c.note.eq(null), items.c.qty.isNotNull())
    .map((cond) => ({ cond, strings: [] })),
);

const tree: fc.Arbitrary<{ cond: Cond; strings: string[] }> = fc.letrec<{
  node: { cond: Cond; strings: string[] };
}>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('node'), { minLength: 1, maxLength: 4 }).map((xs) => ({
      cond: and(...xs.map((x) => x.cond)),
      strings: xs.flatMap((x) => x.strings),
    })),
    fc
      .array(tie('node'), { minLength: 1, maxLength: 4 })
      .map((xs) => ({ cond: or(...xs.map((x) => x.cond)), strings: xs.flatMap((x) => x.strings) })),
    tie('node').map((x) => ({ cond: not(x.cond), strings: x.strings })),
  ),
})).node;

function placeholders(sql: string, dialect: DialectName): number {
  return (sql.match(dialect === 'postgresql' ? /\$\d+/g : /\?/g) ?? []).length;
}

describe('compiled SQL for random conditions', () => {
  it('has one placeholder per bound parameter on every dialect, numbered in order on PostgreSQL', () => {
    fc.assert(
      fc.property(tree, ({ cond }) => {
        const stmt = select(items.c.id).where(cond);
        for (const name of Object.keys(DIALECTS) as DialectName[]) {
          const compiled = stmt.compile(DIALECTS[name]);
          const params = compiled.bind();
          expect(placeholders(compiled.sql, name)).toBe(params.length);
          if (name === 'postgresql') {
            const numbers = (compiled.sql.match(/\$(\d+)/g) ?? []).map((p) => Number(p.slice(1)));
            expect(numbers).toEqual(numbers.map((_, i) => i + 1));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never splices a value into the SQL text', () => {
    fc.assert(
      fc.property(tree, ({ cond, strings }) => {
        const stmt = select(items.c.id).where(cond);
        for (const name of Object.keys(DIALECTS) as DialectName[]) {
          const { sql } = stmt.compile(DIALECTS[name]);
          expect(sql).not.toContain('⟦');
          for (const s of strings) expect(sql.includes(s)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('compiles shapes that differ only in values to the same SQL (cache hits)', () => {
    fc.assert(
      fc.property(text, text, int, int, (a, b, x, y) => {
        const one = select(items.c.id)
          .where(items.c.name.contains(a), items.c.qty.gt(x))
          .compile(DIALECTS.postgresql);
        const two = select(items.c.id)
          .where(items.c.name.contains(b), items.c.qty.gt(y))
          .compile(DIALECTS.postgresql);
        expect(two.sql).toBe(one.sql);
        expect(two.bind()[1]).toBe(y);
      }),
      { numRuns: 100 },
    );
  });
});
