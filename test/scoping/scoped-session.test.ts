import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { ArgumentError, InvalidRequestError } from '../../src/errors.js';
import { scopedSession } from '../../src/orm/scoping/index.js';
import { FakeSession, fakeSessionmaker, sleep } from './fake-session.js';
import type { FakeOptions } from './fake-session.js';

const warnings: string[] = [];
const onWarning = (w: Error) => {
  if (w.name === 'AthanorWarning') warnings.push(w.message);
};
process.on('warning', onWarning);
afterEach(() => {
  warnings.length = 0;
});

/** Node delivers process warnings on the next tick. */
async function emittedWarnings(): Promise<string[]> {
  await new Promise((resolve) => setImmediate(resolve));
  return [...warnings];
}

describe('scopedSession registry semantics (SQLAlchemy scoped_session)', () => {
  it('returns the same Session for every call in a scope, created on first use', () => {
    const maker = fakeSessionmaker();
    const Scoped = scopedSession(maker);
    expect(maker.made).toHaveLength(0);
    const a = Scoped();
    const b = Scoped();
    expect(a).toBeInstanceOf(FakeSession);
    expect(b).toBe(a);
    expect(maker.made).toHaveLength(1);
    expect(Scoped.sessionFactory).toBe(maker);
  });

  it('remove() closes the Session and forgets it, so the next call creates a new one', async () => {
    const Scoped = scopedSession(fakeSessionmaker());
    const first = Scoped();
    await Scoped.remove();
    expect(first.closeCount).toBe(1);
    expect(Scoped.registry.has()).toBe(false);
    const second = Scoped();
    expect(second).not.toBe(first);
    expect(second.closeCount).toBe(0);
  });

  it('remove() is a no-op when the scope has no Session', async () => {
    const maker = fakeSessionmaker();
    const Scoped = scopedSession(maker);
    await Scoped.remove();
    expect(maker.made).toHaveLength(0);
  });

  it('remove() forgets the Session even when closing it fails, and reports the failure', async () => {
    const Scoped = scopedSession(fakeSessionmaker());
    const broken = Scoped();
    broken.failClose = new Error('connection lost');
    await expect(Scoped.remove()).rejects.toThrow('connection lost');
    expect(Scoped.registry.has()).toBe(false);
    expect(Scoped()).not.toBe(broken);
    await Scoped.remove();
  });

  it('creates the Session with call options when none exists yet', async () => {
    const Scoped = scopedSession(fakeSessionmaker({ bind: 'engine-a' }));
    const session = Scoped({ autoflush: false });
    expect(session.options).toEqual({ bind: 'engine-a', autoflush: false });
    expect(Scoped()).toBe(session);
    await Scoped.remove();
  });

  it('calling with options while a Session exists raises InvalidRequestError', async () => {
    const Scoped = scopedSession(fakeSessionmaker());
    Scoped();
    expect(() => Scoped({ bind: 'x' })).toThrow(InvalidRequestError);
    expect(() => Scoped({ bind: 'x' })).toThrow(
      'Scoped session is already present; no new arguments may be specified.',
    );
    // An empty options object is no options, as an empty **kw is in Python.
    expect(Scoped({})).toBe(Scoped());
    await Scoped.remove();
  });

  it('configure() forwards to the factory and warns when a Session already exists', async () => {
    const maker = fakeSessionmaker();
    const Scoped = scopedSession(maker);
    Scoped.configure({ bind: 'engine-1' });
    expect(await emittedWarnings()).toEqual([]);
    expect(Scoped().options.bind).toBe('engine-1');
    Scoped.configure({ bind: 'engine-2' });
    expect(await emittedWarnings()).toEqual([
      'At least one scoped session is already present.  configure() can not affect sessions that have already been created.',
    ]);
    expect(maker.kw.bind).toBe('engine-2');
    expect(Scoped().options.bind).toBe('engine-1');
    await Scoped.remove();
    expect(Scoped().options.bind).toBe('engine-2');
    await Scoped.remove();
  });

  it('configure() on a factory without configure() names the fix', () => {
    const Scoped = scopedSession(
      (options?: { x?: number }) => new FakeSession({ label: String(options?.x) }),
    );
    expect(() => Scoped.configure({ x: 1 })).toThrow(/has no configure\(\); use sessionmaker\(\)/);
  });

  it('registry.has/set/clear behave as ScopedRegistry', async () => {
    const Scoped = scopedSession(fakeSessionmaker());
    expect(Scoped.registry.has()).toBe(false);
    const mine = new FakeSession({ label: 'mine' });
    Scoped.registry.set(mine);
    expect(Scoped.registry.has()).toBe(true);
    expect(Scoped()).toBe(mine);
    expect(Scoped.registry.get()).toBe(mine);
    Scoped.registry.clear();
    expect(Scoped.registry.has()).toBe(false);
    expect(mine.closeCount).toBe(0); // clear() forgets without closing
  });

  it('rejects a non-function factory and outsideScope together with scopefunc', () => {
    expect(() => scopedSession(undefined as never)).toThrow(ArgumentError);
    expect(() =>
      scopedSession(fakeSessionmaker(), { scopefunc: () => 1, outsideScope: 'error' }),
    ).toThrow(ArgumentError);
    expect(() => scopedSession(fakeSessionmaker(), { outsideScope: 'nope' as never })).toThrow(
      /outsideScope must be 'global' or 'error'/,
    );
  });
});

describe('a custom scopefunc', () => {
  it('keeps one Session per key, with call options per key (SQLAlchemy test_call_with_kwargs)', async () => {
    let key = 0;
    const Scoped = scopedSession(fakeSessionmaker(), { scopefunc: () => key });
    const s0 = Scoped();
    expect(s0.autoflush).toBe(true);
    expect(() => Scoped({ autoflush: false })).toThrow(
      'Scoped session is already present; no new arguments may be specified.',
    );
    key = 1;
    const s1 = Scoped({ autoflush: false });
    expect(s1.autoflush).toBe(false);
    expect(s1).not.toBe(s0);
    key = 0;
    expect(Scoped()).toBe(s0);
    await Scoped.remove();
    expect(s0.closeCount).toBe(1);
    key = 1;
    expect(Scoped()).toBe(s1); // kept until its own remove()
    await Scoped.remove();
  });

  it('accepts any key, such as an object, and keeps sessions until remove()', async () => {
    const tenantA = { tenant: 'a' };
    const tenantB = { tenant: 'b' };
    let current = tenantA;
    const Scoped = scopedSession(fakeSessionmaker(), { scopefunc: () => current });
    const a = Scoped();
    current = tenantB;
    const b = Scoped();
    expect(a).not.toBe(b);
    current = tenantA;
    expect(Scoped()).toBe(a);
    await Scoped.remove();
    current = tenantB;
    await Scoped.remove();
    expect([a.closeCount, b.closeCount]).toEqual([1, 1]);
  });

  it('run() removes the Session of the key that was current when it started', async () => {
    let key = 'job-1';
    const Scoped = scopedSession(fakeSessionmaker(), { scopefunc: () => key });
    let inside: FakeSession | undefined;
    await Scoped.run(async () => {
      inside = Scoped();
      await sleep(1);
    });
    expect(inside!.closeCount).toBe(1);
    expect(Scoped.registry.has()).toBe(false);
    key = 'job-2';
    expect(Scoped()).not.toBe(inside);
    await Scoped.remove();
  });
});

describe('the default async-context scope', () => {
  it('run() gives a fresh scope whose Session is closed at the end', async () => {
    const Scoped = scopedSession(fakeSessionmaker());
    const outside = Scoped();
    let inside: FakeSession | undefined;
    const result = await Scoped.run(async () => {
      inside = Scoped();
      await sleep(1);
      expect(Scoped()).toBe(inside);
      return 42;
    });
    expect(result).toBe(42);
    expect(inside).not.toBe(outside);
    expect(inside!.closeCount).toBe(1);
    expect(Scoped()).toBe(outside);
    expect(outside.closeCount).toBe(0);
    await Scoped.remove();
  });

  it('run() closes the Session when the callback throws, and rethrows', async () => {
    const Scoped = scopedSession(fakeSessionmaker());
    let inside: FakeSession | undefined;
    await expect(
      Scoped.run(async () => {
        inside = Scoped();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(inside!.closeCount).toBe(1);
  });

  it('run() with a synchronous callback works and closes', async () => {
    const Scoped = scopedSession(fakeSessionmaker());
    let inside: FakeSession | undefined;
    const value = await Scoped.run(() => {
      inside = Scoped();
      return 'sync';
    });
    expect(value).toBe('sync');
    expect(inside!.closeCount).toBe(1);
  });

  it('run() keeps the callback error when closing also fails, and warns about the close', async () => {
    const Scoped = scopedSession(fakeSessionmaker());
    await expect(
      Scoped.run(async () => {
        Scoped().failClose = new Error('close failed');
        throw new Error('work failed');
      }),
    ).rejects.toThrow('work failed');
    expect((await emittedWarnings()).join('\n')).toMatch(/close failed/);
  });

  it('run() rejects with the close error when only closing fails', async () => {
    const Scoped = scopedSession(fakeSessionmaker());
    await expect(
      Scoped.run(async () => {
        Scoped().failClose = new Error('close failed');
      }),
    ).rejects.toThrow('close failed');
  });

  it('run() never creates a Session it does not need', async () => {
    const maker = fakeSessionmaker();
    const Scoped = scopedSession(maker);
    await Scoped.run(async () => undefined);
    expect(maker.made).toHaveLength(0);
  });

  it('remove() inside run() starts a new Session in the same scope', async () => {
    const Scoped = scopedSession(fakeSessionmaker());
    await Scoped.run(async () => {
      const first = Scoped();
      await Scoped.remove();
      const second = Scoped();
      expect(second).not.toBe(first);
      expect(first.closeCount).toBe(1);
    });
  });

  it('nested run() scopes have their own Sessions and restore the outer one', async () => {
    const Scoped = scopedSession(fakeSessionmaker());
    await Scoped.run(async () => {
      const outer = Scoped();
      let inner: FakeSession | undefined;
      await Scoped.run(async () => {
        inner = Scoped();
        expect(inner).not.toBe(outer);
      });
      expect(inner!.closeCount).toBe(1);
      expect(Scoped()).toBe(outer);
      expect(outer.closeCount).toBe(0);
    });
  });

  it('many concurrent run() scopes never see each other’s Session', async () => {
    const maker = fakeSessionmaker();
    const Scoped = scopedSession(maker);
    const seen = new Set<FakeSession>();
    await Promise.all(
      Array.from({ length: 500 }, (_, i) =>
        Scoped.run(async () => {
          const mine = Scoped();
          Scoped.add(`obj-${i}`);
          await sleep(i % 7);
          expect(Scoped()).toBe(mine);
          expect(await Scoped.get('User', i)).toBe(`User#${i}@${mine.id}`);
          await sleep(i % 3);
          expect(Scoped.new).toEqual([`obj-${i}`]);
          seen.add(mine);
        }),
      ),
    );
    expect(seen.size).toBe(500);
    expect(maker.made.every((s) => s.closeCount === 1)).toBe(true);
  });

  it('the scope survives timers, microtasks and callbacks started inside it', async () => {
    const Scoped = scopedSession(fakeSessionmaker());
    await Scoped.run(async () => {
      const mine = Scoped();
      const fromTimer = await new Promise((resolve) => setTimeout(() => resolve(Scoped()), 1));
      const fromImmediate = await new Promise((resolve) => setImmediate(() => resolve(Scoped())));
      const fromTick = await new Promise((resolve) => process.nextTick(() => resolve(Scoped())));
      expect([fromTimer, fromImmediate, fromTick]).toEqual([mine, mine, mine]);
    });
  });

  it('work left running after run() returned cannot create a Session in the ended scope', async () => {
    const Scoped = scopedSession(fakeSessionmaker());
    let late: Promise<unknown> | undefined;
    await Scoped.run(async () => {
      late = sleep(5).then(() => Scoped());
    });
    await expect(late).rejects.toThrow(InvalidRequestError);
    await expect(late).rejects.toThrow(/scope has ended.*Scoped\.run/s);
  });

  it("outsideScope: 'error' refuses use outside any scope and names the fix", async () => {
    const maker = fakeSessionmaker();
    const Scoped = scopedSession(maker, { outsideScope: 'error' });
    expect(() => Scoped()).toThrow(InvalidRequestError);
    expect(() => Scoped()).toThrow(/outside any scope.*Scoped\.run/s);
    expect(() => Scoped.add('x')).toThrow(/outsideScope: 'global'/);
    expect(() => Scoped.registry.set(new FakeSession({}))).toThrow(InvalidRequestError);
    expect(Scoped.registry.has()).toBe(false);
    Scoped.registry.clear();
    await Scoped.remove();
    expect(maker.made).toHaveLength(0);
    const inside = await Scoped.run(async () => Scoped());
    expect(inside.closeCount).toBe(1);
  });

  it("outsideScope: 'global' (the default) shares one process-wide Session outside scopes", async () => {
    const Scoped = scopedSession(fakeSessionmaker());
    const a = Scoped();
    const b = await new Promise((resolve) => setTimeout(() => resolve(Scoped()), 1));
    expect(b).toBe(a);
    await Scoped.remove();
  });

  it('two registries keep separate scopes', async () => {
    const A = scopedSession(fakeSessionmaker({ label: 'a' }));
    const B = scopedSession(fakeSessionmaker({ label: 'b' }));
    const globalB = B();
    await A.run(async () => {
      expect(A().options.label).toBe('a');
      expect(B()).toBe(globalB); // A's scope is not B's scope
    });
    await B.remove();
  });
});

describe('proxies', () => {
  it('forward methods to the current Session with their arguments', async () => {
    const Scoped = scopedSession(fakeSessionmaker());
    await Scoped.run(async () => {
      Scoped.add('a');
      Scoped.addAll(['b', 'c']);
      expect(Scoped.inTransaction()).toBe(true);
      expect(await Scoped.get('User', 7)).toBe(`User#7@${Scoped().id}`);
      await Scoped.commit();
      expect(Scoped().calls.map(([name]) => name)).toEqual(['add', 'add', 'add', 'get', 'commit']);
    });
  });

  it('forward attributes as getters, and setters where the Session allows', async () => {
    const Scoped = scopedSession(fakeSessionmaker());
    await Scoped.run(async () => {
      Scoped.add('x');
      expect(Scoped.new).toEqual(['x']);
      expect(Scoped.dirty).toEqual([]);
      expect(Scoped.isActive).toBe(true);
      Scoped.info.requestId = 'r1';
      expect(Scoped().info).toEqual({ requestId: 'r1' });
      Scoped.autoflush = false;
      expect(Scoped().autoflush).toBe(false);
    });
  });

  it('look the Session up on every access, so one proxy serves every scope', async () => {
    const Scoped = scopedSession(fakeSessionmaker());
    const { add } = Scoped; // detached: still forwards to the current scope
    const sessions = await Promise.all(
      [1, 2].map((n) =>
        Scoped.run(async () => {
          add(`n${n}`);
          await sleep(1);
          return [...Scoped.new];
        }),
      ),
    );
    expect(sessions).toEqual([['n1'], ['n2']]);
  });

  it('a method the Session lacks is an InvalidRequestError naming it', () => {
    const Scoped = scopedSession(fakeSessionmaker());
    expect(() => (Scoped as unknown as { flush(): void }).flush()).toThrow(
      "The scoped session's Session has no method flush()",
    );
  });

  it('keep the function’s own bind(), call() and apply()', () => {
    const Scoped = scopedSession(fakeSessionmaker());
    expect(typeof Scoped.bind).toBe('function');
    expect(Scoped.call(undefined)).toBe(Scoped());
  });

  it('are typed from the Session type', () => {
    const Scoped = scopedSession(fakeSessionmaker());
    expectTypeOf(Scoped.add).toEqualTypeOf<FakeSession['add']>();
    expectTypeOf(Scoped.get).toEqualTypeOf<FakeSession['get']>();
    expectTypeOf(Scoped.new).toEqualTypeOf<readonly unknown[]>();
    expectTypeOf(Scoped()).toEqualTypeOf<FakeSession>();
    expectTypeOf(Scoped.run(async () => 1)).toEqualTypeOf<Promise<number>>();
    expectTypeOf(Scoped).parameter(0).toEqualTypeOf<FakeOptions | undefined>();
    const typeErrorsOnly = () => {
      // @ts-expect-error: the fake Session has no flush(), so the proxy has none either
      void Scoped.flush;
      // @ts-expect-error: `new` is a getter-only attribute of the Session
      Scoped.new = [];
    };
    expect(typeof typeErrorsOnly).toBe('function');
  });
});
