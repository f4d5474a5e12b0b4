/**
 * Type-level tests: what TypeScript infers for rows, inserts and expressions, and the
 * mistakes it refuses. `npm test` type-checks this file with `tsc` (expectTypeOf and
 * @ts-expect-error fail the build); the runtime `toThrow` checks run in vitest.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  MetaData,
  alias,
  bindParam,
  cast,
  caseWhen,
  deleteFrom,
  func,
  insert,
  literal,
  select,
  types,
  update,
  type ColumnExpression,
  type InferInsert,
  type InferRow,
  type RowOf,
  type Select,
} from '../../src/sql/index.js';

const metadata = new MetaData();
const all = metadata.table('type_all', (t) => ({
  id: t.integer().primaryKey(),
  small: t.smallint().notNull(),
  big: t.bigint(),
  bigNum: t.bigint({ mode: 'number' }).notNull(),
  bigStr: t.bigint({ mode: 'string' }),
  r: t.real(),
  d: t.double().notNull(),
  n: t.numeric(10, 2),
  txt: t.text().notNull(),
  vc: t.varchar(20),
  b: t.boolean().notNull().default(false),
  day: t.date(),
  ts: t.timestamp('created_at').notNull().serverDefault('CURRENT_TIMESTAMP'),
  tz: t.timestamp({ withTimezone: true }),
  j: t.json<{ a: number[] }>(),
  jb: t.jsonb(),
  bin: t.bytes(),
  u: t
    .uuid()
    .notNull()
    .default(() => '00000000-0000-0000-0000-000000000000'),
  status: t.enum(['draft', 'published']).notNull(),
  code: t.text().$type<`C-${number}`>(),
}));

describe('row inference', () => {
  it('infers every column type, NULL-able unless notNull/primaryKey', () => {
    expectTypeOf<InferRow<typeof all>>().toEqualTypeOf<{
      id: number;
      small: number;
      big: bigint | null;
      bigNum: number;
      bigStr: string | null;
      r: number | null;
      d: number;
      n: string | null;
      txt: string;
      vc: string | null;
      b: boolean;
      day: string | null;
      ts: Date;
      tz: Date | null;
      j: { a: number[] } | null;
      jb: unknown;
      bin: Uint8Array | null;
      u: string;
      status: 'draft' | 'published';
      code: `C-${number}` | null;
    }>();
    expect(all.columns).toHaveLength(20);
  });

  it('requires NOT NULL columns without defaults on insert, and only those', () => {
    type Ins = InferInsert<typeof all>;
    expectTypeOf<Ins>().toEqualTypeOf<{
      small: number;
      bigNum: number;
      d: number;
      txt: string;
      status: 'draft' | 'published';
      id?: number;
      big?: bigint | null;
      bigStr?: string | null;
      r?: number | null;
      n?: string | null;
      vc?: string | null;
      b?: boolean;
      day?: string | null;
      ts?: Date;
      tz?: Date | null;
      j?: { a: number[] } | null;
      jb?: unknown;
      bin?: Uint8Array | null;
      u?: string;
      code?: `C-${number}` | null;
    }>();
    insert(all).values({ small: 1, bigNum: 2, d: 3, txt: 'x', status: 'draft' });
    // @ts-expect-error txt is NOT NULL without a default
    insert(all).values({ small: 1, bigNum: 2, d: 3, status: 'draft' });
    const gone = () =>
      // @ts-expect-error status only takes its enum values (and the runtime check agrees)
      insert(all).values({ small: 1, bigNum: 2, d: 3, txt: 'x', status: 'gone' });
    expect(gone).toThrow(/expected one of 'draft', 'published'/);
  });

  it('types select rows from the selected columns, labels and functions', () => {
    const _s1 = select(all.c.id, all.c.txt, all.c.ts);
    expectTypeOf<RowOf<typeof _s1>>().toEqualTypeOf<{ id: number; txt: string; ts: Date }>();
    const _s2 = select(
      all.c.status,
      func.count().label('n'),
      func.max(all.c.d),
      all.c.d.add(1).label('d1'),
    );
    expectTypeOf<RowOf<typeof _s2>>().toEqualTypeOf<{
      status: 'draft' | 'published';
      n: number;
      max: number | null;
      d1: number;
    }>();
    const _s3 = select(all);
    expectTypeOf<RowOf<typeof _s3>>().toEqualTypeOf<InferRow<typeof all>>();
    const a = alias(all, 'a2');
    const _s4 = select(
      a.c.vc,
      cast(all.c.id, types.text()),
      caseWhen([[all.c.b, 'yes']], { else: 'no' }).label('yn'),
    );
    expectTypeOf<RowOf<typeof _s4>>().toEqualTypeOf<{
      vc: string | null;
      id: string | null;
      yn: string;
    }>();
    const sq = select(all.c.id, all.c.txt.label('t')).subquery('sq');
    expectTypeOf(sq.c.t).toEqualTypeOf<ColumnExpression<string, 't'>>();
    const _s5 = select(sq);
    expectTypeOf<RowOf<typeof _s5>>().toEqualTypeOf<{ id: number; t: string }>();
  });

  it('types RETURNING rows, and statements without RETURNING as rowless', () => {
    const _ins = insert(all)
      .values({ small: 1, bigNum: 2, d: 3, txt: 'x', status: 'draft' })
      .returning(all.c.id, all.c.u);
    expectTypeOf<RowOf<typeof _ins>>().toEqualTypeOf<{ id: number; u: string }>();
    const _upd = update(all).values({ txt: 'y' }).returning(all.c.ts);
    expectTypeOf<RowOf<typeof _upd>>().toEqualTypeOf<{ ts: Date }>();
    const _del = deleteFrom(all).where(all.c.id.eq(1));
    expectTypeOf<RowOf<typeof _del>>().toEqualTypeOf<Record<string, never>>();
  });

  it('types select(Entity) tuples from a mapped class', () => {
    class Thing {
      static __clauseElement__() {
        return all;
      }
      declare static readonly __entityType?: Thing;
      id = 0;
    }
    const s = select(Thing, all.c.txt);
    expectTypeOf(s).toEqualTypeOf<
      Select<
        InferRow<typeof all> & { txt: string } extends infer R ? { [K in keyof R]: R[K] } : never,
        [Thing, string]
      >
    >();
    expect(s.items[0]!.raw).toBe(Thing);
    class Base {
      static __clauseElement__() {
        return all;
      }
    }
    class Sub extends Base {
      get isAdult() {
        return true;
      }
    }
    const _s2 = select(Sub);
    expectTypeOf<typeof _s2 extends Select<any, infer T> ? T : never>().toEqualTypeOf<[Sub]>();
  });
});

describe('mistakes TypeScript refuses', () => {
  it('refuses wrong value types in comparisons', () => {
    all.c.id.eq(1);
    // @ts-expect-error a string for an integer column
    expect(() => all.c.id.eq('1')).toThrow();
    // @ts-expect-error a number for a text column
    expect(() => all.c.txt.eq(5)).toThrow();
    // @ts-expect-error a string for a timestamp column
    expect(() => all.c.ts.gt('2024-01-01')).toThrow();
    // @ts-expect-error a number for a bigint column (bigint mode)
    all.c.big.eq(1); // only the type checker can tell
    // @ts-expect-error a value outside the enum
    expect(() => all.c.status.eq('gone')).toThrow();
    // @ts-expect-error comparing columns of different types
    all.c.id.eq(all.c.txt); // only the type checker can tell
    // @ts-expect-error like() on a number column
    all.c.id.like('%'); // only the type checker can tell
    // @ts-expect-error arithmetic on a boolean column
    expect(() => all.c.b.add(1)).toThrow();
    // @ts-expect-error an array of the wrong type in in()
    expect(() => all.c.id.in(['a'])).toThrow();
    all.c.id.eq(null);
    all.c.id.eq(all.c.small);
    all.c.id.eq(bindParam('x'));
    all.c.txt.like(literal('x%'));
  });

  it('refuses wrong value types and unknown keys in values() and set', () => {
    // @ts-expect-error a string for a double column
    expect(() => update(all).values({ d: '1.5' })).toThrow();
    // @ts-expect-error numeric columns take strings (no precision lost)
    expect(() => update(all).values({ n: 1.5 })).toThrow();
    // @ts-expect-error unknown column key
    expect(() => update(all).values({ nope: 1 })).toThrow();
    // @ts-expect-error null for a NOT NULL column
    update(all).values({ txt: null }); // only the type checker can tell
    update(all).values({ txt: all.c.txt.concat('!'), d: all.c.d.mul(2), vc: null });
    // @ts-expect-error where() takes conditions, not values
    expect(() => select(all.c.id).where(5)).toThrow();
  });
});
