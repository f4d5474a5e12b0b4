import { inspect as utilInspect } from 'node:util';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ArgumentError } from '../../../src/errors.js';
import { MetaData, select } from '../../../src/sql/index.js';
import { Model, inspect, sessionmaker } from '../../../src/orm/index.js';
import { mapperOfClass } from '../../../src/orm/mapping/registry.js';
import { ormPlan } from '../../../src/orm/query/execute.js';

const metadata = new MetaData();
const things = metadata.table('model_things', (t) => ({
  id: t.integer().primaryKey(),
  name: t.text().notNull(),
  length: t.integer(),
  ctor: t.text('constructor'),
  lastSeen: t.timestamp('last_seen'),
}));

class Thing extends Model(things) {
  describe(): string {
    return `${this.name}/${this.length ?? 0}`;
  }
}

describe('Model()', () => {
  it('makes real class instances with typed column properties, even `name` and `length`', () => {
    const t = new Thing({ name: 'a', length: 3, ctor: 'c' });
    expect(t).toBeInstanceOf(Thing);
    expect(t.describe()).toBe('a/3');
    expect(t.ctor).toBe('c');
    expect(t.constructor).toBe(Thing);
    expectTypeOf(t.name).toEqualTypeOf<string>();
    expectTypeOf(t.length).toEqualTypeOf<number | null>();
    expectTypeOf(t.lastSeen).toEqualTypeOf<Date | null>();
    expect(Thing.c.name).toBe(things.c.name);
    expect(Thing.c.length.ge(2)).toBeDefined();
    expect(Thing.table).toBe(things);
    expect(Thing.__clauseElement__()).toBe(things);
  });

  it('takes constructor arguments of any shape, in any order, one after another', () => {
    class Other extends Model(things) {}
    const values = (o: object): unknown[] => {
      const { id, name, length, ctor } = o as Thing;
      return [id, name, length, ctor];
    };
    const made = [
      new Thing({ name: 'a', length: 1 }),
      new Thing({ name: 'b', length: 2 }),
      new Thing({ length: 3, name: 'c' }),
      new Other({ name: 'd', length: 4 }),
      new Thing({ id: 5, name: 'e', ctor: 'x' }),
      new Thing({ name: 'f' }),
      new Thing(),
    ];
    expect(made.map(values)).toEqual([
      [undefined, 'a', 1, undefined],
      [undefined, 'b', 2, undefined],
      [undefined, 'c', 3, undefined],
      [undefined, 'd', 4, undefined],
      [5, 'e', undefined, 'x'],
      [undefined, 'f', undefined, undefined],
      [undefined, undefined, undefined, undefined],
    ]);
    // An unknown key is refused also where a known one stood in the argument before.
    expect(() => new Thing({ name: 'g', lenght: 1 } as never)).toThrow(
      "'lenght' is an invalid keyword argument for Thing",
    );
    // Inherited enumerable properties are not arguments.
    const proto = { name: 'inherited' };
    const own = Object.create(proto) as Record<string, unknown>;
    own.length = 7;
    expect(values(new Thing(own))).toEqual([undefined, undefined, 7, undefined]);
  });

  it('refuses a column property named constructor, naming the fix', () => {
    const bad = new MetaData().table('model_bad', (t) => ({
      id: t.integer().primaryKey(),
      constructor: t.text(),
    }));
    expect(() => Model(bad)).toThrow(
      /Map it under another property name, e.g. ctor: t.text\('constructor'\)/,
    );
  });

  it('refuses unknown keys and non-tables', () => {
    expect(() => new Thing({ nope: 1 } as never)).toThrow(ArgumentError);
    expect(() => Model({} as never)).toThrow(/expects a table made with metadata.table/);
  });

  it('gives each subclass its own mapper, created from the subclass prototype', () => {
    class Other extends Model(things) {}
    const a = mapperOfClass(Thing)!;
    const b = mapperOfClass(Other)!;
    expect(a).not.toBe(b);
    expect(a.prototype).toBe(Thing.prototype);
    expect(a.keys).toEqual(['id', 'name', 'length', 'ctor', 'lastSeen']);
    expect(a.columns.map((c) => c.name)).toEqual([
      'id',
      'name',
      'length',
      'constructor',
      'last_seen',
    ]);
  });

  it('serializes and prints loaded values only', () => {
    const t = new Thing({ id: 1, name: 'a' });
    expect(JSON.parse(JSON.stringify(t))).toEqual({ id: 1, name: 'a' });
    inspect(t).expireAttributes([1]);
    expect(utilInspect(t)).toBe(
      'Thing { id: 1, name: <expired>, length: undefined, ctor: undefined, lastSeen: undefined }',
    );
    expect(utilInspect(inspect(t))).toMatch(/^InstanceState\(<Thing at 0x[0-9a-f]+> transient\)$/);
  });
});

describe('ORM statement plans', () => {
  it('finds entities and columns in a select, with their result positions', () => {
    const plan = ormPlan(select(Thing, things.c.name));
    expect(plan?.keys).toEqual(['Thing', 'name']);
    expect(plan?.width).toBe(6);
    expect(ormPlan(select(things))).toBeUndefined();
  });
});

describe('sessionmaker()', () => {
  it('validates options', () => {
    expect(() => sessionmaker({ joinTransactionMode: 'x' as never })).toThrow(
      'invalid selection for join_transaction_mode: "x"',
    );
    expect(() => sessionmaker({ autoFlush: true } as never)).toThrow(
      /Unknown Session option 'autoFlush'/,
    );
    const maker = sessionmaker();
    maker.configure({ autoflush: false });
    expect(maker().autoflush).toBe(false);
    expect(maker({ autoflush: true }).autoflush).toBe(true);
  });
});
