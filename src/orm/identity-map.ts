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
import {
  InstanceState,
  STATE,
  VALUES,
  expireValues,
  stateOfMapped,
  type Stateful,
} from './state/instance-state.js';

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

type Entry = Stateful | WeakRef<Stateful>;
type Page = (Entry | undefined)[];

/** Keys per page of the integer-keyed entries. */
const PAGE_BITS = 10;
const PAGE_SIZE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE_SIZE - 1;
/**
 * Integer keys go to pages only while the pages stay dense enough: a raise of the page range
 * may cover at most this many slots per entry (twice that once it doubles), plus
 * {@link SPARE_PAGES}, so sparse keys go to the `Map` instead of costing a page each.
 */
const SLOTS_PER_ENTRY = 4;
const SPARE_PAGES = 4;
/**
 * Entries a bucket holds in its `Map` before it pages integer keys: a page is 1,024 slots
 * (8 KiB), and a session that loads one or two objects — one per request, the common web
 * case — would otherwise allocate a page per request for them.
 */
const MIN_PAGED = 64;

/**
 * The identity map entries of one mapped class: the objects themselves (a loaded object that
 * nothing has touched has no state yet, see `LoadMark`).
 *
 * Keys that are small non-negative integers (serial primary keys, the common case) are stored
 * in pages of a two-level array, indexed by the key itself: a `Map` of 10,000 entries costs
 * ten times more to fill and to probe, and loading rows is dominated by it. Every other key
 * (strings, negative or huge numbers, composite keys) lives in a `Map`. A key below the page
 * limit is always in the pages, never in the `Map`; raising the limit moves the `Map`'s keys
 * that it now covers.
 */
export class IdentityBucket {
  /** Pages of entries for integer keys below `pageLimit * PAGE_SIZE` (holes where absent). */
  private pages: (Page | undefined)[] = [];
  /** Number of pages integer keys may use; only grows (until the session clears the map). */
  private pageLimit = 0;
  /** Entries held in `pages`. */
  private paged = 0;
  /**
   * Lowest and highest key ever stored in `pages`: a walk over the entries visits only the
   * slots between them, so a session holding a few objects does not scan whole pages.
   */
  private lowKey = Infinity;
  private highKey = -1;
  /** Entries whose key is not a paged integer. */
  private readonly others = new Map<IdentityKey, Entry>();
  /** True once the bucket holds its entries weakly. */
  weak = false;
  private sweepAt = MIN_SWEEP;

  /** @param pk the attribute indexes of the class's primary key (kept by `expireAll`) */
  constructor(private readonly pk: readonly number[]) {}

  /** Number of entries, counting ones whose objects may already have been collected. */
  get size(): number {
    return this.paged + this.others.size;
  }

  /** The live object with this key, if any. */
  get(key: IdentityKey): Stateful | undefined {
    let entry: Entry | undefined;
    if (isPageable(key) && key >>> PAGE_BITS < this.pageLimit) {
      const page = this.pages[key >>> PAGE_BITS];
      entry = page === undefined ? undefined : page[key & PAGE_MASK];
    } else {
      entry = this.others.get(key);
    }
    if (entry === undefined || !this.weak) return entry as Stateful | undefined;
    const obj = (entry as WeakRef<Stateful>).deref();
    if (obj === undefined) this.remove(key);
    return obj;
  }

  /** Stores an object under its key (replacing any previous entry). */
  set(key: IdentityKey, obj: Stateful): void {
    const weak = this.weak;
    const entry = weak ? new WeakRef(obj) : obj;
    if (isPageable(key) && (key >>> PAGE_BITS < this.pageLimit || this.raiseLimitFor(key))) {
      const index = key >>> PAGE_BITS;
      const page = this.pages[index] ?? this.newPage(index);
      const slot = key & PAGE_MASK;
      if (page[slot] === undefined) this.paged++;
      page[slot] = entry;
      if (key < this.lowKey) this.lowKey = key;
      if (key > this.highKey) this.highKey = key;
    } else {
      this.others.set(key, entry);
    }
    if (!weak) {
      if (this.size > STRONG_ENTRIES) this.weaken();
    } else if (this.size > this.sweepAt) {
      this.sweep();
    }
  }

  /** Removes the entry for `key` if it still names `obj` (or names a collected object). */
  delete(key: IdentityKey, obj: object): void {
    const entry = this.entry(key);
    if (entry === undefined) return;
    const current = this.weak ? (entry as WeakRef<Stateful>).deref() : entry;
    if (current === obj || current === undefined) this.remove(key);
  }

  /** Drops entries whose objects were collected. */
  sweep(): void {
    if (this.weak) this.forEachEntry(() => undefined);
    this.sweepAt = Math.max(MIN_SWEEP, this.size * 2);
  }

  /**
   * The states of the live objects, as an array (callers may change the bucket while they
   * walk it). Makes the state of every object that has none yet: for the rare walks only.
   */
  states(): InstanceState[] {
    const out: InstanceState[] = [];
    this.forEachEntry((obj) => {
      out.push(stateOfMapped(obj));
    });
    return out;
  }

  /** Expires every live object (an object without a state stays without one). */
  expireAll(): void {
    const pk = this.pk;
    this.forEachEntry((obj) => {
      const state = obj[STATE];
      if (state instanceof InstanceState) state.expireAll();
      else expireValues(pk, obj[VALUES]);
    });
  }

  /** The stored entry for `key`, live or not. */
  private entry(key: IdentityKey): Entry | undefined {
    if (isPageable(key) && key >>> PAGE_BITS < this.pageLimit) {
      return this.pages[key >>> PAGE_BITS]?.[key & PAGE_MASK];
    }
    return this.others.get(key);
  }

  /** Deletes the entry for `key`, whatever it holds. */
  private remove(key: IdentityKey): void {
    if (isPageable(key) && key >>> PAGE_BITS < this.pageLimit) {
      const page = this.pages[key >>> PAGE_BITS];
      const slot = key & PAGE_MASK;
      if (page !== undefined && page[slot] !== undefined) {
        page[slot] = undefined;
        this.paged--;
      }
    } else {
      this.others.delete(key);
    }
  }

  /**
   * Calls `visit` with every live object; in a weak bucket, deletes the entries of collected
   * objects on the way. Entries `visit` adds may or may not be visited.
   */
  private forEachEntry(visit: (obj: Stateful) => void): void {
    const weak = this.weak;
    const pages = this.pages;
    const low = this.lowKey;
    const high = this.highKey;
    const lastPage = this.paged === 0 ? -1 : high >>> PAGE_BITS;
    for (let p = this.paged === 0 ? 0 : low >>> PAGE_BITS; p <= lastPage; p++) {
      const page = pages[p];
      if (page === undefined) continue;
      const end = p === lastPage ? (high & PAGE_MASK) + 1 : PAGE_SIZE;
      for (let slot = p === low >>> PAGE_BITS ? low & PAGE_MASK : 0; slot < end; slot++) {
        const entry = page[slot];
        if (entry === undefined) continue;
        const obj = weak ? (entry as WeakRef<Stateful>).deref() : (entry as Stateful);
        if (obj !== undefined) visit(obj);
        else if (page[slot] === entry) {
          page[slot] = undefined;
          this.paged--;
        }
      }
    }
    const others = this.others;
    for (const [key, entry] of others) {
      const obj = weak ? (entry as WeakRef<Stateful>).deref() : (entry as Stateful);
      if (obj !== undefined) visit(obj);
      else others.delete(key);
    }
  }

  /**
   * Lets the pages reach `key` if they stay dense enough with one more entry; moves the `Map`
   * entries the new limit covers. Returns false when `key` must go to the `Map`.
   */
  private raiseLimitFor(key: number): boolean {
    if (this.size < MIN_PAGED) return false;
    const allowed = SPARE_PAGES + ((SLOTS_PER_ENTRY * (this.size + 1)) >>> PAGE_BITS);
    if (key >>> PAGE_BITS >= allowed) return false;
    // At least doubling (within twice the density bound) keeps the raises, each a walk over
    // the Map, logarithmic in the number of entries.
    const limit = Math.min(2 * allowed, Math.max(allowed, 2 * this.pageLimit));
    this.pageLimit = limit;
    while (this.pages.length < limit) this.pages.push(undefined);
    const others = this.others;
    if (others.size > 0) {
      for (const [other, entry] of others) {
        if (!isPageable(other) || other >>> PAGE_BITS >= limit) continue;
        others.delete(other);
        const index = other >>> PAGE_BITS;
        (this.pages[index] ?? this.newPage(index))[other & PAGE_MASK] = entry;
        this.paged++;
        if (other < this.lowKey) this.lowKey = other;
        if (other > this.highKey) this.highKey = other;
      }
    }
    return true;
  }

  private newPage(index: number): Page {
    const page = new Array<Entry | undefined>(PAGE_SIZE);
    this.pages[index] = page;
    return page;
  }

  /** Switches to weak entries: the bucket outgrew {@link STRONG_ENTRIES}. */
  private weaken(): void {
    for (const page of this.pages) {
      if (page === undefined) continue;
      for (let slot = 0; slot < PAGE_SIZE; slot++) {
        const obj = page[slot];
        if (obj !== undefined) page[slot] = new WeakRef(obj as Stateful);
      }
    }
    const others = this.others;
    for (const [key, obj] of others) others.set(key, new WeakRef(obj as Stateful));
    this.weak = true;
    this.sweepAt = Math.max(MIN_SWEEP, this.size * 2);
  }
}

/** True for keys the pages can hold: integers from 0 to 2^31 - 1. */
function isPageable(key: IdentityKey): key is number {
  return typeof key === 'number' && key >= 0 && (key | 0) === key;
}

/** One session's identity map, one bucket per mapped class. */
export class IdentityMap {
  private readonly buckets = new Map<Mapper, IdentityBucket>();

  /** The bucket of a mapper, created on first use (the loader holds it for a whole result). */
  bucket(mapper: Mapper): IdentityBucket {
    let bucket = this.buckets.get(mapper);
    if (bucket === undefined) {
      bucket = new IdentityBucket(mapper.pk);
      this.buckets.set(mapper, bucket);
    }
    return bucket;
  }

  /** The live object of `mapper` with `key`, if any (its state is not made). */
  object(mapper: Mapper, key: IdentityKey): Stateful | undefined {
    return this.buckets.get(mapper)?.get(key);
  }

  /** The state of the live object of `mapper` with `key`, if any. */
  get(mapper: Mapper, key: IdentityKey): InstanceState | undefined {
    const obj = this.buckets.get(mapper)?.get(key);
    return obj === undefined ? undefined : stateOfMapped(obj);
  }

  /** Stores the object of a state that has a key. */
  add(state: InstanceState): void {
    this.bucket(state.mapper).set(state.key!, state.obj as Stateful);
  }

  /** Removes a state's object, if it is the one stored under its key. */
  remove(state: InstanceState): void {
    if (state.key !== undefined) this.buckets.get(state.mapper)?.delete(state.key, state.obj);
  }

  /** True when the state's object is the one stored under its key. */
  contains(state: InstanceState): boolean {
    return state.key !== undefined && this.object(state.mapper, state.key) === state.obj;
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
    for (const bucket of this.buckets.values()) n += bucket.size;
    return n;
  }

  /** Forgets everything. */
  clear(): void {
    this.buckets.clear();
  }
}
