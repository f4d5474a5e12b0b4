/**
 * Identity keys: the cheap Map key that names one row of one mapped class inside a session's
 * identity map. A single-column primary key is its own key (numbers and strings directly);
 * composite keys and odd types become one string.
 */

/** What an identity-map entry is keyed by. */
export type IdentityKey = string | number | bigint;

/**
 * Normalizes one primary-key value: safe bigints become numbers (so `get(User, 5)` finds a row
 * whose driver returned `5n`), dates and bytes become strings.
 */
export function keyPart(value: unknown): IdentityKey {
  switch (typeof value) {
    case 'number':
    case 'string':
      return value;
    case 'bigint':
      return value >= Number.MIN_SAFE_INTEGER && value <= Number.MAX_SAFE_INTEGER
        ? Number(value)
        : value;
    default:
      if (value instanceof Date) return `\u0002d${value.getTime()}`;
      if (value instanceof Uint8Array) return `\u0002b${Buffer.from(value).toString('hex')}`;
      return `\u0002${String(value)}`;
  }
}

/** Joins the parts of a composite key into one string that cannot collide across types. */
export function compositeKey(parts: readonly unknown[]): string {
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const p = keyPart(parts[i]);
    out += (i === 0 ? '' : '\u0001') + (typeof p === 'string' ? 's' : 'n') + String(p);
  }
  return out;
}

/** True when a primary-key value is missing (the row has no identity yet). */
export function isNullKeyPart(value: unknown): boolean {
  return value === null || value === undefined;
}
