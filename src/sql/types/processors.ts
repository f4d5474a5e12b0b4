/**
 * Value converters the dialect flavours pick from: JS values to what a driver takes, and what
 * a driver returns to JS values. Each is a plain function created once (no per-row closures)
 * and passes `null`/`undefined` through untouched.
 */
import type { ValueProcessor } from '../executable.js';

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

function year(y: number): string {
  if (y >= 0 && y <= 9999) return String(y).padStart(4, '0');
  return (y < 0 ? '-' : '+') + String(Math.abs(y)).padStart(6, '0');
}

const DATE_PREFIX = /^\d{4}-\d{2}-\d{2}/;

/** `true`/`false` → `1`/`0`. */
export const booleanToInt: ValueProcessor = (v) => (v === true ? 1 : v === false ? 0 : v);

/** `1`/`0` (or `'1'`, a bigint) → `true`/`false`. */
export const intToBoolean: ValueProcessor = (v) => {
  if (v === null || v === undefined || typeof v === 'boolean') return v;
  if (typeof v === 'string') return v !== '0' && v !== 'f' && v !== 'false';
  return Number(v) !== 0;
};

/** Any JSON value → its JSON text. */
export const jsonStringify: ValueProcessor = (v) =>
  v === null || v === undefined ? v : JSON.stringify(v);

/**
 * JSON text → value; anything else (already parsed by the driver, numbers SQLite stored with
 * numeric affinity) passes as it is.
 */
export const jsonParseIfString: ValueProcessor = (v) => {
  if (typeof v === 'string') return JSON.parse(v);
  if (Buffer.isBuffer(v)) return JSON.parse(v.toString('utf8'));
  return v;
};

/** A Date → ISO-8601 UTC text with milliseconds and `Z`. */
export const dateToIso: ValueProcessor = (v) => (v instanceof Date ? v.toISOString() : v);

/** A Date → `'YYYY-MM-DD HH:MM:SS.mmm'` in UTC (MySQL DATETIME literal). */
export const dateToUtcDatetime: ValueProcessor = (v) => {
  if (!(v instanceof Date)) return v;
  return (
    `${year(v.getUTCFullYear())}-${pad2(v.getUTCMonth() + 1)}-${pad2(v.getUTCDate())} ` +
    `${pad2(v.getUTCHours())}:${pad2(v.getUTCMinutes())}:${pad2(v.getUTCSeconds())}.${pad3(v.getUTCMilliseconds())}`
  );
};

const TIMESTAMP_RE =
  /^([+-]?\d{4,6})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Timestamp text → Date. Text without an offset is UTC (how Athanor stores timestamps);
 * fractions beyond milliseconds are truncated.
 */
export function parseUtcTimestamp(text: string): Date {
  const m = TIMESTAMP_RE.exec(text.trim());
  if (!m) return new Date(text);
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  d.setUTCHours(Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), ms);
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || 0);
    d.setTime(d.getTime() - sign * minutes * 60_000);
  }
  return d;
}

/** Timestamp text (UTC unless it says otherwise) or a correct Date → Date. */
export const toUtcDate: ValueProcessor = (v) => {
  if (v === null || v === undefined || v instanceof Date) return v;
  return typeof v === 'number' ? new Date(v) : parseUtcTimestamp(String(v));
};

/**
 * A Date a driver built from UTC wall-clock fields read as local time (node-postgres for
 * `timestamp without time zone`) → the instant those fields mean in UTC. Text is parsed as UTC.
 */
export const localFieldsToUtcDate: ValueProcessor = (v) => {
  if (v === null || v === undefined) return v;
  if (!(v instanceof Date))
    return typeof v === 'number' ? new Date(v) : parseUtcTimestamp(String(v));
  const d = new Date(0);
  d.setUTCFullYear(v.getFullYear(), v.getMonth(), v.getDate());
  d.setUTCHours(v.getHours(), v.getMinutes(), v.getSeconds(), v.getMilliseconds());
  return d;
};

/** A DATE a driver returned as a local-midnight Date (node-postgres), or text → `'YYYY-MM-DD'`. */
export const toDateString: ValueProcessor = (v) => {
  if (v === null || v === undefined) return v;
  if (v instanceof Date)
    return `${year(v.getFullYear())}-${pad2(v.getMonth() + 1)}-${pad2(v.getDate())}`;
  const s = String(v);
  return s.length > 10 && DATE_PREFIX.test(s) ? s.slice(0, 10) : s;
};

/** A DATE a driver returned as a UTC-midnight Date (mysql2 with `timezone: 'Z'`), or text. */
export const utcDateToString: ValueProcessor = (v) => {
  if (v === null || v === undefined) return v;
  if (v instanceof Date)
    return `${year(v.getUTCFullYear())}-${pad2(v.getUTCMonth() + 1)}-${pad2(v.getUTCDate())}`;
  const s = String(v);
  return s.length > 10 && DATE_PREFIX.test(s) ? s.slice(0, 10) : s;
};

/** Anything integral → bigint. */
export const toBigint: ValueProcessor = (v) => {
  if (v === null || v === undefined || typeof v === 'bigint') return v;
  return BigInt(typeof v === 'number' ? v : String(v));
};

/** A bigint/number → decimal text. */
export const toIntegerString: ValueProcessor = (v) =>
  v === null || v === undefined || typeof v === 'string' ? v : String(v);

/** A string (or bigint) number → number. */
export const toNumber: ValueProcessor = (v) =>
  v === null || v === undefined || typeof v === 'number' ? v : Number(v);

/** A decimal number → decimal text (numbers are printed exactly as JS prints them). */
export const toDecimalString: ValueProcessor = (v) => {
  if (v === null || v === undefined || typeof v === 'string') return v;
  return Buffer.isBuffer(v) ? v.toString('latin1') : String(v);
};

/** A bigint (or number) → decimal text, for drivers that take 64-bit integers as text. */
export const bigintToString: ValueProcessor = (v) =>
  typeof v === 'bigint' || typeof v === 'number' ? String(v) : v;

/** A decimal string → bigint (bigint columns in `'string'` mode, bound on SQLite). */
export const stringToBigint: ValueProcessor = (v) => (typeof v === 'string' ? BigInt(v) : v);

/** A Uint8Array that is not a Buffer → a Buffer over the same memory. */
export const toBuffer: ValueProcessor = (v) =>
  v instanceof Uint8Array && !Buffer.isBuffer(v)
    ? Buffer.from(v.buffer, v.byteOffset, v.byteLength)
    : v;

/** A Buffer/Uint8Array/string a driver returned for binary data → Buffer. */
export const bytesToBuffer: ValueProcessor = (v) => {
  if (v === null || v === undefined || Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return Buffer.from(String(v), 'latin1');
};

/** Pads a decimal string's fraction to `scale` digits (SQLite stores numerics as text). */
export function padScale(scale: number): ValueProcessor {
  return (v) => {
    if (typeof v !== 'string' || /[eE]/.test(v)) return v;
    const dot = v.indexOf('.');
    const digits = dot < 0 ? 0 : v.length - dot - 1;
    if (digits >= scale) return v;
    return (dot < 0 ? `${v}.` : v) + '0'.repeat(scale - digits);
  };
}
