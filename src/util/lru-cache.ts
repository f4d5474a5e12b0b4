/**
 * A small least-recently-used map. Prepared statements and compiled SQL are cached with it;
 * `Map` keeps insertion order, so re-inserting on a hit moves the key to the young end and the
 * first key is always the oldest.
 *
 * @example
 * ```ts
 * const cache = new LruCache<string, number>(2);
 * cache.set('a', 1);
 * cache.get('a'); // 1
 * ```
 */
export class LruCache<K, V> {
  readonly #map = new Map<K, V>();
  #youngest: K | undefined = undefined;

  /**
   * @param capacity Most entries kept; 0 keeps nothing.
   * @param onEvict Called with each entry pushed out (to finalize prepared statements).
   */
  constructor(
    readonly capacity: number,
    private readonly onEvict?: (value: V, key: K) => void,
  ) {}

  /** The cached value for `key`, marking it as recently used. */
  get(key: K): V | undefined {
    const map = this.#map;
    const value = map.get(key);
    // The same key as last time (a loop running one statement) is already the youngest.
    if (value !== undefined && key !== this.#youngest && map.size > 1) {
      map.delete(key);
      map.set(key, value);
      this.#youngest = key;
    }
    return value;
  }

  /** Stores `value`, evicting the least recently used entry when full. */
  set(key: K, value: V): void {
    if (this.capacity <= 0) return;
    const map = this.#map;
    map.delete(key);
    map.set(key, value);
    this.#youngest = key;
    if (map.size > this.capacity) {
      const oldest = map.keys().next().value as K;
      const evicted = map.get(oldest) as V;
      map.delete(oldest);
      this.onEvict?.(evicted, oldest);
    }
  }

  /** Removes one entry without calling `onEvict`. */
  delete(key: K): boolean {
    if (key === this.#youngest) this.#youngest = undefined;
    return this.#map.delete(key);
  }

  /** Removes every entry, calling `onEvict` for each. */
  clear(): void {
    const entries = [...this.#map];
    this.#map.clear();
    this.#youngest = undefined;
    if (this.onEvict) for (const [k, v] of entries) this.onEvict(v, k);
  }

  /** Number of entries held. */
  get size(): number {
    return this.#map.size;
  }
}
