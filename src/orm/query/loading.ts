/**
 * Row loading: positional rows from the driver become mapped objects through the identity
 * map. This is the ORM's hottest path, so it allocates as little as it can: a new object is
 * a shell with the class's prototype (the user's constructor does not run, as in SQLAlchemy)
 * holding its values and the load's shared {@link LoadMark} — its state is made only when
 * something needs it — and when the row holds exactly the entity's columns in order, the row
 * array itself becomes the object's value array. No closures or try/catch per row.
 *
 * An object already in the identity map keeps its in-memory state (loaded and changed values
 * win, as in SQLAlchemy); expired attributes are filled from the row; `populateExisting`
 * overwrites everything.
 */
import { InvalidRequestError } from '../../errors.js';
import { dispatchSync } from '../events.js';
import type { IdentityBucket } from '../identity-map.js';
import type { Mapper } from '../mapping/mapper.js';
import {
  InstanceState,
  LoadMark,
  STATE,
  VALUES,
  loadExpiredValues,
} from '../state/instance-state.js';
import type { OwnerToken, Stateful } from '../state/instance-state.js';
import { EXPIRED } from '../state/sentinels.js';
import type { Session } from '../session/session.js';

type Shell = new (values: unknown[], mark: LoadMark) => Stateful;

/** One shell constructor per mapped prototype. */
const shells = new WeakMap<object, Shell>();

/**
 * A constructor of objects with `proto` as their prototype and room for exactly the values and
 * state slots: V8 sizes such objects to the properties they get, where `Object.create()`
 * reserves four, so every loaded object is smaller and quicker to make.
 */
function shellOf(proto: object): Shell {
  let shell = shells.get(proto);
  if (shell === undefined) {
    const make = function (this: Stateful, values: unknown[], mark: LoadMark): void {
      this[VALUES] = values;
      this[STATE] = mark;
    };
    make.prototype = proto;
    shell = make as unknown as Shell;
    shells.set(proto, shell);
  }
  return shell;
}

/** Loads one entity from rows, at fixed positions of each row. */
export class EntityLoader {
  private readonly bucket: IdentityBucket;
  private readonly Shell: Shell;
  private readonly whole: boolean;
  private readonly pkPositions: readonly number[];
  /** Whether `loadedAsPersistent` listeners existed when the loader was made. */
  readonly firesLoaded: boolean;
  /** The session's epoch token when the loader was made (see `OwnerToken`). */
  readonly token: OwnerToken;
  /** What the objects this loader makes hold until they need a state. */
  private readonly mark: LoadMark;
  /**
   * Streaming only: the objects this loader put in the identity map for the current chunk,
   * released from it by {@link EntityLoader.releaseChunk} when the next chunk is loaded.
   */
  private readonly chunk: Stateful[] | undefined;

  /**
   * @param positions where each attribute of the mapper sits in the row (attribute order)
   * @param rowWidth the number of columns in each row
   * @param streaming keep track of the objects of each chunk (see `releaseChunk`)
   */
  constructor(
    private readonly session: Session,
    readonly mapper: Mapper,
    private readonly positions: readonly number[],
    rowWidth: number,
    private readonly populateExisting: boolean,
    streaming = false,
  ) {
    this.bucket = session.identityMap.bucket(mapper);
    this.Shell = shellOf(mapper.prototype);
    this.whole = rowWidth === positions.length && positions.every((p, i) => p === i);
    this.pkPositions = mapper.pk.map((i) => positions[i]!);
    this.firesLoaded = session.events.has('loadedAsPersistent');
    this.token = session._token;
    this.mark = new LoadMark(mapper, this.token);
    this.chunk = streaming ? [] : undefined;
  }

  /** True when the identity map holds this class's objects weakly (a big bucket). */
  get weak(): boolean {
    return this.bucket.weak;
  }

  /**
   * Streaming: takes the previous chunk's objects out of the identity map, unless they have
   * changes to flush (those stay, held by the session's dirty/deleted sets). They stay
   * attached to the session: a change to one puts it back in the identity map. Keeping a
   * stream's objects only for their chunk bounds its memory without a `WeakRef` per row.
   */
  releaseChunk(): void {
    const chunk = this.chunk;
    if (chunk === undefined || chunk.length === 0) return;
    const session = this.session;
    if (this.token === session._token) {
      const bucket = this.bucket;
      const deleted = session._deleted;
      const keyOf = this.mapper.identityKeyOf;
      for (let i = 0; i < chunk.length; i++) {
        const obj = chunk[i]!;
        const s = obj[STATE];
        if (!(s instanceof InstanceState)) {
          bucket.delete(keyOf(obj[VALUES]), obj);
          continue;
        }
        if (s.modified || s.deleted || s.session !== session || deleted.has(s)) continue;
        bucket.delete(s.key!, obj);
      }
    }
    chunk.length = 0;
  }

  /** The object for one row, or null when the row has no identity (outer join). */
  load(row: unknown[]): object | null {
    if (this.token !== this.session._token) this.invalidMap();
    const pk = this.pkPositions;
    let key;
    if (pk.length === 1) {
      const v = row[pk[0]!];
      if (v === null || v === undefined) return null;
      key = this.mapper.identityKeyOf(this.whole ? row : this.values(row));
    } else {
      for (const p of pk) if (row[p] === null || row[p] === undefined) return null;
      key = this.mapper.identityKeyOf(this.whole ? row : this.values(row));
    }
    const existing = this.bucket.get(key);
    if (existing !== undefined) {
      if (this.populateExisting) {
        const s = existing[STATE];
        if (s instanceof InstanceState) {
          s.load(this.whole ? row : this.values(row));
          this.session._dirty.delete(s);
        } else {
          existing[VALUES] = this.whole ? row : this.values(row);
        }
      } else if (existing[VALUES].includes(EXPIRED)) {
        loadExpiredValues(existing[VALUES], this.whole ? row : this.values(row));
      }
      return existing;
    }
    const obj = new this.Shell(this.whole ? row : this.values(row), this.mark);
    this.bucket.set(key, obj);
    if (this.chunk !== undefined) this.chunk.push(obj);
    if (this.firesLoaded)
      dispatchSync(this.session.events, 'loadedAsPersistent', this.session, obj);
    return obj;
  }

  private values(row: readonly unknown[]): unknown[] {
    const p = this.positions;
    const out = new Array<unknown>(p.length);
    for (let i = 0; i < p.length; i++) out[i] = row[p[i]!];
    return out;
  }

  private invalidMap(): never {
    throw new InvalidRequestError(
      `Object <${this.mapper.name}> cannot be converted to 'persistent' state, as this identity map is no longer valid.  Has the owning Session been closed?`,
      { code: 'lkrp' },
    );
  }
}
