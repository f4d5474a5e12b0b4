/**
 * Inspection and state helpers (SQLAlchemy's `inspect()`, `make_transient()`,
 * `make_transient_to_detached()`).
 */
import { InvalidRequestError } from '../../errors.js';
import { stateOf, type InstanceState } from './instance-state.js';

/**
 * The ORM state of a mapped instance: `.transient`, `.pending`, `.persistent`, `.isDeleted`,
 * `.detached`, `.identity`, `.modified`, `.history(key)`, `.unloaded`.
 *
 * @example
 * ```ts
 * const state = inspect(user);
 * state.persistent;          // true after a flush
 * state.history('age');      // { added: [31], unchanged: [], deleted: [30], hasChanges: true }
 * ```
 */
export function inspect(obj: object): InstanceState {
  const state = stateOf(obj);
  if (state === undefined) {
    const name = (Object.getPrototypeOf(obj) as { constructor?: { name?: string } } | null)
      ?.constructor?.name;
    throw new InvalidRequestError(
      `No inspection system is available for object of type ${name ?? typeof obj}`,
    );
  }
  return state;
}

/**
 * Makes an instance transient again: it forgets its session and identity (its values stay).
 * A deleted object can then be added and INSERTed anew.
 *
 * @example
 * ```ts
 * makeTransient(deletedUser);
 * session.add(deletedUser); // INSERTed again at the next flush
 * ```
 */
export function makeTransient(obj: object): void {
  const state = inspect(obj);
  const session = state.session as
    { expunge?: (o: object) => void; contains?: (o: object) => boolean } | undefined;
  if (session?.contains?.(obj) === true) session.expunge!(obj);
  state.session = undefined;
  state.key = undefined;
  state.deleted = false;
  state.wasDeleted = false;
  state.commitChanges();
}

/**
 * Gives a transient instance the identity of its primary-key values, making it detached.
 *
 * @example
 * ```ts
 * const u = new User({ id: 5, name: 'known row' });
 * makeTransientToDetached(u);
 * session.add(u); // persistent, no SQL
 * ```
 */
export function makeTransientToDetached(obj: object): void {
  const state = inspect(obj);
  if (!state.transient) throw new InvalidRequestError('Given object must be transient');
  state.key = state.mapper.identityKeyOf(state.values);
  state.commitChanges();
}

export type { InstanceState };
