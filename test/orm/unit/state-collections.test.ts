import { describe, expect, it } from 'vitest';
import { InvalidRequestError } from '../../../src/errors.js';
import {
  MAX_PENDING_SLOTS,
  stateOf,
  type InstanceState,
} from '../../../src/orm/state/instance-state.js';
import { PendingSet } from '../../../src/orm/state/pending-set.js';
import { StateRecord } from '../../../src/orm/state/state-record.js';
import { col, fakeMapped } from './fixtures.js';

const { cls: User } = fakeMapped('User', 'users', [
  col('id', { primaryKey: true, autoincrement: true }),
  col('name'),
]);

function states(n: number): InstanceState[] {
  return Array.from({ length: n }, (_, i) => stateOf(new User({ name: `u${i}` }))!);
}

/** Applies the same operations to a PendingSet and a Set, then compares them. */
function sameAsSet(
  ops: readonly ['add' | 'delete' | 'clear', number][],
  pool: InstanceState[],
): void {
  const pending = new PendingSet();
  const reference = new Set<InstanceState>();
  for (const [op, i] of ops) {
    if (op === 'clear') {
      pending.clear();
      reference.clear();
    } else if (op === 'add') {
      pending.add(pool[i]!);
      reference.add(pool[i]!);
    } else {
      expect(pending.delete(pool[i]!)).toBe(reference.delete(pool[i]!));
    }
  }
  expect(pending.size).toBe(reference.size);
  expect([...pending]).toEqual([...reference]);
  expect(pending.toArray()).toEqual([...reference]);
  for (const s of pool) expect(pending.has(s)).toBe(reference.has(s));
}

describe('PendingSet', () => {
  it('behaves as a Set in add order: re-adding is a no-op, a removed state re-added goes last', () => {
    const pool = states(4);
    sameAsSet(
      [
        ['add', 0],
        ['add', 1],
        ['add', 2],
        ['add', 1],
        ['delete', 0],
        ['delete', 0],
        ['add', 0],
        ['delete', 3],
      ],
      pool,
    );
  });

  it('keeps order and membership through compaction after many removals', () => {
    const pool = states(200);
    const ops: ['add' | 'delete', number][] = pool.map((_, i) => ['add', i]);
    for (let i = 0; i < 200; i += 3) ops.push(['delete', i]);
    for (let i = 1; i < 150; i += 3) ops.push(['delete', i]);
    ops.push(['add', 0], ['add', 1], ['delete', 199]);
    sameAsSet(ops, pool);
  });

  it('ignores the stale slots left by clear() and by another set', () => {
    const pool = states(5);
    const other = new PendingSet();
    for (const s of pool) other.add(s);
    sameAsSet(
      [
        ['add', 3],
        ['add', 4],
        ['clear', 0],
        ['add', 1],
        ['delete', 4],
        ['add', 2],
      ],
      pool,
    );
    expect(other.size).toBe(5);
  });

  it('every() tests the pending states only', () => {
    const pool = states(3);
    const pending = new PendingSet();
    pool.forEach((s) => pending.add(s));
    pending.delete(pool[1]!);
    expect(pending.every((s) => s !== pool[1])).toBe(true);
    expect(pending.every((s) => s !== pool[2])).toBe(false);
  });

  it('iterates over a snapshot', () => {
    const pool = states(3);
    const pending = new PendingSet();
    pending.add(pool[0]!).add(pool[1]!);
    const seen: InstanceState[] = [];
    for (const s of pending) {
      seen.push(s);
      pending.delete(s);
      pending.add(pool[2]!);
    }
    expect(seen).toEqual([pool[0], pool[1]]);
    expect([...pending]).toEqual([pool[2]]);
  });

  it('refuses a state beyond the slots a state can record, saying to flush in batches', () => {
    const pending = new PendingSet();
    // A sparse array stands in for the 268 million states it would take to fill the set.
    (pending as unknown as { items: unknown[] }).items.length = MAX_PENDING_SLOTS;
    const [s] = states(1);
    expect(() => pending.add(s!)).toThrow(InvalidRequestError);
    expect(() => pending.add(s!)).toThrow(
      /at most 268,435,455 pending objects; flush\(\) in batches/,
    );
    expect(s!.pendingSlot).toBe(-1);
  });
});

describe('StateRecord', () => {
  it('yields the batches and single states it was given, in order', () => {
    const pool = states(5);
    const record = new StateRecord();
    expect(record.isEmpty).toBe(true);
    record.addBatch(pool.slice(0, 2));
    record.addBatch([]);
    record.addBatch(pool.slice(2, 4));
    expect([...record]).toEqual(pool.slice(0, 4));
    record.add(pool[4]!);
    expect([...record]).toEqual(pool);
    expect(record.isEmpty).toBe(false);
  });

  it('removes single states, also from batches, and keeps adding after that', () => {
    const pool = states(5);
    const record = new StateRecord();
    expect(record.delete(pool[0]!)).toBe(false);
    record.addBatch(pool.slice(0, 3));
    expect(record.delete(pool[1]!)).toBe(true);
    expect(record.delete(pool[1]!)).toBe(false);
    expect(record.delete(pool[4]!)).toBe(false);
    record.addBatch(pool.slice(3));
    record.add(pool[0]!);
    expect([...record]).toEqual([pool[0], pool[2], pool[3], pool[4]]);
    record.clear();
    expect([...record]).toEqual([]);
    expect(record.isEmpty).toBe(true);
  });
});
