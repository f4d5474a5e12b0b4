import { describe, expect, it } from 'vitest';
import { MultipleResultsFound, NoResultFound, ResourceClosedError } from '../../src/errors.js';
import { Result } from '../../src/engine/result.js';
import type { DriverResult } from '../../src/dialects/dialect.js';

function result(rows: unknown[][], columns = ['id', 'name']): Result {
  const driver: DriverResult = {
    columns,
    rows: rows.map((r) => r.slice()),
    rowCount: rows.length,
    returnsRows: true,
  };
  return new Result(driver);
}

const noRows = () => new Result({ columns: [], rows: [], rowCount: 3, returnsRows: false });

describe('Result', () => {
  it('rows are arrays with named getters and toObject()', () => {
    const [row] = result([[1, 'Ann']]).all();
    expect(row![0]).toBe(1);
    expect(row!.name).toBe('Ann');
    expect(row!.length).toBe(2);
    expect(Array.isArray(row)).toBe(true);
    expect([...row!]).toEqual([1, 'Ann']);
    expect(row).toEqual([1, 'Ann']);
    expect(row!.toObject()).toEqual({ id: 1, name: 'Ann' });
    expect(row!._mapping).toEqual({ id: 1, name: 'Ann' });
    expect(row!._fields).toEqual(['id', 'name']);
    expect(JSON.stringify(row)).toBe('[1,"Ann"]');
    const [a, b] = row!;
    expect([a, b]).toEqual([1, 'Ann']);
  });

  it('a column named like an array member is reachable by name, except length and constructor', () => {
    const [row] = result([[1, 2, 3]], ['map', 'length', 'constructor']).all();
    expect(row!.map).toBe(1);
    expect(row!.length).toBe(3);
    expect(row!.toObject()).toEqual({ map: 1, length: 2, constructor: 3 });
  });

  it('a duplicate column name is ambiguous by name, fine by position', () => {
    const [row] = result([[1, 2]], ['id', 'id']).all();
    expect(row![1]).toBe(2);
    expect(() => row!.id).toThrow(/Ambiguous column name 'id'/);
  });

  it('all() soft-closes: a second call returns []', () => {
    const r = result([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(r.all()).toHaveLength(2);
    expect(r.all()).toEqual([]);
    expect(r.fetchOne()).toBeNull();
  });

  it('first() returns the first row and hard-closes', () => {
    const r = result([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(r.first()!.name).toBe('a');
    expect(() => r.all()).toThrow(ResourceClosedError);
    expect(() => r.fetchOne()).toThrow('This result object is closed.');
    expect(result([]).first()).toBeNull();
  });

  it('one() / oneOrNone() / scalarOne() raise with SQLAlchemy messages', () => {
    expect(() => result([]).one()).toThrow(NoResultFound);
    expect(() => result([]).one()).toThrow('No row was found when one was required');
    expect(() =>
      result([
        [1, 'a'],
        [2, 'b'],
      ]).one(),
    ).toThrow(MultipleResultsFound);
    expect(() =>
      result([
        [1, 'a'],
        [2, 'b'],
      ]).one(),
    ).toThrow('Multiple rows were found when exactly one was required');
    expect(() =>
      result([
        [1, 'a'],
        [2, 'b'],
      ]).oneOrNone(),
    ).toThrow('Multiple rows were found when one or none was required');
    expect(result([]).oneOrNone()).toBeNull();
    expect(result([[1, 'a']]).one().id).toBe(1);
    expect(result([[7, 'a']]).scalarOne()).toBe(7);
    expect(result([]).scalarOneOrNone()).toBeNull();
    expect(() => result([]).scalarOne()).toThrow(NoResultFound);
  });

  it('scalar() is the first column of the first row, or null', () => {
    expect(
      result([
        [7, 'a'],
        [8, 'b'],
      ]).scalar(),
    ).toBe(7);
    expect(result([]).scalar()).toBeNull();
  });

  it('a result without rows has a rowCount and refuses fetches', () => {
    const r = noRows();
    expect(r.rowCount).toBe(3);
    expect(r.returnsRows).toBe(false);
    expect(r.keys()).toEqual([]);
    expect(() => r.all()).toThrow(
      'This result object does not return rows. It has been closed automatically.',
    );
    expect(() => r.first()).toThrow(ResourceClosedError);
    expect(() => r.scalar()).toThrow(ResourceClosedError);
  });

  it('views: scalars(), mappings(), tuples() share the read position', () => {
    const r = result([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
    expect(r.fetchOne()!.id).toBe(1);
    expect(r.scalars(1).fetchOne()).toBe('b');
    expect(r.mappings().all()).toEqual([{ id: 3, name: 'c' }]);
    const t = result([[1, 'a']])
      .tuples()
      .all();
    expect(Object.getPrototypeOf(t[0])).toBe(Array.prototype);
    expect(
      result([[1, 'a']])
        .mappings()
        .keys(),
    ).toEqual(['id', 'name']);
  });

  it('fetchMany(), partitions() and iteration', async () => {
    const rows = Array.from({ length: 7 }, (_, i) => [i, `n${i}`]);
    expect(
      result(rows)
        .fetchMany(3)
        .map((r) => r.id),
    ).toEqual([0, 1, 2]);
    expect([...result(rows).partitions(3)].map((p) => p.length)).toEqual([3, 3, 1]);
    expect([...result(rows)].map((r) => r.id)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const seen: number[] = [];
    for await (const row of result(rows)) seen.push(row.id as number);
    expect(seen).toHaveLength(7);
  });

  it('applies result processors once per row', () => {
    const r = new Result(
      {
        columns: ['a', 'b'],
        rows: [
          [1, '2'],
          [3, '4'],
        ],
        rowCount: 2,
        returnsRows: true,
      },
      undefined,
      [null, (v) => Number(v) * 10],
    );
    expect(r.all().map((row) => [...row])).toEqual([
      [1, 20],
      [3, 40],
    ]);
  });

  it('keys() falls back to declared keys when the driver has none', () => {
    const r = new Result({ columns: [], rows: [[1]], rowCount: 1, returnsRows: true }, ['x']);
    expect(r.keys()).toEqual(['x']);
    expect(r.one().x).toBe(1);
  });
});
