import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { scopedSession } from '../../src/orm/scoping/index.js';
import { FakeFastify } from './fake-frameworks.js';
import { fakeSessionmaker, sleep } from './fake-session.js';
import { eventually, gate, listen, send, sendAndHangUp } from './http-helpers.js';
import type { Started } from './http-helpers.js';

let started: Started | undefined;
afterEach(async () => {
  await started?.close();
  started = undefined;
});

describe('Scoped.fastifyPlugin', () => {
  it('is marked skip-override so its hooks cover the whole application', () => {
    const Scoped = scopedSession(fakeSessionmaker());
    expect(Scoped.fastifyPlugin[Symbol.for('skip-override')]).toBe(true);
    expect(Scoped.fastifyPlugin[Symbol.for('fastify.display-name')]).toBe('athanor-scoped-session');
    const app = new FakeFastify(async () => undefined);
    app.register(Scoped.fastifyPlugin);
    expect([...app.hooks.keys()]).toEqual([
      'onRequest',
      'preValidation',
      'onResponse',
      'onRequestAbort',
    ]);
  });

  it('gives each request its own Session across body parsing, removed at onResponse', async () => {
    const maker = fakeSessionmaker();
    const Scoped = scopedSession(maker, { outsideScope: 'error' });
    const app = new FakeFastify(async (request) => {
      const mine = Scoped();
      Scoped.add(request.body);
      await sleep(Math.random() * 5);
      return { id: mine.id, same: Scoped() === mine, added: Scoped.new };
    });
    app.register(Scoped.fastifyPlugin);
    started = await listen(http.createServer(app.listener));
    const port = started.port;
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) => send(port, '/', { method: 'POST', body: { n: i } })),
    );
    const parsed = replies.map((r) => JSON.parse(r.body) as { id: number; same: boolean });
    expect(parsed.every((p) => p.same)).toBe(true);
    expect(new Set(parsed.map((p) => p.id)).size).toBe(40);
    await eventually(() => maker.made.length === 40 && maker.made.every((s) => s.closeCount === 1));
  });

  it('removes the Session when the handler throws', async () => {
    const maker = fakeSessionmaker();
    const Scoped = scopedSession(maker);
    const app = new FakeFastify(async () => {
      Scoped().add('doomed');
      throw new Error('handler failed');
    });
    app.register(Scoped.fastifyPlugin);
    started = await listen(http.createServer(app.listener));
    const reply = await send(started.port, '/');
    expect(reply.status).toBe(500);
    await eventually(() => maker.made.length === 1 && maker.made[0]!.closeCount === 1);
  });

  it('removes the Session at onRequestAbort when the client hangs up', async () => {
    const maker = fakeSessionmaker();
    const Scoped = scopedSession(maker);
    const arrived = gate();
    const release = gate();
    const app = new FakeFastify(async () => {
      Scoped();
      arrived.open();
      await release.promise;
      return { late: true };
    });
    const aborts: unknown[] = [];
    app.addHook('onRequestAbort', (request: unknown, done: () => void) => {
      aborts.push(request);
      done();
    });
    app.register(Scoped.fastifyPlugin);
    started = await listen(http.createServer(app.listener));
    await sendAndHangUp(started.port, '/', arrived.promise);
    await eventually(() => maker.made[0]?.closeCount === 1);
    expect(aborts).toHaveLength(1);
    release.open();
  });

  it('removes the Session when the client hangs up after its body was read', async () => {
    const maker = fakeSessionmaker();
    const Scoped = scopedSession(maker);
    const arrived = gate();
    const release = gate();
    const app = new FakeFastify(async () => {
      Scoped();
      arrived.open();
      await release.promise;
      return { late: true };
    });
    app.register(Scoped.fastifyPlugin);
    started = await listen(http.createServer(app.listener));
    await sendAndHangUp(started.port, '/', arrived.promise, { some: 'body' });
    await eventually(() => maker.made[0]?.closeCount === 1);
    release.open();
  });

  it('passes plugin options: onError receives a failure to close', async () => {
    const Scoped = scopedSession(fakeSessionmaker());
    const errors: unknown[] = [];
    const app = new FakeFastify(async () => {
      Scoped().failClose = new Error('close failed');
      return { ok: true };
    });
    app.register(Scoped.fastifyPlugin, { onError: (error: unknown) => errors.push(error) });
    started = await listen(http.createServer(app.listener));
    await send(started.port, '/');
    await eventually(() => errors.length === 1);
  });

  it('fastifyHooks() gives the same hooks to add by hand', async () => {
    const maker = fakeSessionmaker();
    const Scoped = scopedSession(maker, { outsideScope: 'error' });
    const app = new FakeFastify(async () => ({ id: Scoped().id }));
    for (const [name, hook] of Object.entries(Scoped.fastifyHooks())) app.addHook(name, hook);
    started = await listen(http.createServer(app.listener));
    const reply = await send(started.port, '/');
    expect(JSON.parse(reply.body)).toEqual({ id: maker.made[0]!.id });
    await eventually(() => maker.made[0]!.closeCount === 1);
  });
});
