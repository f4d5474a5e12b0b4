/**
 * Orders tables so that every table comes after the tables its foreign keys refer to
 * (Kahn's topological sort, O(tables + keys), ties broken by declaration order). Keys that
 * form a cycle are returned separately: they have to be added with ALTER TABLE after all
 * tables exist, and dropped before any table is dropped.
 */
import type { ForeignKey } from './constraints.js';
import type { AnyTable } from './table.js';

/** Tables in dependency order, plus the foreign keys that had to be cut to break cycles. */
export interface SortedTables {
  readonly tables: readonly AnyTable[];
  readonly cycleKeys: readonly ForeignKey[];
}

/** Sorts `tables` by foreign-key dependency; keys to tables outside the set are ignored. */
export function sortTables(tables: readonly AnyTable[]): SortedTables {
  const inSet = new Set(tables);
  const pending = new Map<AnyTable, ForeignKey[]>();
  for (const table of tables) {
    pending.set(
      table,
      table.foreignKeys.filter((fk) => fk.referredTable !== table && inSet.has(fk.referredTable)),
    );
  }
  const done = new Set<AnyTable>();
  const ordered: AnyTable[] = [];
  const cycleKeys: ForeignKey[] = [];
  while (ordered.length < tables.length) {
    const ready = tables.find(
      (t) => !done.has(t) && pending.get(t)!.every((fk) => done.has(fk.referredTable)),
    );
    if (ready) {
      done.add(ready);
      ordered.push(ready);
      continue;
    }
    // A cycle: cut the unmet keys of the first remaining table (declaration order).
    const victim = tables.find((t) => !done.has(t))!;
    const keys = pending.get(victim)!;
    cycleKeys.push(...keys.filter((fk) => !done.has(fk.referredTable)));
    pending.set(
      victim,
      keys.filter((fk) => done.has(fk.referredTable)),
    );
  }
  return { tables: ordered, cycleKeys };
}
