/**
 * The identity map: at most one object per row per session.
 *
 * A bucket (the entries of one mapped class) holds its objects strongly while it is small and
 * weakly (`WeakRef`, as SQLAlchemy's `WeakInstanceDict`) once it grows past
 * {@link STRONG_ENTRIES}: then clean objects the application dropped can be collected while
 * the session lives on. Below the limit, strong entries are bounded too, and they are about ten
 * times cheaper to create than a `WeakRef`, which V8 also keeps alive through every minor
 * garbage collection. Objects with unflushed changes are kept alive by the session's own
 * new/dirty/deleted sets, not here. Streams keep only their current chunk here (see
 * `EntityLoader.releaseChunk`).
 *
 * Dead weak entries are swept lazily: a lookup that finds a collected object deletes the entry,
 * and a full sweep runs whenever a weak bucket has doubled since the last one (amortized O(1)
 * per insert). A `FinalizationRegistry` would clean up sooner but registering every loaded
 * object costs about as much again as creating it, on the hottest path of the ORM.
 */
import type { IdentityKey } from './mapping/identity-key.js';
import type { Mapper } from './mapping/mapper.js';
import type { InstanceState } from './state/instance-state.js';

/**
 * Entries per bucket held strongly; past it the bucket switches to weak entries for good
 * (until the session detaches everything). Sized so that ordinary sessions never pay for
 * `WeakRef`s while a long one retains at most this many objects per class it no longer uses.
 */
export const STRONG_ENTRIES = 16_384;

/**
 * No sweep below this many entries per weak bucket: while a session loads a result every entry
 * is alive, so early sweeps would only cost time; dead entries below it are a few MiB at most.
 */
const MIN_SWEEP = 32_768;

type Entry = InstanceState | WeakRef<InstanceState>;

/** The identity map entries of one mapped class. */
export class IdentityBucket {
  /** Key → state while strong, key → `WeakRef` of the state once {@link weak}. */
  readonly map = new Map<IdentityKey, Entry>();
  /** True once the bucket holds its entries weakly. */
  weak = false;
  private sweepAt = MIN_SWEEP;

  /** The live state with this key, if any. */
  get(key: IdentityKey): InstanceState | undefined {
    const entry = this.map.get(key);
    if (entry === undefined || !this.weak) return entry as InstanceState | undefined;
    const state = (entry as WeakRef<InstanceState>).deref();
    if (state === undefined) this.map.delete(key);
    return state;
  }

  /** Stores a state under its key (replacing any previous entry). */
  set(key: IdentityKey, state: InstanceState): void {
    const map = this.map;
    if (!this.weak) {
      map.set(key, state);
      if (map.size > STRONG_ENTRIES) this.weaken();
      return;
    }
    map.set(key, new WeakRef(state));
    if (map.size > this.sweepAt) this.sweep();
  }

  /** Removes the entry for `key` if it still names `state` (or names a collected object). */
  delete(key: IdentityKey, state: InstanceState): void {
    const entry = this.map.get(key);
    if (entry === undefined) return;
    const current = this.weak ? (entry as WeakRef<InstanceState>).deref() : entry;
    if (current === state || current === undefined) this.map.delete(key);
  }

  /** Drops entries whose objects were collected. */
  sweep(): void {
    if (this.weak) {
      const map = this.map;
      for (const [key, ref] of map) {
        if ((ref as WeakRef<InstanceState>).deref() === undefined) map.delete(key);
      }
    }
    this.sweepAt = Math.max(MIN_SWEEP, this.map.size * 2);
  }

  /** The live states, as an array (callers may change the bucket while they walk it). */
  states(): InstanceState[] {
    const out: InstanceState[] = [];
    const map = this.map;
    if (!this.weak) {
      for (const state of map.values()) out.push(state as InstanceState);
      return out;
    }
    for (const [key, ref] of map) {
      const state = (ref as WeakRef<InstanceState>).deref();
      if (state === undefined) map.delete(key);
      else out.push(state);
    }
    return out;
  }

  /**
   * Expires every live state. `forEach` with a shared callback: a `for…of` over the map
   * allocated an iterator result per entry (commit expires every object of the session).
   */
  expireAll(): void {
    this.map.forEach(this.weak ? expireWeakEntry : expireStrongEntry);
  }

  /** Switches to weak entries: the bucket outgrew {@link STRONG_ENTRIES}. */
  private weaken(): void {
    const map = this.map;
    for (const [key, state] of map) map.set(key, new WeakRef(state as InstanceState));
    this.weak = true;
    this.sweepAt = Math.max(MIN_SWEEP, map.size * 2);
  }
}

function expireStrongEntry(entry: Entry): void {
  (entry as InstanceState).expireAll();
}

function expireWeakEntry(entry: Entry): void {
  (entry as WeakRef<InstanceState>).deref()?.expireAll();
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

  /** Expires every live state (commit, rollback). */
  expireAll(): void {
    for (const bucket of this.buckets.values()) bucket.expireAll();
  }

  /** Every live state, as an array. */
  allStates(): InstanceState[] {
    const out: InstanceState[] = [];
    for (const bucket of this.buckets.values()) {
      for (const state of bucket.states()) out.push(state);
    }
    return out;
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
