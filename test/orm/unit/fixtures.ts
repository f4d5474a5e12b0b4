/** Hand-built mappers for the pure ORM tests (no SQL layer, no database). */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Mapper, type ColumnInfo } from '../../../src/orm/mapping/mapper.js';
import { installAttributes } from '../../../src/orm/state/attributes.js';
import { InstanceState, STATE, type Stateful } from '../../../src/orm/state/instance-state.js';

export function col(key: string, options: Partial<ColumnInfo> = {}): ColumnInfo {
  return {
    key,
    name: options.name ?? key,
    column: undefined,
    primaryKey: false,
    autoincrement: false,
    default: undefined,
    onUpdate: undefined,
    hasServerDefault: false,
    references: [],
    ...options,
  };
}

export interface Fake {
  [key: string]: unknown;
}

/** A class with accessors and its mapper, like Model() builds. */
export function fakeMapped(
  name: string,
  tableName: string,
  columns: ColumnInfo[],
  versionKey?: string,
): { cls: new (values?: Record<string, unknown>) => Fake; mapper: Mapper } {
  const holder: { mapper?: Mapper } = {};
  const cls = {
    [name]: class {
      constructor(values: Record<string, unknown> = {}) {
        const mapper = holder.mapper!;
        const state = new InstanceState(mapper, this, mapper.newValues());
        (this as unknown as { [STATE]: InstanceState })[STATE] = state;
        for (const [k, v] of Object.entries(values)) state.values[mapper.indexOf(k)] = v;
      }
    },
  }[name]!;
  installAttributes(
    cls.prototype,
    columns.map((c) => c.key),
  );
  holder.mapper = new Mapper({ cls, table: undefined, tableName, columns, versionKey });
  return {
    cls: cls as unknown as new (values?: Record<string, unknown>) => Fake,
    mapper: holder.mapper,
  };
}

/** A persistent-looking state: loaded row with an identity key, no session. */
export function loaded(mapper: Mapper, row: unknown[]): InstanceState {
  const obj = Object.create(mapper.prototype) as { [STATE]: InstanceState };
  const state = new InstanceState(mapper, obj, row);
  state.key = mapper.identityKeyOf(row);
  obj[STATE] = state;
  return state;
}

/** The object of {@link loaded}: what identity-map buckets hold. */
export function loadedObject(mapper: Mapper, row: unknown[]): Stateful {
  return loaded(mapper, row).obj as Stateful;
}

/** Runs a full garbage collection (WeakRefs are cleared only between jobs). */
export async function collectGarbage(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 0));
    gc();
  }
}
