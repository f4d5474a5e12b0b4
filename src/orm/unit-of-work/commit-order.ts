/**
 * Commit order: which mapped tables are written first. A table whose foreign key points at
 * another table is a child of it; parents' INSERTs and UPDATEs go before children's, children's
 * DELETEs before parents'. This is Kahn's topological sort over the mappers taking part in a
 * flush, with ties broken by mapper registration order so that the order is deterministic
 * (SQLAlchemy pre-sorts by a name key for the same reason). Tables in a foreign-key cycle are
 * appended in registration order; rows inside one self-referencing table are ordered by
 * {@link orderSelfReferencing}.
 */
import type { Mapper } from '../mapping/mapper.js';
import type { InstanceState } from '../state/instance-state.js';

/**
 * Sorts mappers so that every mapper comes after the mappers whose tables it references.
 *
 * @example
 * ```ts
 * commitOrder([addressMapper, userMapper]); // [userMapper, addressMapper]
 * ```
 */
export function commitOrder(mappers: readonly Mapper[]): Mapper[] {
  const sorted = [...mappers].sort((a, b) => a.order - b.order);
  if (sorted.length < 2) return sorted;
  const byTable = new Map<string, Mapper[]>();
  for (const m of sorted) {
    const list = byTable.get(m.tableName);
    if (list === undefined) byTable.set(m.tableName, [m]);
    else list.push(m);
  }
  // parent → children edges, and the number of unsorted parents per mapper
  const children = new Map<Mapper, Mapper[]>();
  const waiting = new Map<Mapper, number>();
  for (const m of sorted) waiting.set(m, 0);
  for (const child of sorted) {
    const parents = new Set<Mapper>();
    for (const col of child.columns) {
      for (const ref of col.references) {
        if (ref === child.tableName) continue;
        for (const parent of byTable.get(ref) ?? []) parents.add(parent);
      }
    }
    for (const parent of parents) {
      let list = children.get(parent);
      if (list === undefined) children.set(parent, (list = []));
      list.push(child);
      waiting.set(child, waiting.get(child)! + 1);
    }
  }
  const out: Mapper[] = [];
  const done = new Set<Mapper>();
  // Repeatedly take the first ready mapper in registration order: O(n²) in the number of
  // mapped classes in one flush, which is small; it keeps the order stable and simple.
  while (out.length < sorted.length) {
    let next = sorted.find((m) => !done.has(m) && waiting.get(m) === 0);
    if (next === undefined) next = sorted.find((m) => !done.has(m))!; // a cycle: break it
    done.add(next);
    out.push(next);
    for (const child of children.get(next) ?? []) waiting.set(child, waiting.get(child)! - 1);
  }
  return out;
}

/**
 * Orders rows of one table whose foreign key points at the same table, so that a referenced
 * row is inserted before the rows that point at it (pass `reverse` for deletes: children
 * first). Only rows in `states` are considered; references to rows already in the database
 * need no ordering. Single-column primary keys only; other rows keep their order.
 */
export function orderSelfReferencing(
  mapper: Mapper,
  states: readonly InstanceState[],
  reverse: boolean,
): readonly InstanceState[] {
  const fkIndexes = mapper.columns.flatMap((c, i) =>
    c.references.includes(mapper.tableName) ? [i] : [],
  );
  if (fkIndexes.length === 0 || mapper.pk.length !== 1 || states.length < 2) return states;
  const pkIndex = mapper.pk[0]!;
  const byPk = new Map<unknown, InstanceState>();
  for (const s of states) {
    const pk = s.values[pkIndex];
    if (pk !== undefined && pk !== null) byPk.set(pk, s);
  }
  const out: InstanceState[] = [];
  const mark = new Map<InstanceState, 1 | 2>(); // 1 = visiting, 2 = placed
  const visit = (s: InstanceState): void => {
    if (mark.has(s)) return; // placed, or a cycle among the rows: keep the given order
    mark.set(s, 1);
    for (const i of fkIndexes) {
      const parent = byPk.get(s.values[i]);
      if (parent !== undefined && parent !== s) visit(parent);
    }
    mark.set(s, 2);
    out.push(s);
  };
  for (const s of states) visit(s);
  return reverse ? out.reverse() : out;
}
