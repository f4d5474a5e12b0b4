/**
 * Per-instance ORM state. Every mapped instance holds its current values in one array indexed
 * by attribute (under the {@link VALUES} symbol) and, under {@link STATE}, either its
 * {@link InstanceState} — the old values of attributes assigned since the last load or flush
 * (allocated only on the first assignment, so an unchanged object costs nothing to track), its
 * identity key once it has one, and the session it belongs to — or, for an object a query
 * loaded and nothing has touched since, the {@link LoadMark} shared by every object of that
 * load. The state of such an object is made from the mark on first need ({@link stateOf}):
 * a load of 10,000 rows that the application only reads makes no state at all.
 *
 * States (SQLAlchemy's): transient (no key, no session), pending (no key, in a session),
 * persistent (key, in a session), deleted (key, DELETE flushed in the session's transaction),
 * detached (key, no session).
 */
import type { Mapper } from '../mapping/mapper.js';
import type { IdentityKey } from '../mapping/identity-key.js';
import { EXPIRED, NO_VALUE } from './sentinels.js';
import { valuesEqual } from './values.js';

/** Where every mapped instance keeps its {@link InstanceState} (or {@link LoadMark}). */
export const STATE: unique symbol = Symbol('athanor.state');
/** Where every mapped instance keeps its current values, by attribute index. */
export const VALUES: unique symbol = Symbol('athanor.values');

/** The two slots every mapped instance has. */
export interface Stateful {
  [VALUES]: unknown[];
  [STATE]: InstanceState | LoadMark;
}

/**
 * A session for one of its epochs. The session replaces its token when it detaches
 * everything at once (`close()`, `expungeAll()`): a state holding an older token is detached
 * without being visited, so closing a session costs nothing per loaded object. One field per
 * state instead of a session and an epoch number: every loaded object has a state.
 */
export interface OwnerToken {
  readonly owner: StateOwner;
}

/** What an instance state needs from the session that owns it. */
export interface StateOwner {
  /** The session's number, as shown in messages (`session '2'`). */
  readonly hashKey: number;
  /** The token of the current epoch (see {@link OwnerToken}). */
  readonly _token: OwnerToken;
  /** Called once when a persistent instance gets its first change since load or flush. */
  onModified(state: InstanceState): void;
}

/** The before/after view of one attribute (SQLAlchemy's `History`). */
export interface AttributeHistory {
  readonly added: readonly unknown[];
  readonly unchanged: readonly unknown[];
  readonly deleted: readonly unknown[];
  /** True when `added` or `deleted` is non-empty. */
  readonly hasChanges: boolean;
}

let stateIds = 0;
/** Message handles of the states that were ever described (most never are). */
const describedIds = new WeakMap<InstanceState, number>();

/** Bits of {@link InstanceState}'s flags field; the bits above them hold `pendingSlot + 1`. */
const MODIFIED = 1;
const DELETED = 2;
const WAS_DELETED = 4;
const FLAG_BITS = 7;
const SLOT_SHIFT = 3;
/** The most pending objects one session can hold (the slot must fit in a small integer). */
export const MAX_PENDING_SLOTS = 2 ** 28 - 1;

/**
 * What a loaded object holds instead of its state until something needs the state: the
 * mapper and the session's epoch token, shared by every object of one load. Such an object is
 * persistent (detached once the token is stale), clean, not deleted, and its identity key is
 * its primary-key values. Loading 10,000 rows makes one mark, not 10,000 states.
 */
export class LoadMark {
  constructor(
    readonly mapper: Mapper,
    readonly token: OwnerToken,
  ) {}
}

/** The ORM bookkeeping of one mapped instance. */
export class InstanceState {
  /** Old values of assigned attributes ({@link NO_VALUE} where unassigned), or undefined. */
  committed: unknown[] | undefined = undefined;
  /** Identity-map key; set once the row exists in the database. */
  key: IdentityKey | undefined = undefined;
  private owner: OwnerToken | undefined = undefined;
  /**
   * `modified`, `deleted`, `wasDeleted` and the pending slot in one small integer: every
   * mapped object has a state, and separate fields would make each of them 32 bytes larger.
   */
  private flags = 0;

  /**
   * Makes the state of `obj` with these values (stored on the object, under {@link VALUES});
   * the caller stores the state under {@link STATE}.
   */
  constructor(
    readonly mapper: Mapper,
    readonly obj: object,
    values: unknown[],
    owner?: OwnerToken,
  ) {
    (obj as Stateful)[VALUES] = values;
    this.owner = owner;
  }

  /** Current values by attribute index ({@link EXPIRED} where unloaded); kept on the object. */
  get values(): unknown[] {
    return (this.obj as Stateful)[VALUES];
  }
  set values(values: unknown[]) {
    (this.obj as Stateful)[VALUES] = values;
  }

  /** @internal Where the session's pending set holds this state (see `PendingSet`), or -1. */
  get pendingSlot(): number {
    return (this.flags >> SLOT_SHIFT) - 1;
  }
  set pendingSlot(slot: number) {
    this.flags = (this.flags & FLAG_BITS) | ((slot + 1) << SLOT_SHIFT);
  }

  /** True after an assignment since the last load/flush while the object had an identity. */
  get modified(): boolean {
    return (this.flags & MODIFIED) !== 0;
  }
  set modified(on: boolean) {
    this.flags = on ? this.flags | MODIFIED : this.flags & ~MODIFIED;
  }

  /** Its DELETE was flushed in the owning session's current transaction. */
  get deleted(): boolean {
    return (this.flags & DELETED) !== 0;
  }
  set deleted(on: boolean) {
    this.flags = on ? this.flags | DELETED : this.flags & ~DELETED;
  }

  /** It was deleted and the deletion was committed. */
  get wasDeleted(): boolean {
    return (this.flags & WAS_DELETED) !== 0;
  }
  set wasDeleted(on: boolean) {
    this.flags = on ? this.flags | WAS_DELETED : this.flags & ~WAS_DELETED;
  }

  /** The session the instance is attached to. */
  get session(): StateOwner | undefined {
    const token = this.owner;
    return token !== undefined && token.owner._token === token ? token.owner : undefined;
  }

  set session(owner: StateOwner | undefined) {
    this.owner = owner?._token;
  }

  /** A short unique handle for messages: `<User at 0x1f>`. */
  describe(): string {
    let id = describedIds.get(this);
    if (id === undefined) describedIds.set(this, (id = ++stateIds));
    return `<${this.mapper.name} at 0x${id.toString(16)}>`;
  }

  /** Writes one attribute, recording the old value the first time (the attribute setter). */
  setValue(index: number, value: unknown): void {
    const values = this.values;
    if (this.key !== undefined) {
      if ((this.flags & MODIFIED) === 0) {
        // The owner may refuse (closed transaction inside a context manager): check first.
        this.session?.onModified(this);
        this.flags |= MODIFIED;
      }
      let committed = this.committed;
      if (committed === undefined) committed = this.committed = this.mapper.noValues.slice();
      if (committed[index] === NO_VALUE) committed[index] = values[index];
    }
    values[index] = value;
  }

  /** Indexes of attributes whose value differs from the one loaded (the UPDATE's SET list). */
  changedIndexes(): number[] {
    const committed = this.committed;
    const out: number[] = [];
    if (committed === undefined) return out;
    const values = this.values;
    for (let i = 0; i < committed.length; i++) {
      const old = committed[i];
      if (old === NO_VALUE) continue;
      const now = values[i];
      if (now === EXPIRED) continue;
      if (old === EXPIRED || !valuesEqual(old, now)) out.push(i);
    }
    return out;
  }

  /** The primary-key values the row currently has in the database (old values if changed). */
  identityValues(): unknown[] {
    const committed = this.committed;
    return this.mapper.pk.map((i) => {
      const old = committed?.[i];
      return old === undefined || old === NO_VALUE ? this.values[i] : old;
    });
  }

  /** The value an attribute had in the database, for the WHERE clause of an UPDATE/DELETE. */
  committedValue(index: number): unknown {
    const old = this.committed?.[index];
    return old === undefined || old === NO_VALUE ? this.values[index] : old;
  }

  /** Forgets recorded changes: the values now match the database (after flush or load). */
  commitChanges(): void {
    this.committed = undefined;
    this.flags &= ~MODIFIED;
  }

  /**
   * Marks every attribute but the primary key unloaded; pending changes are discarded. The
   * primary key stays readable: it is the object's identity, known without a query (the
   * database row it names is what the next load reads).
   */
  expireAll(): void {
    const committed = this.committed;
    if (committed !== undefined) {
      // The key's values as the database has them, before the attributes are expired.
      const values = this.values;
      for (const p of this.mapper.pk) {
        const old = committed[p];
        if (old !== undefined && old !== NO_VALUE) values[p] = old;
      }
    }
    expireValues(this.mapper.pk, this.values);
    this.committed = undefined;
    this.flags &= ~MODIFIED;
  }

  /** Marks some attributes unloaded, discarding their pending changes. */
  expireAttributes(indexes: readonly number[]): void {
    for (const i of indexes) {
      this.values[i] = EXPIRED;
      if (this.committed !== undefined) this.committed[i] = NO_VALUE;
    }
    if (this.committed !== undefined && this.committed.every((v) => v === NO_VALUE)) {
      this.commitChanges();
    }
  }

  /** Replaces the values with a freshly loaded row; pending changes are discarded. */
  load(values: unknown[]): void {
    this.values = values;
    this.committed = undefined;
    this.flags &= ~MODIFIED;
  }

  /** Loads only the expired attributes from a fresh row (keeps unexpired in-memory values). */
  loadExpired(row: readonly unknown[]): void {
    loadExpiredValues(this.values, row);
  }

  /** True when any attribute is expired. */
  get hasExpired(): boolean {
    return this.values.includes(EXPIRED);
  }

  /** Names of expired attributes. */
  get unloaded(): ReadonlySet<string> {
    const out = new Set<string>();
    this.values.forEach((v, i) => {
      if (v === EXPIRED) out.add(this.mapper.keys[i]!);
    });
    return out;
  }

  // --- inspection (SQLAlchemy's InstanceState properties) ---

  /** Not in a session and never persisted. */
  get transient(): boolean {
    return this.key === undefined && this.session === undefined;
  }
  /** Added to a session, not yet flushed. */
  get pending(): boolean {
    return this.key === undefined && this.session !== undefined;
  }
  /** In a session's identity map, with a row in the database. */
  get persistent(): boolean {
    return this.key !== undefined && this.session !== undefined && !this.deleted;
  }
  /** Its DELETE was flushed; the transaction has not ended yet. */
  get isDeleted(): boolean {
    return this.key !== undefined && this.session !== undefined && this.deleted;
  }
  /** Has a database identity but no session. */
  get detached(): boolean {
    return this.key !== undefined && this.session === undefined;
  }
  /** Has a database identity. */
  get hasIdentity(): boolean {
    return this.key !== undefined;
  }
  /** The primary-key values, or null before the row exists. */
  get identity(): unknown[] | null {
    return this.key === undefined ? null : this.identityValues();
  }
  /** The mapped instance. */
  get object(): object {
    return this.obj;
  }

  /** The history of one attribute. */
  history(key: string): AttributeHistory {
    const i = this.mapper.indexOf(key);
    if (i < 0) throw new TypeError(`'${key}' is not a mapped attribute of ${this.mapper.name}`);
    const now = this.values[i];
    const current = now === EXPIRED || now === undefined ? [] : [now];
    if (this.key === undefined) return history(current, [], []);
    const old = this.committed?.[i];
    if (old === undefined || old === NO_VALUE) return history([], current, []);
    if (old !== EXPIRED && valuesEqual(old, now)) return history([], current, []);
    return history(current, [], old === EXPIRED || old === undefined ? [] : [old]);
  }

  /** `console.log(inspect(obj))` shows the state, not the mapper and session behind it. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const status = this.transient
      ? 'transient'
      : this.pending
        ? 'pending'
        : this.persistent
          ? 'persistent'
          : this.isDeleted
            ? 'deleted'
            : 'detached';
    const key = this.key === undefined ? '' : ` key=${String(this.key)}`;
    return `InstanceState(${this.describe()} ${status}${key}${this.modified ? ' modified' : ''})`;
  }

  /** True when some attribute has a net change (SQLAlchemy's `is_modified`). */
  get hasNetChanges(): boolean {
    if (this.key === undefined) return this.session !== undefined;
    return this.changedIndexes().length > 0;
  }
}

function history(
  added: readonly unknown[],
  unchanged: readonly unknown[],
  deleted: readonly unknown[],
): AttributeHistory {
  return { added, unchanged, deleted, hasChanges: added.length > 0 || deleted.length > 0 };
}

/**
 * Marks every attribute but the primary key unloaded, in place. A plain loop: cheaper than
 * fill() on the short arrays of one row (commit expires every object of the session).
 */
export function expireValues(pk: readonly number[], values: unknown[]): void {
  if (pk.length === 1) {
    const p = pk[0]!;
    for (let i = 0; i < values.length; i++) if (i !== p) values[i] = EXPIRED;
    return;
  }
  for (let i = 0; i < values.length; i++) if (!pk.includes(i)) values[i] = EXPIRED;
}

/** Fills the expired slots of `values` from a fresh row. */
export function loadExpiredValues(values: unknown[], row: readonly unknown[]): void {
  for (let i = 0; i < values.length; i++) if (values[i] === EXPIRED) values[i] = row[i];
}

/**
 * The state of a mapped instance, made from its {@link LoadMark} if it has none yet.
 * Callers on hot paths test `obj[STATE] instanceof InstanceState` first and call this only
 * when it is not.
 */
export function stateOfMapped(obj: Stateful): InstanceState {
  const slot = obj[STATE];
  if (slot instanceof InstanceState) return slot;
  const values = obj[VALUES];
  const state = new InstanceState(slot.mapper, obj, values, slot.token);
  state.key = slot.mapper.identityKeyOf(values);
  obj[STATE] = state;
  return state;
}

/** The state of a mapped instance, or undefined for anything else. */
export function stateOf(obj: unknown): InstanceState | undefined {
  if (obj === null || typeof obj !== 'object') return undefined;
  const slot = (obj as { [STATE]?: unknown })[STATE];
  if (slot instanceof InstanceState) return slot;
  return slot instanceof LoadMark ? stateOfMapped(obj as Stateful) : undefined;
}
