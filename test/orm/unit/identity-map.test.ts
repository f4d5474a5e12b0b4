import { describe, expect, it } from 'vitest';
import { IdentityMap, STRONG_ENTRIES } from '../../../src/orm/identity-map.js';
import { compositeKey, keyPart } from '../../../src/orm/mapping/identity-key.js';
import { identityFromArgument } from '../../../src/orm/mapping/mapper.js';
import { InvalidRequestError } from '../../../src/errors.js';
import { col, collectGarbage, fakeMapped, loaded } from './fixtures.js';

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
    for (let i = 0; i < total; i++) bucket.set(i, loaded(mapper, [i, 'x']));
    // every entry is alive until the job ends, so the sweep keeps them and raises its threshold
    expect(bucket.weak).toBe(true);
    expect(bucket.map.size).toBe(total);
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
