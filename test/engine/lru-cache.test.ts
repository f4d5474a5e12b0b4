import { describe, expect, it } from 'vitest';
import { LruCache } from '../../src/util/lru-cache.js';
import { AsyncLock, LockTimeoutError } from '../../src/util/async-lock.js';

describe('LruCache', () => {
  it('evicts the least recently used entry and reports it', () => {
    const evicted: string[] = [];
    const c = new LruCache<string, number>(2, (_v, k) => evicted.push(k));
    c.set('a', 1);
    c.set('b', 2);
    expect(c.get('a')).toBe(1); // a is now the youngest
    c.set('c', 3);
    expect(evicted).toEqual(['b']);
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBe(1);
    expect(c.get('a')).toBe(1); // repeated hits on the youngest key
    c.set('d', 4);
    expect(evicted).toEqual(['b', 'c']);
    expect(c.size).toBe(2);
  });

  it('keeps nothing with capacity 0; delete and clear', () => {
    const c = new LruCache<string, number>(0);
    c.set('a', 1);
    expect(c.size).toBe(0);
    const d = new LruCache<string, number>(3);
    d.set('a', 1);
    d.set('b', 2);
    expect(d.delete('b')).toBe(true);
    d.set('c', 3);
    expect(d.get('a')).toBe(1);
    d.clear();
    expect(d.size).toBe(0);
  });
});

describe('AsyncLock', () => {
  it('hands the lock over in arrival order', async () => {
    const lock = new AsyncLock();
    const order: number[] = [];
    const release = await lock.acquire();
    const waiters = [1, 2, 3].map((n) =>
      lock.acquire().then((r) => {
        order.push(n);
        r();
      }),
    );
    expect(lock.waiting).toBe(3);
    release();
    release(); // a second call does nothing
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
    expect(lock.locked).toBe(false);
  });

  it('times out a waiter without disturbing the others', async () => {
    const lock = new AsyncLock();
    const release = await lock.acquire();
    const late = lock.acquire(0.05).catch((e: unknown) => e);
    const patient = lock.acquire(5);
    expect(await late).toBeInstanceOf(LockTimeoutError);
    await expect(lock.acquire(0)).rejects.toBeInstanceOf(LockTimeoutError);
    release();
    (await patient)();
    expect(lock.tryAcquire()).toBeTypeOf('function');
    expect(lock.tryAcquire()).toBeUndefined();
  });
});
