/** Identifier quoting shared by the dialect flavours. */

/** Words that must be quoted as identifiers on at least one supported database. */
const RESERVED = new Set(
  `add all alter analyze and as asc between both by case cast check collate column constraint
create cross current_date current_time current_timestamp current_user database default
delete desc distinct drop else end except exists false fetch for foreign from full grant group
having in index inner insert intersect into is join key leading left like limit natural not null
offset on or order outer primary references returning right row rows select session_user set
some table then to trailing true union unique update user using values when where window with`
    .split(/\s+/)
    .filter(Boolean),
);

const PLAIN = /^[a-z_][a-z0-9_]*$/;

/** Quotes `name` with `quote` when it is reserved, not lower case, or has odd characters. */
export function quoteIfNeeded(name: string, quote: '"' | '`'): string {
  if (PLAIN.test(name) && !RESERVED.has(name)) return name;
  return quote + name.split(quote).join(quote + quote) + quote;
}
