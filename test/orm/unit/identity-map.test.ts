import { describe, expect, it } from 'vitest';
import { IdentityMap, STRONG_ENTRIES } from '../../../src/orm/identity-map.js';
import { compositeKey, keyPart } from '../../../src/orm/mapping/identity-key.js';
import { identityFromArgument } from '../../../src/orm/mapping/mapper.js';
import { InvalidRequestError } from '../../../src/errors.js';
import { col, collectGarbage, fakeMapped, loaded, loadedObject } from './fixtures.js';

const { mapper } = fakeMapped('User', 'users', [col('id', { primaryKey: true }), col('name')]);
const { mapper: pair } = fakeMapped('Pair', 'pairs', [
  col('a', { primaryKey: true }),
  col('b', { primaryKey: true }),
  col('v'),
]);

describe('identity keys', () => {
  it('uses numbers and strings directly and normalizes safe bigints', () => {
    expect(keyPart(5)).toBe(5);
    expect(keyPart('x')).toBe('x');
    expect(keyPart(5n)).toBe(5);
    expect(keyPart(2n ** 70n)).toBe(2n ** 70n);
    expect(mapper.identityKeyOf([7, 'a'])).toBe(7);
  });

  it('joins composite keys without collisions between types', () => {
    expect(compositeKey([1, 'a'])).not.toBe(compositeKey(['1', 'a']));
    expect(pair.identityKeyOf([1, 2, 'v'])).toBe(compositeKey([1, 2]));
  });

  it('accepts scalar, array and object identities and rejects wrong arity', () => {
    expect(identityFromArgument(mapper, 3)).toEqual([3]);
    expect(identityFromArgument(pair, [1, 2])).toEqual([1, 2]);
    expect(identityFromArgument(pair, { b: 2, a: 1 })).toEqual([1, 2]);
    expect(() => identityFromArgument(pair, 1)).toThrow(InvalidRequestError);
    expect(() => identityFromArgument(pair, 1)).toThrow(
      "Incorrect number of values in identifier to formulate primary key for session.get(); primary key columns are 'pairs.a','pairs.b'",
    );
    expect(() => identityFromArgument(pair, { a: 1, c: 2 })).toThrow(/Incorrect names of values/);
  });
});

describe('identity map', () => {
  it('stores one state per key and class', () => {
    const map = new IdentityMap();
    const s = loaded(mapper, [1, 'a']);
    map.add(s);
    expect(map.get(mapper, 1)).toBe(s);
    expect(map.get(pair, 1)).toBeUndefined();
    expect(map.contains(s)).toBe(true);
    const other = loaded(mapper, [1, 'b']);
    expect(map.contains(other)).toBe(false);
    map.remove(other); // not the stored one: no effect
    expect(map.get(mapper, 1)).toBe(s);
    map.remove(s);
    expect(map.get(mapper, 1)).toBeUndefined();
  });

  it('holds clean objects strongly while a bucket is small', async () => {
    const map = new IdentityMap();
    for (let i = 1; i <= 1000; i++) map.add(loaded(mapper, [i, 'x']));
    await collectGarbage();
    expect(map.bucket(mapper).weak).toBe(false);
    expect(map.allStates()).toHaveLength(1000);
    expect(map.get(mapper, 500)?.values).toEqual([500, 'x']);
  });

  it('holds clean objects weakly once a bucket outgrows the strong limit, so dropped ones are collected', async () => {
    const map = new IdentityMap();
    const keep = loaded(mapper, [0, 'kept']);
    map.add(keep);
    for (let i = 1; i <= STRONG_ENTRIES + 5000; i++) map.add(loaded(mapper, [i, 'x']));
    expect(map.bucket(mapper).weak).toBe(true);
    await collectGarbage();
    expect(map.allStates()).toEqual([keep]);
    expect(map.approximateSize).toBe(1);
    expect(map.get(mapper, 0)).toBe(keep);
    expect(map.get(mapper, 1)).toBeUndefined();
  });

  it('sweeps dead entries when a weak bucket doubles, keeping the map bounded', () => {
    const map = new IdentityMap();
    const bucket = map.bucket(mapper);
    const total = STRONG_ENTRIES + 3000;
    for (let i = 0; i < total; i++) bucket.set(i, loadedObject(mapper, [i, 'x']));
    // every entry is alive until the job ends, so the sweep keeps them and raises its threshold
    expect(bucket.weak).toBe(true);
    expect(bucket.size).toBe(total);
    expect(bucket.states()).toHaveLength(total);
  });

  it('removes and expires entries the same way in strong and weak buckets', () => {
    for (const count of [10, STRONG_ENTRIES + 10]) {
      const map = new IdentityMap();
      const states = Array.from({ length: count }, (_, i) => loaded(mapper, [i, 'x']));
      for (const s of states) map.add(s);
      map.remove(states[3]!);
      expect(map.get(mapper, 3)).toBeUndefined();
      expect(map.contains(states[4]!)).toBe(true);
      map.expireAll();
      expect(states[4]!.hasExpired).toBe(true);
      expect(states[4]!.values[0]).toBe(4);
      expect(states[3]!.hasExpired).toBe(false);
    }
  });
});

describe('identity map pages (integer keys) and the map for other keys', () => {
  const keys: unknown[] = [
    0,
    1,
    1023,
    1024,
    5000,
    -1,
    -0,
    1.5,
    2 ** 31,
    2 ** 31 - 1,
    1e9,
    'a',
    '1',
  ];

  it('finds, replaces and removes every kind of key, never mixing them up', () => {
    const map = new IdentityMap();
    const states = keys.map((k, i) => loaded(mapper, [k, `v${i}`]));
    for (const s of states) map.add(s);
    const found = (key: unknown): number => states.indexOf(map.get(mapper, key as number)!);
    // -0 and 0 are one key, as in a Map
    expect([0, '1', 1, 1.5, 2 ** 31, 2 ** 31 - 1, 1e9, -1, 5000].map(found)).toEqual([
      6, 12, 1, 7, 8, 9, 10, 5, 4,
    ]);
    expect([2, 'b', 1024.5, -2].map(found)).toEqual([-1, -1, -1, -1]);
    expect(map.allStates()).toHaveLength(keys.length - 1);
    for (const s of states.slice(7)) map.remove(s);
    expect(states.slice(7).map((s) => found(s.key))).toEqual([-1, -1, -1, -1, -1, -1]);
    expect(map.approximateSize).toBe(6);
  });

  it('moves map entries into pages when the pages grow to cover them, and keeps each key once', () => {
    const bucket = new IdentityMap().bucket(mapper);
    // Far beyond what one entry may reach: stored in the map at first.
    const far = loadedObject(mapper, [20_000, 'far']);
    bucket.set(20_000, far);
    for (let i = 0; i < 6000; i++) bucket.set(i, loadedObject(mapper, [i, 'x']));
    expect(bucket.get(20_000)).toBe(far);
    expect(bucket.size).toBe(6001);
    const again = loadedObject(mapper, [20_000, 'again']);
    bucket.set(20_000, again);
    expect(bucket.size).toBe(6001);
    expect(bucket.get(20_000)).toBe(again);
    bucket.delete(20_000, far); // not the stored one: no effect
    expect(bucket.get(20_000)).toBe(again);
    bucket.delete(20_000, again);
    expect(bucket.get(20_000)).toBeUndefined();
    expect(bucket.states()).toHaveLength(6000);
  });

  it('answers like a plain Map for a random mix of operations', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = (): number | string => {
      const r = random();
      if (r < 0.6) return Math.floor(random() * 3000);
      if (r < 0.7) return Math.floor(random() * 1e7);
      if (r < 0.8) return -Math.floor(random() * 100);
      if (r < 0.9) return `k${Math.floor(random() * 50)}`;
      return Math.floor(random() * 3000) + 0.5;
    };
    const bucket = new IdentityMap().bucket(mapper);
    const reference = new Map<unknown, unknown>();
    for (let step = 0; step < 20_000; step++) {
      const key = pick();
      const r = random();
      if (r < 0.6) {
        const s = loadedObject(mapper, [key, step]);
        bucket.set(key, s);
        reference.set(key, s);
      } else if (r < 0.8) {
        const s = reference.get(key) as ReturnType<typeof loadedObject> | undefined;
        if (s !== undefined) bucket.delete(key, s);
        reference.delete(key);
      } else {
        expect(bucket.get(key)).toBe(reference.get(key));
      }
    }
    expect(bucket.size).toBe(reference.size);
    expect(new Set(bucket.states().map((st) => st.obj))).toEqual(new Set(reference.values()));
    for (const [key, s] of reference) expect(bucket.get(key as number)).toBe(s);
  });

  it('holds paged and mapped entries weakly alike once the bucket is big', async () => {
    const map = new IdentityMap();
    const keepPaged = loaded(mapper, [3, 'kept']);
    const keepMapped = loaded(mapper, ['s', 'kept']);
    map.add(keepPaged);
    map.add(keepMapped);
    for (let i = 10; i < STRONG_ENTRIES + 5000; i++) map.add(loaded(mapper, [i, 'x']));
    for (let i = 0; i < 100; i++) map.add(loaded(mapper, [`t${i}`, 'x']));
    expect(map.bucket(mapper).weak).toBe(true);
    await collectGarbage();
    expect(new Set(map.allStates())).toEqual(new Set([keepPaged, keepMapped]));
    expect(map.approximateSize).toBe(2);
    expect(map.get(mapper, 3)).toBe(keepPaged);
    expect(map.get(mapper, 's')).toBe(keepMapped);
  });

  it('walks exactly the stored entries wherever they sit in the pages', () => {
    const bucket = new IdentityMap().bucket(mapper);
    expect(bucket.states()).toEqual([]);
    // Enough entries first for the bucket to page its integer keys (the walk goes in key order).
    const filler = Array.from({ length: 64 }, (_, i) => 3500 + i);
    for (const k of filler) bucket.set(k, loadedObject(mapper, [k, 'f']));
    const walked = (): unknown[] =>
      bucket
        .states()
        .map((s) => s.key)
        .filter((k) => !filler.includes(k as number));
    const keys = [1023, 5, 1024, 0, 2047, 3000, 2048];
    const byKey = new Map(keys.map((k) => [k, loadedObject(mapper, [k, 'x'])]));
    for (const [k, s] of byKey) {
      bucket.set(k, s);
      // After every insert the walk sees exactly what was stored so far.
      const expected = [...byKey.entries()].filter(([key]) => keys.indexOf(key) <= keys.indexOf(k));
      const states = bucket.states().filter((st) => !filler.includes(st.key as number));
      expect(new Set(states.map((st) => st.obj))).toEqual(new Set(expected.map(([, st]) => st)));
    }
    bucket.delete(0, byKey.get(0)!);
    bucket.delete(3000, byKey.get(3000)!);
    expect(walked()).toEqual([5, 1023, 1024, 2047, 2048]);
    const again = loadedObject(mapper, [3000, 'y']);
    bucket.set(3000, again);
    expect(walked()).toEqual([5, 1023, 1024, 2047, 2048, 3000]);
    expect(bucket.states()).toHaveLength(64 + 6);
  });

  it('keeps the entries of a small bucket in its map, and answers the same once it pages them', () => {
    const bucket = new IdentityMap().bucket(mapper);
    const states = new Map<number, ReturnType<typeof loadedObject>>();
    // A session holding a few objects (one per request) pages nothing; past 64 entries the
    // integer keys move to pages. Every answer is the same on both sides of that switch.
    for (let i = 0; i < 200; i++) {
      const key = (i * 37) % 1000;
      const s = loadedObject(mapper, [key, `v${i}`]);
      bucket.set(key, s);
      states.set(key, s);
      if (i % 7 === 3) {
        const gone = (i * 11) % 1000;
        const stored = states.get(gone);
        if (stored !== undefined) {
          bucket.delete(gone, stored);
          states.delete(gone);
        }
      }
      expect(bucket.size).toBe(states.size);
      for (const [k, st] of states) expect(bucket.get(k)).toBe(st);
      const walked = bucket.states();
      expect(walked).toHaveLength(states.size);
      for (const st of walked) expect(states.get(st.key as number)).toBe(st.obj);
    }
    expect(bucket.get(1500)).toBeUndefined();
  });
});
