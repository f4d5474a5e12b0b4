/**
 * Type parsing for pg, per connection (the client's `types` option; pg's process-wide
 * registry is left alone, so other pg users in the process see its defaults):
 * - int8 (and int8[]) → `number` when the value fits a double exactly, else `bigint`, so no
 *   value is ever rounded;
 * - `timestamp` without time zone (and its arrays) → a `Date` reading the wall time as UTC,
 *   whatever the process's time zone (pg's default reads it as local time, which moves
 *   wall times in a local DST gap and depends on `TZ`);
 * - `date` (and its arrays) → the `'YYYY-MM-DD'` text, never a local-midnight `Date`.
 * Every other type keeps pg's own parser. Going in, Dates are sent as UTC text
 * (`withUtcDates`), the mirror image of the `timestamp` rule.
 */
import type pg from 'pg';

type PgModule = typeof pg;
type TypeParser = (value: string) => unknown;

const INT8 = 20;
const DATE = 1082;
const TIMESTAMP = 1114;
const TEXT_ARRAY = 1009;
const INT8_ARRAY = 1016;
const TIMESTAMP_ARRAY = 1115;
const DATE_ARRAY = 1182;

/** int8 text → number when exact, else bigint. */
export function parseInt8(value: string): number | bigint {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : BigInt(value);
}

/** The number written by the ASCII digits `s[start..end)`, or NaN if one is not a digit. */
function digits(s: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
}

const TIMESTAMP_RE = /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?( BC)?$/;

function utc(
  year: number,
  month: number,
  day: number,
  h: number,
  m: number,
  s: number,
  ms: number,
) {
  const d = new Date(Date.UTC(year, month - 1, day, h, m, s, ms));
  // Date.UTC reads years 0–99 as 1900–1999.
  if (year >= 0 && year < 100 && !Number.isNaN(d.getTime())) d.setUTCFullYear(year);
  return d;
}

/**
 * `timestamp` text as PostgreSQL writes it (DateStyle ISO: `2024-03-10 02:30:00.123456`,
 * `… BC`, `infinity`) → the Date of that wall time in UTC. Digits beyond milliseconds are
 * truncated; ±infinity become ±Infinity (as pg's own parser does). Text in another shape
 * (a DateStyle other than ISO) is returned as it is rather than guessed at.
 *
 * @example
 * ```ts
 * parseTimestampUtc('2024-03-10 02:30:00').toISOString(); // '2024-03-10T02:30:00.000Z'
 * ```
 */
export function parseTimestampUtc(text: string): Date | number | string {
  const len = text.length;
  // The common shape, read without a regex: YYYY-MM-DD HH:MM:SS[.f…]
  if (
    len >= 19 &&
    text.charCodeAt(4) === 45 &&
    text.charCodeAt(7) === 45 &&
    text.charCodeAt(10) === 32 &&
    text.charCodeAt(13) === 58 &&
    text.charCodeAt(16) === 58 &&
    (len === 19 || text.charCodeAt(19) === 46)
  ) {
    const year = digits(text, 0, 4);
    let ms = 0;
    if (len > 20) {
      const end = Math.min(len, 23);
      ms = digits(text, 20, end) * (end === 21 ? 100 : end === 22 ? 10 : 1);
    }
    const d = utc(
      year,
      digits(text, 5, 7),
      digits(text, 8, 10),
      digits(text, 11, 13),
      digits(text, 14, 16),
      digits(text, 17, 19),
      ms,
    );
    if (!Number.isNaN(d.getTime())) return d;
  }
  if (text === 'infinity') return Infinity;
  if (text === '-infinity') return -Infinity;
  const m = TIMESTAMP_RE.exec(text);
  if (m === null) return text;
  const fraction = m[7] ?? '';
  const year = Number(m[1]);
  return utc(
    m[8] === undefined ? year : 1 - year,
    Number(m[2]),
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
    fraction === '' ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0')),
  );
}

/**
 * A Date as PostgreSQL timestamp text in UTC. Into `timestamptz` that is the same instant
 * pg's own local-offset text gives; into `timestamp` (no time zone) the server keeps the UTC
 * wall time, which is what reading it back (as UTC) expects.
 *
 * @example
 * ```ts
 * dateToPgUtc(new Date('2024-03-10T02:30:00Z')); // '2024-03-10T02:30:00.000Z'
 * ```
 */
export function dateToPgUtc(d: Date): string | Date {
  const year = d.getUTCFullYear();
  if (year >= 1 && year <= 9999) return d.toISOString();
  // An invalid Date goes to pg as it is (its error names it); others need the BC form.
  if (Number.isNaN(year)) return d;
  const iso = new Date(d.getTime());
  iso.setUTCFullYear(2000);
  const rest = iso.toISOString().slice(4, -1);
  return year < 1
    ? `${String(1 - year).padStart(4, '0')}${rest}+00:00 BC`
    : `${String(year)}${rest}+00:00`;
}

/**
 * The parameters with every Date (also inside arrays) as UTC text, so that what is written
 * does not depend on the process's time zone. Returns the same list when it holds no Date.
 */
export function withUtcDates(params: readonly unknown[]): readonly unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < params.length; i++) {
    const v = params[i];
    if (typeof v !== 'object' || v === null) continue;
    let w: unknown = v;
    if (v instanceof Date) w = dateToPgUtc(v);
    else if (Array.isArray(v)) w = withUtcDates(v);
    if (w !== v) {
      out ??= params.slice();
      out[i] = w;
    }
  }
  return out ?? params;
}

const identity: TypeParser = (value) => value;

function mapDeep(value: unknown, fn: TypeParser): unknown {
  if (Array.isArray(value)) return value.map((v) => mapDeep(v, fn));
  return value === null ? null : fn(value as string);
}

let typeOverrides: { getTypeParser: (oid: number, format?: string) => unknown } | undefined;

/** The `types` option every Client of the adapter gets. */
export function typesFor(module: PgModule): NonNullable<typeof typeOverrides> {
  if (typeOverrides !== undefined) return typeOverrides;
  const base = module.types;
  const int8Array = base.getTypeParser(INT8_ARRAY as 20, 'text') as TypeParser;
  // Arrays are split by pg's text[] parser; the elements then go through ours.
  const textArray = base.getTypeParser(TEXT_ARRAY as 20, 'text') as TypeParser;
  const parsers = new Map<number, TypeParser>([
    [INT8, parseInt8],
    [INT8_ARRAY, (v) => mapDeep(int8Array(v), parseInt8)],
    [TIMESTAMP, parseTimestampUtc],
    [TIMESTAMP_ARRAY, (v) => mapDeep(textArray(v), parseTimestampUtc)],
    [DATE, identity],
    [DATE_ARRAY, textArray],
  ]);
  typeOverrides = {
    getTypeParser(oid: number, format?: string) {
      if (format !== 'binary') {
        const own = parsers.get(oid);
        if (own !== undefined) return own;
      }
      return base.getTypeParser(oid, (format ?? 'text') as 'text');
    },
  };
  return typeOverrides;
}
