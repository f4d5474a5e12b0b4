/**
 * The compiled-statement cache: one bounded LRU per dialect object, keyed by structural key
 * (see `keys.ts`). Counters make hits and misses observable (tests, `echo` logs, benchmarks).
 */
import { ArgumentError } from '../../errors.js';
import type { SqlDialect } from '../executable.js';
import type { CompiledTemplate } from './compiled.js';

/** Default number of compiled statements kept per dialect. */
export const DEFAULT_CACHE_SIZE = 500;

let defaultSize = DEFAULT_CACHE_SIZE;
const caches = new WeakMap<SqlDialect, LruCache>();
/** Every cache, weakly, so the default size and `clearCompiledCache()` reach them all. */
const allCaches = new Set<WeakRef<LruCache>>();

/** Counters of the compiler, since start or the last `resetCompilerStats()`. */
export interface CompilerStats {
  /** Statements actually compiled (cache misses and uncached statements). */
  compiles: number;
  /** Compiles avoided by the shared cache. */
  hits: number;
  /** Lookups that missed the shared cache. */
  misses: number;
  /** Compiles avoided because the statement object had already been compiled. */
  memoHits: number;
  /** Entries evicted from the caches because they were full. */
  evictions: number;
}

const stats: CompilerStats = { compiles: 0, hits: 0, misses: 0, memoHits: 0, evictions: 0 };

/**
 * A least-recently-used map with a fixed capacity. A hit only stamps the entry with a
 * counter (no re-insertion, so hits stay O(1) and allocation-free); a miss that overflows
 * the capacity evicts the entry with the oldest stamp.
 */
export class LruCache {
  private readonly map = new Map<string, { value: CompiledTemplate; used: number }>();
  private clock = 0;
  constructor(public capacity: number) {}

  get(key: string): CompiledTemplate | undefined {
    const entry = this.map.get(key);
    if (entry === undefined) return undefined;
    entry.used = ++this.clock;
    return entry.value;
  }

  set(key: string, value: CompiledTemplate): void {
    if (this.capacity <= 0) return;
    this.map.set(key, { value, used: ++this.clock });
    while (this.map.size > this.capacity) this.evictOldest();
  }

  private evictOldest(): void {
    let oldestKey: string | undefined;
    let oldest = Infinity;
    for (const [key, entry] of this.map) {
      if (entry.used < oldest) {
        oldest = entry.used;
        oldestKey = key;
      }
    }
    this.map.delete(oldestKey!);
    stats.evictions++;
  }

  get size(): number {
    return this.map.size;
  }

  clear(): void {
    this.map.clear();
  }
}

/** The cache of a dialect object, created on first use with the current default size. */
export function cacheFor(dialect: SqlDialect): LruCache {
  let cache = caches.get(dialect);
  if (cache === undefined) {
    cache = new LruCache(dialect.compiledCacheSize ?? defaultSize);
    caches.set(dialect, cache);
    allCaches.add(new WeakRef(cache));
  }
  return cache;
}

/** @internal Mutable counters for the compiler. */
export function mutableStats(): CompilerStats {
  return stats;
}

/**
 * Sets how many compiled statements are kept: for one dialect object (an engine's), or the
 * default for caches created afterwards and every existing one when `dialect` is omitted.
 * `0` disables caching.
 *
 * @example
 * ```ts
 * setCompiledCacheSize(2000);
 * ```
 */
export function setCompiledCacheSize(size: number, dialect?: SqlDialect): void {
  if (!Number.isInteger(size) || size < 0) {
    throw new ArgumentError(`The compiled cache size must be an integer ≥ 0, got ${size}.`);
  }
  if (dialect) {
    const cache = cacheFor(dialect);
    cache.capacity = size;
    if (cache.size > size) cache.clear();
    return;
  }
  defaultSize = size;
  allCaches.forEach((ref) => {
    const cache = ref.deref();
    if (cache) {
      cache.capacity = size;
      if (cache.size > size) cache.clear();
    }
  });
}

/**
 * The compiler's counters: how often statements were compiled and how often the cache saved
 * a compile.
 *
 * @example
 * ```ts
 * const before = compilerStats().compiles;
 * await conn.execute(select(users).where(users.c.id.eq(1)));
 * await conn.execute(select(users).where(users.c.id.eq(2)));
 * compilerStats().compiles - before; // 1
 * ```
 */
export function compilerStats(): Readonly<CompilerStats> {
  return { ...stats };
}

/**
 * Sets the compiler's counters back to zero.
 *
 * @example
 * ```ts
 * resetCompilerStats();
 * ```
 */
export function resetCompilerStats(): void {
  stats.compiles = 0;
  stats.hits = 0;
  stats.misses = 0;
  stats.memoHits = 0;
  stats.evictions = 0;
}

/**
 * Empties the compiled caches of `dialect`, or of every dialect.
 *
 * @example
 * ```ts
 * clearCompiledCache(engine.dialect.sql);
 * ```
 */
export function clearCompiledCache(dialect?: SqlDialect): void {
  if (dialect) {
    caches.get(dialect)?.clear();
    return;
  }
  allCaches.forEach((ref) => ref.deref()?.clear());
}

/**
 * The number of entries in the cache of `dialect`.
 *
 * @example
 * ```ts
 * compiledCacheSize(engine.dialect.sql); // 12
 * ```
 */
export function compiledCacheSize(dialect: SqlDialect): number {
  return caches.get(dialect)?.size ?? 0;
}
