/**
 * A small stand-in for the ORM's Session and sessionmaker, for testing the scoping registry
 * alone: it records calls and closes, and can be told to fail or to be slow on close.
 */

export interface FakeOptions {
  bind?: string;
  autoflush?: boolean;
  label?: string;
}

let counter = 0;

export class FakeSession {
  readonly id = ++counter;
  readonly calls: Array<[string, unknown[]]> = [];
  readonly info: Record<string, unknown> = {};
  readonly added: unknown[] = [];
  autoflush: boolean;
  closeCount = 0;
  failClose: Error | undefined = undefined;

  constructor(readonly options: FakeOptions) {
    this.autoflush = options.autoflush ?? true;
  }

  get new(): readonly unknown[] {
    return this.added;
  }

  get dirty(): readonly unknown[] {
    return [];
  }

  get isActive(): boolean {
    return this.closeCount === 0;
  }

  add(obj: unknown): void {
    this.calls.push(['add', [obj]]);
    this.added.push(obj);
  }

  addAll(objs: Iterable<unknown>): void {
    for (const obj of objs) this.add(obj);
  }

  async get(cls: string, id: number): Promise<string | undefined> {
    this.calls.push(['get', [cls, id]]);
    await Promise.resolve();
    return `${cls}#${id}@${this.id}`;
  }

  async commit(): Promise<void> {
    this.calls.push(['commit', []]);
    await Promise.resolve();
  }

  inTransaction(): boolean {
    return this.added.length > 0;
  }

  async close(): Promise<void> {
    this.closeCount++;
    await Promise.resolve();
    if (this.failClose) throw this.failClose;
  }
}

export interface FakeMaker {
  (options?: FakeOptions): FakeSession;
  configure(options: FakeOptions): void;
  readonly made: FakeSession[];
  kw: FakeOptions;
}

/** A sessionmaker look-alike: stored options, overridable per call, `configure()`. */
export function fakeSessionmaker(kw: FakeOptions = {}): FakeMaker {
  const made: FakeSession[] = [];
  const maker = ((options?: FakeOptions) => {
    const session = new FakeSession({ ...maker.kw, ...options });
    made.push(session);
    return session;
  }) as FakeMaker;
  maker.kw = { ...kw };
  maker.configure = (options) => {
    maker.kw = { ...maker.kw, ...options };
  };
  Object.defineProperty(maker, 'made', { value: made });
  return maker;
}

/** Resolves after `ms` milliseconds (a macrotask, so other scopes interleave). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
