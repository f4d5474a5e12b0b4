/**
 * A record of instance states that is written in bulk and read rarely: a transaction's list
 * of the objects its flushes inserted, which only a rollback or an expunge ever consults. A
 * flush of 10,000 new objects files its whole array of states at once instead of growing a
 * `Set` entry by entry (about 80 bytes per object, rehashes included, for a set that a
 * committing transaction just throws away). The first removal turns the record into a `Set`,
 * so that removing one state stays O(1) however many were recorded.
 */
import type { InstanceState } from './instance-state.js';

const NO_BATCHES: readonly (readonly InstanceState[])[] = [];

/**
 * An insertion-ordered collection of states: `add`, `addBatch`, `delete`, `clear`, iteration.
 *
 * @example
 * ```ts
 * const inserted = new StateRecord();
 * inserted.addBatch(flushedStates);
 * for (const state of inserted) state.key = undefined;
 * ```
 */
export class StateRecord implements Iterable<InstanceState> {
  /** The recorded batches while nothing was removed; arrays the caller no longer changes. */
  private batches: (readonly InstanceState[])[] | readonly (readonly InstanceState[])[] =
    NO_BATCHES;
  /** Every recorded state, once a removal (or a repeated add) needed a real set. */
  private set: Set<InstanceState> | undefined = undefined;

  /** Records one state. */
  add(state: InstanceState): void {
    this.asSet().add(state);
  }

  /**
   * Records every state of `states`, which the caller hands over: it must not change the array
   * afterwards.
   */
  addBatch(states: readonly InstanceState[]): void {
    if (states.length === 0) return;
    if (this.set !== undefined) {
      for (let i = 0; i < states.length; i++) this.set.add(states[i]!);
    } else if (this.batches === NO_BATCHES) {
      this.batches = [states];
    } else {
      (this.batches as (readonly InstanceState[])[]).push(states);
    }
  }

  /** Forgets one state; true when it was recorded. */
  delete(state: InstanceState): boolean {
    if (this.set === undefined && this.batches === NO_BATCHES) return false;
    return this.asSet().delete(state);
  }

  /** Forgets everything. */
  clear(): void {
    this.batches = NO_BATCHES;
    this.set = undefined;
  }

  /** True when nothing is recorded. */
  get isEmpty(): boolean {
    return this.set === undefined ? this.batches === NO_BATCHES : this.set.size === 0;
  }

  *[Symbol.iterator](): Iterator<InstanceState> {
    if (this.set !== undefined) {
      yield* this.set;
      return;
    }
    for (const batch of this.batches) yield* batch;
  }

  private asSet(): Set<InstanceState> {
    let set = this.set;
    if (set === undefined) {
      set = new Set<InstanceState>();
      for (const batch of this.batches) for (const s of batch) set.add(s);
      this.set = set;
      this.batches = NO_BATCHES;
    }
    return set;
  }
}
