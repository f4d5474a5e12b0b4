import { describe, expect, it } from 'vitest';
import { commitOrder, orderSelfReferencing } from '../../../src/orm/unit-of-work/commit-order.js';
import { planFlush, type FlushStep } from '../../../src/orm/unit-of-work/plan.js';
import { stateOf } from '../../../src/orm/state/instance-state.js';
import { col, fakeMapped, loaded } from './fixtures.js';

const users = fakeMapped('User', 'users', [
  col('id', { primaryKey: true, autoincrement: true }),
  col('name'),
  col('active', { default: () => true }),
  col('created', { hasServerDefault: true }),
]);
const addresses = fakeMapped('Address', 'addresses', [
  col('id', { primaryKey: true, autoincrement: true }),
  col('userId', { references: ['users'] }),
  col('email'),
]);
const notes = fakeMapped('Note', 'notes', [
  col('id', { primaryKey: true }),
  col('addressId', { references: ['addresses'] }),
]);
const nodes = fakeMapped('Node', 'nodes', [
  col('id', { primaryKey: true }),
  col('parentId', { references: ['nodes'] }),
]);
const versioned = fakeMapped(
  'Doc',
  'docs',
  [col('id', { primaryKey: true }), col('body'), col('v')],
  'v',
);

const shape = (steps: FlushStep[]) =>
  steps.map((s) => `${s.kind} ${s.mapper.tableName} x${s.states.length}`);

describe('commit order', () => {
  it('puts referenced tables first whatever the registration order', () => {
    expect(
      commitOrder([notes.mapper, addresses.mapper, users.mapper]).map((m) => m.tableName),
    ).toEqual(['users', 'addresses', 'notes']);
  });

  it('ignores tables not taking part and keeps registration order otherwise', () => {
    expect(commitOrder([notes.mapper, users.mapper]).map((m) => m.tableName)).toEqual([
      'users',
      'notes',
    ]);
  });

  it('breaks foreign-key cycles deterministically', () => {
    const a = fakeMapped('A', 'ta', [
      col('id', { primaryKey: true }),
      col('b', { references: ['tb'] }),
    ]);
    const b = fakeMapped('B', 'tb', [
      col('id', { primaryKey: true }),
      col('a', { references: ['ta'] }),
    ]);
    expect(commitOrder([b.mapper, a.mapper]).map((m) => m.tableName)).toEqual(['ta', 'tb']);
  });

  it('orders rows of a self-referencing table parents first (children first for deletes)', () => {
    const rows = [
      loaded(nodes.mapper, [3, 2]),
      loaded(nodes.mapper, [2, 1]),
      loaded(nodes.mapper, [1, null]),
      loaded(nodes.mapper, [4, null]),
    ];
    const ids = (xs: ReturnType<typeof orderSelfReferencing>) => xs.map((s) => s.values[0]);
    expect(ids(orderSelfReferencing(nodes.mapper, rows, false))).toEqual([1, 2, 3, 4]);
    expect(ids(orderSelfReferencing(nodes.mapper, rows, true))).toEqual([4, 3, 2, 1]);
  });
});

describe('flush plan', () => {
  it('orders saves parents first and deletes children first', () => {
    const a = stateOf(new addresses.cls({ email: 'x' }))!;
    const u = stateOf(new users.cls({ name: 'n' }))!;
    const oldAddress = loaded(addresses.mapper, [5, 1, 'old']);
    const oldUser = loaded(users.mapper, [1, 'gone', true, null]);
    const steps = planFlush([a, u], [], [oldUser, oldAddress]);
    expect(shape(steps)).toEqual([
      'insert users x1',
      'insert addresses x1',
      'delete addresses x1',
      'delete users x1',
    ]);
  });

  it('batches consecutive inserts with the same columns and applies client defaults', () => {
    const s = [
      new users.cls({ name: 'a' }),
      new users.cls({ name: 'b' }),
      new users.cls({ name: 'c', id: 10 }),
      new users.cls({ name: 'd' }),
    ].map((o) => stateOf(o)!);
    const steps = planFlush(s, [], []);
    expect(shape(steps)).toEqual(['insert users x2', 'insert users x1', 'insert users x1']);
    expect(steps[0]).toMatchObject({ columns: [1, 2], generated: [0, 3] });
    expect(steps[1]).toMatchObject({ columns: [0, 1, 2], generated: [3] });
    expect(s[0]!.values[2]).toBe(true);
  });

  it('groups updates by the set of changed columns, skips rows with no net change', () => {
    const rows = [1, 2, 3, 4].map((i) => loaded(users.mapper, [i, `u${i}`, true, null]));
    const objs = rows.map((r) => r.obj as { name: string; active: boolean });
    objs[3]!.name = 'x';
    objs[0]!.name = 'y';
    objs[1]!.active = false;
    objs[2]!.name = 'u3';
    const steps = planFlush([], rows, []);
    expect(
      steps.map((s) => [
        s.kind,
        s.kind === 'update' ? s.columns : [],
        s.states.map((st) => st.key),
      ]),
    ).toEqual([
      ['update', [1], [1, 4]],
      ['update', [2], [2]],
    ]);
  });

  it('puts updates before inserts of the same table and skips updates of deleted rows', () => {
    const old = loaded(users.mapper, [1, 'a', true, null]);
    (old.obj as { name: string }).name = 'b';
    const gone = loaded(users.mapper, [2, 'c', true, null]);
    (gone.obj as { name: string }).name = 'd';
    const fresh = stateOf(new users.cls({ name: 'e' }))!;
    expect(shape(planFlush([fresh], [old, gone], [gone]))).toEqual([
      'update users x1',
      'insert users x1',
      'delete users x1',
    ]);
  });

  it('bumps the version counter on update and starts it at 1 on insert', () => {
    const d = loaded(versioned.mapper, [1, 'a', 3]);
    (d.obj as { body: string }).body = 'b';
    const fresh = stateOf(new versioned.cls({ id: 2, body: 'n' }))!;
    const steps = planFlush([fresh], [d], []);
    expect(steps[0]).toMatchObject({ kind: 'update', columns: [1, 2] });
    expect(d.values[2]).toBe(4);
    expect(d.committedValue(2)).toBe(3);
    expect(fresh.values[2]).toBe(1);
  });

  it('plans one changed object alone as the general planner does (version, onUpdate, no change)', () => {
    let stamp = 0;
    const stamped = fakeMapped('Stamped', 'stamped', [
      col('id', { primaryKey: true }),
      col('body'),
      col('touched', { onUpdate: () => ++stamp }),
    ]);
    const cases: [typeof users.mapper, unknown[], (o: Record<string, unknown>) => void][] = [
      [users.mapper, [1, 'a', true, null], (o) => (o.name = 'b')],
      [users.mapper, [2, 'a', true, null], (o) => (o.name = 'a')],
      [versioned.mapper, [3, 'a', 7], (o) => (o.body = 'c')],
      [stamped.mapper, [4, 'a', 0], (o) => (o.body = 'd')],
    ];
    for (const [mapper, row, change] of cases) {
      const alone = loaded(mapper, [...row]);
      const general = loaded(mapper, [...row]);
      change(alone.obj as Record<string, unknown>);
      change(general.obj as Record<string, unknown>);
      // A DELETE of another table sends the general planner down its full path.
      const other = loaded(notes.mapper, [1, null]);
      const viaFast = planFlush([], [alone], []);
      const viaGeneral = planFlush([], [general], [other]).filter((x) => x.kind === 'update');
      expect(
        viaFast.map((x) => [x.kind, x.mapper, (x as { columns?: readonly number[] }).columns]),
      ).toEqual(
        viaGeneral.map((x) => [x.kind, x.mapper, (x as { columns?: readonly number[] }).columns]),
      );
      expect(viaFast.map((x) => x.states.length)).toEqual(viaGeneral.map((x) => x.states.length));
      expect(alone.values.slice(0, -1)).toEqual(general.values.slice(0, -1));
    }
    // onUpdate ran once per plan.
    expect(stamp).toBe(2);
  });
});
