/**
 * Column attributes as accessor properties. They are defined once on the mapped class's base
 * prototype, one per column: the getter reads a slot of the instance's value array, the setter
 * records the change through the instance state. No per-instance closures or descriptors.
 */
import { DetachedInstanceError, InvalidRequestError } from '../../errors.js';
import { EXPIRED } from './sentinels.js';
import { InstanceState, STATE, VALUES, stateOfMapped, type Stateful } from './instance-state.js';

/** Defines one accessor property per attribute key on `proto`. */
export function installAttributes(proto: object, keys: readonly string[]): void {
  keys.forEach((key, index) => {
    Object.defineProperty(proto, key, {
      get(this: Stateful): unknown {
        // The values live on the object: reading an attribute never needs its state.
        const value = this[VALUES][index];
        return value === EXPIRED ? expiredAttribute(stateOfMapped(this), key) : value;
      },
      set(this: Stateful, value: unknown) {
        const state = this[STATE];
        (state instanceof InstanceState ? state : stateOfMapped(this)).setValue(index, value);
      },
      enumerable: true,
      configurable: true,
    });
  });
}

/** The error for reading an attribute that is not loaded; it names the ways to load it. */
export function expiredAttribute(state: InstanceState, key: string): never {
  if (state.session === undefined) {
    throw new DetachedInstanceError(
      `Instance ${state.describe()} is not bound to a Session; attribute refresh operation cannot proceed (attribute '${key}' is expired). ` +
        'Athanor never loads on attribute access: add the object to a session and `await session.refresh(obj)`, ' +
        're-query it, or create the session with `expireOnCommit: false` so that values stay loaded after commit.',
    );
  }
  throw new InvalidRequestError(
    `Attribute '${key}' of ${state.describe()} is expired (by commit, rollback or expire()) and Athanor never loads on attribute access. ` +
      'Load it first: `await session.refresh(obj)`, re-query the object (any query returning it loads its latest state), ' +
      'or create the session with `expireOnCommit: false`.',
    { code: 'bhk3' },
  );
}
