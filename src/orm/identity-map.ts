/**
 * The identity map: at most one object per row per session. Entries are weak (`WeakRef`), as in
 * SQLAlchemy's `WeakInstanceDict`, so clean objects the application dropped can be collected
 * while the session lives on (streaming through a large result keeps memory bounded). Objects
 * with unflushed changes are kept alive by the session's own new/dirty/deleted sets, not here.
 *
 * Dead entries are swept lazily: a lookup that finds a collected object deletes the entry, and
 * a full sweep runs whenever a bucket has doubled since the last one (amortized O(1) per insert).
 * A `FinalizationRegistry` would clean up sooner but registering every loaded object costs about
 * as much again as creating it, on the hottest path of the ORM; the sweep costs nothing per row.
 */
import type { IdentityKey } from './mapping/identity-key.js';
import type { Mapper } from './mapping/mapper.js';
import type { InstanceState } from './state/instance-state.js';

/**
 * No sweep below this many entries per class: while a session loads a result every entry is
 * alive, so early sweeps would only cost time; dead entries below it are a few MiB at most.
 */
const MIN_SWEEP = 32_768;

/** The identity map entries of one mapped class. */
export class IdentityBucket {
  readonly map = new Map<IdentityKey, WeakRef<InstanceState>>();
  private sweepAt = MIN_SWEEP;

  /** The live state with this key, if any. */
  get(key: IdentityKey): InstanceState | undefined {
    const ref = this.map.get(key);
    if (ref === undefined) return undefined;
    const state = ref.deref();
    if (state === undefined) this.map.delete(key);
    return state;
  }

  /** Stores a state under its key (replacing any previous entry). */
  set(key: IdentityKey, state: InstanceState): void {
    this.map.set(key, new WeakRef(state));
    if (this.map.size > this.sweepAt) this.sweep();
  }

  /** Removes the entry for `key` if it still names `state`. */
  delete(key: IdentityKey, state: InstanceState): void {
    const ref = this.map.get(key);
    if (ref !== undefined) {
      const current = ref.deref();
      if (current === state || current === undefined) this.map.delete(key);
    }
  }

  /** Drops entries whose objects were collected. */
  sweep(): void {
    for (const [key, ref] of this.map) if (ref.deref() === undefined) this.map.delete(key);
    this.sweepAt = Math.max(MIN_SWEEP, this.map.size * 2);
  }

  /** The live states. */
  *states(): IterableIterator<InstanceState> {
    for (const [key, ref] of this.map) {
      const state = ref.deref();
      if (state === undefined) this.map.delete(key);
      else yield state;
    }
  }
}

/** One session's identity map, one bucket per mapped class. */
export class IdentityMap {
  private readonly buckets = new Map<Mapper, IdentityBucket>();

  /** The bucket of a mapper, created on first use (the loader holds it for a whole result). */
  bucket(mapper: Mapper): IdentityBucket {
    let bucket = this.buckets.get(mapper);
    if (bucket === undefined) {
      bucket = new IdentityBucket();
      this.buckets.set(mapper, bucket);
    }
    return bucket;
  }

  /** The live state of `mapper` with `key`, if any. */
  get(mapper: Mapper, key: IdentityKey): InstanceState | undefined {
    return this.buckets.get(mapper)?.get(key);
  }

  /** Stores a state that has a key. */
  add(state: InstanceState): void {
    this.bucket(state.mapper).set(state.key!, state);
  }

  /** Removes a state, if it is the one stored under its key. */
  remove(state: InstanceState): void {
    if (state.key !== undefined) this.buckets.get(state.mapper)?.delete(state.key, state);
  }

  /** True when the state is the one stored under its key. */
  contains(state: InstanceState): boolean {
    return state.key !== undefined && this.get(state.mapper, state.key) === state;
  }

  /** Expires every live state (commit, rollback): a plain loop, no iterator per entry. */
  expireAll(): void {
    for (const bucket of this.buckets.values()) {
      for (const ref of bucket.map.values()) ref.deref()?.expireAll();
    }
  }

  /** Every live state. */
  *allStates(): IterableIterator<InstanceState> {
    for (const bucket of this.buckets.values()) yield* bucket.states();
  }

  /** Number of entries, counting ones whose objects may already have been collected. */
  get approximateSize(): number {
    let n = 0;
    for (const bucket of this.buckets.values()) n += bucket.map.size;
    return n;
  }

  /** Forgets everything. */
  clear(): void {
    this.buckets.clear();
  }
}
