/**
 * A session's pending instances (added, not yet flushed), in the order they were added (the
 * order of their INSERTs). It is a `Set` in behaviour, but each state remembers its own slot
 * in one array instead of taking a hash-table entry: adding 10,000 new objects then costs an
 * array of 10,000 references, not a hash table rebuilt at every doubling (about 80–110 bytes
 * per object more, all of it garbage once the flush empties the set).
 *
 * A state's slot is trusted only when the array holds that very state there, so slots left
 * behind by `clear()` or by another session's set are harmless.
 */
import { InvalidRequestError } from '../../errors.js';
import type { InstanceState } from './instance-state.js';
import { MAX_PENDING_SLOTS } from './instance-state.js';

/** Fewest holes before a removal compacts the array. */
const MIN_COMPACT = 32;

/**
 * The pending states of one session: `add`, `has`, `delete`, `clear`, `size`, iteration in
 * add order.
 *
 * @example
 * ```ts
 * const pending = new PendingSet();
 * pending.add(stateOf(user)!);
 * pending.has(stateOf(user)!); // true
 * ```
 */
export class PendingSet implements Iterable<InstanceState> {
  /** States in add order; `undefined` where one was removed. */
  private items: (InstanceState | undefined)[] = [];
  private live = 0;

  /** Number of pending states. */
  get size(): number {
    return this.live;
  }

  /** True when `state` is in the set. */
  has(state: InstanceState): boolean {
    const slot = state.pendingSlot;
    return slot >= 0 && slot < this.items.length && this.items[slot] === state;
  }

  /** Adds `state` at the end unless it is already in. */
  add(state: InstanceState): this {
    if (this.has(state)) return this;
    if (this.items.length >= MAX_PENDING_SLOTS) this.full();
    state.pendingSlot = this.items.length;
    this.items.push(state);
    this.live++;
    return this;
  }

  /** Removes `state`; true when it was in. */
  delete(state: InstanceState): boolean {
    if (!this.has(state)) return false;
    this.items[state.pendingSlot] = undefined;
    state.pendingSlot = -1;
    this.live--;
    const holes = this.items.length - this.live;
    if (this.live === 0) this.items = [];
    else if (holes >= MIN_COMPACT && holes > this.live) this.compact();
    return true;
  }

  /** Removes everything (the states' slots go stale, which `has` sees). */
  clear(): void {
    this.items = [];
    this.live = 0;
  }

  /** The pending states in add order, as a new array. */
  toArray(): InstanceState[] {
    const items = this.items;
    if (items.length === this.live) return items.slice() as InstanceState[];
    const out: InstanceState[] = [];
    for (let i = 0; i < items.length; i++) {
      const s = items[i];
      if (s !== undefined) out.push(s);
    }
    return out;
  }

  /** True when `test` holds for every pending state (false stops the walk). */
  every(test: (state: InstanceState) => boolean): boolean {
    const items = this.items;
    for (let i = 0; i < items.length; i++) {
      const s = items[i];
      if (s !== undefined && !test(s)) return false;
    }
    return true;
  }

  /** Iterates over a snapshot: changes made meanwhile show from the next iteration on. */
  [Symbol.iterator](): Iterator<InstanceState> {
    return this.toArray()[Symbol.iterator]();
  }

  private full(): never {
    throw new InvalidRequestError(
      `A session holds at most ${MAX_PENDING_SLOTS.toLocaleString('en-US')} pending objects; flush() in batches before adding more.`,
    );
  }

  private compact(): void {
    const out = this.toArray();
    for (let i = 0; i < out.length; i++) out[i]!.pendingSlot = i;
    this.items = out;
  }
}
