/**
 * One column of every type Athanor maps, for the tests that write and read back each type
 * (round trips through the engine, and the unit of work's batched write forms): a type added
 * to the SQL layer is added here once.
 */
import type { ColumnTypes } from '../../src/sql/index.js';

/**
 * The columns, keyed by property, with an integer primary key `id`. `varcharLength` sizes the
 * `vc` column (a short one lets a test check that an over-long value is refused).
 *
 * @example
 * ```ts
 * const values = metadata.table('rt_values', (t) => everyTypeColumns(t, 255));
 * ```
 */
export function everyTypeColumns(t: ColumnTypes, varcharLength: number) {
  return {
    id: t.integer().primaryKey(),
    i: t.integer(),
    small: t.smallint(),
    big: t.bigint(),
    bigNum: t.bigint('big_num', { mode: 'number' }),
    bigStr: t.bigint('big_str', { mode: 'string' }),
    r: t.real(),
    d: t.double(),
    n: t.numeric(30, 9),
    txt: t.text(),
    vc: t.varchar(varcharLength),
    b: t.boolean(),
    day: t.date(),
    ts: t.timestamp(),
    tz: t.timestamp({ withTimezone: true }),
    j: t.json(),
    jb: t.jsonb(),
    bin: t.bytes(),
    u: t.uuid(),
    status: t.enum(['draft', 'published']),
  };
}

/** A row with every column but the key NULL (each type must store and return NULL). */
export const EVERY_TYPE_NULLS = Object.freeze({
  i: null,
  small: null,
  big: null,
  bigNum: null,
  bigStr: null,
  r: null,
  d: null,
  n: null,
  txt: null,
  vc: null,
  b: null,
  day: null,
  ts: null,
  tz: null,
  j: null,
  jb: null,
  bin: null,
  u: null,
  status: null,
});

/**
 * A row of each type's low or empty edge: the smallest integers, a negative real and a tiny
 * double, empty text and bytes, false, the nil UUID, JSON that is an array or a bare string.
 */
export const EVERY_TYPE_LOWS = Object.freeze({
  i: -2147483648,
  small: 0,
  big: -(2n ** 63n),
  bigNum: -1,
  bigStr: '-9223372036854775808',
  r: -0.25,
  d: -1e-300,
  n: '-0.000000001',
  txt: '',
  vc: '',
  b: false,
  day: '1900-01-01',
  ts: new Date('2000-01-01T00:00:00.000Z'),
  tz: new Date('2024-11-03T08:30:00.001Z'),
  j: [1, [2, [3]], 'x'],
  jb: 'just a string',
  bin: Buffer.alloc(0),
  u: '00000000-0000-0000-0000-000000000000',
  status: 'draft',
});
