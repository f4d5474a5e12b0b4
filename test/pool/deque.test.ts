import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Deque } from '../../src/util/deque.js';

describe('Deque (ring buffer used for idle connections and waiters)', () => {
  it('pushes and pops at both ends', () => {
    const q = new Deque<number>();
    q.push(1);
    q.push(2);
    q.unshift(0);
    expect(q.length).toBe(3);
    expect(q.peekFront()).toBe(0);
    expect(q.shift()).toBe(0);
    expect(q.pop()).toBe(2);
    expect(q.pop()).toBe(1);
    expect(q.pop()).toBeUndefined();
    expect(q.shift()).toBeUndefined();
  });

  it('grows past its capacity while wrapped around', () => {
    const q = new Deque<number>(8);
    for (let i = 0; i < 6; i++) q.push(i);
    for (let i = 0; i < 5; i++) q.shift();
    for (let i = 6; i < 40; i++) q.push(i);
    expect(q.drain()).toEqual(Array.from({ length: 35 }, (_, i) => i + 5));
    expect(q.length).toBe(0);
  });

  it('removes an item from the middle keeping the order of the rest', () => {
    const q = new Deque<string>();
    for (const s of ['a', 'b', 'c', 'd']) q.push(s);
    expect(q.remove('b')).toBe(true);
    expect(q.remove('z')).toBe(false);
    expect([q.at(0), q.at(1), q.at(2), q.at(3)]).toEqual(['a', 'c', 'd', undefined]);
  });

  it('behaves like an array under random operations', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), value: fc.integer() }),
      fc.record({ kind: fc.constant('unshift' as const), value: fc.integer() }),
      fc.constant({ kind: 'shift' as const }),
      fc.constant({ kind: 'pop' as const }),
      fc.record({ kind: fc.constant('remove' as const), value: fc.integer({ min: -3, max: 3 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const q = new Deque<number>();
        const model: number[] = [];
        for (const o of ops) {
          switch (o.kind) {
            case 'push':
              q.push(o.value);
              model.push(o.value);
              break;
            case 'unshift':
              q.unshift(o.value);
              model.unshift(o.value);
              break;
            case 'shift':
              expect(q.shift()).toBe(model.shift());
              break;
            case 'pop':
              expect(q.pop()).toBe(model.pop());
              break;
            case 'remove': {
              const i = model.indexOf(o.value);
              expect(q.remove(o.value)).toBe(i >= 0);
              if (i >= 0) model.splice(i, 1);
              break;
            }
          }
          expect(q.length).toBe(model.length);
        }
        expect(q.drain()).toEqual(model);
      }),
      { numRuns: 200 },
    );
  });
});
