/**
 * Rows made by `asRow`: arrays with named getters, built per result shape, that behave like
 * plain arrays wherever an array method makes a new array, and leave the driver's array alone.
 */
import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { asRow, rowPrototype } from '../../src/engine/row.js';

describe('asRow', () => {
  const proto = rowPrototype(['id', 'name']);

  it('reads columns by position and by name', () => {
    const row = asRow<{ id: number; name: string }>([1, 'Ann'], proto);
    expect(row[0]).toBe(1);
    expect(row.name).toBe('Ann');
    expect(row.length).toBe(2);
    expect(Array.isArray(row)).toBe(true);
    expect(row).toBeInstanceOf(Array);
    expect(row.toObject()).toEqual({ id: 1, name: 'Ann' });
    expect(row._fields).toEqual(['id', 'name']);
    expect(Object.getPrototypeOf(row)).toBe(proto);
  });

  it('gives plain arrays from map, slice and filter, as arrays do', () => {
    const row = asRow([1, 'Ann'], proto);
    for (const made of [row.map((v) => v), row.slice(), row.filter(() => true)]) {
      expect(Object.getPrototypeOf(made)).toBe(Array.prototype);
      expect(made).toEqual([1, 'Ann']);
    }
    expect(row.constructor).toBe(Array);
    expect([...row]).toEqual([1, 'Ann']);
    expect(JSON.stringify(row)).toBe('[1,"Ann"]');
    expect(inspect(row)).toBe("Row([ 1, 'Ann' ])");
  });

  it('keeps nulls and undefined values and leaves the driver array unchanged', () => {
    const driverRow = [null, undefined];
    const row = asRow(driverRow, proto);
    expect(row.id).toBeNull();
    expect(row.name).toBeUndefined();
    expect(row.length).toBe(2);
    expect(Object.getPrototypeOf(driverRow)).toBe(Array.prototype);
  });

  it('shares one prototype per shape', () => {
    const a = asRow([1, 'a'], rowPrototype(['id', 'name']));
    const b = asRow([2, 'b'], rowPrototype(['id', 'name']));
    expect(Object.getPrototypeOf(a)).toBe(Object.getPrototypeOf(b));
  });
});
