import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { scopedSession } from '../../src/orm/scoping/index.js';
import { connect, jsonBody, sendError } from './fake-frameworks.js';
import type { Middleware } from './fake-frameworks.js';
import { fakeSessionmaker, sleep } from './fake-session.js';
import { eventually, gate, listen, send, sendAndHangUp } from './http-helpers.js';
import type { Started } from './http-helpers.js';

let started: Started | undefined;
afterEach(async () => {
  await started?.close();
  started = undefined;
});

describe('Scoped.middleware() (Connect/Express style)', () => {
  it('gives routes after a callback-style body parser the request’s own Session', async () => {
    const maker = fakeSessionmaker();
    const Scoped = scopedSession(maker, { outsideScope: 'error' });
    const route: Middleware = async (req, res) => {
      const mine = Scoped();
      Scoped.add(req.body);
      await sleep(Math.random() * 5);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ id: mine.id, added: Scoped.new }));
    };
    started = await listen(
      http.createServer(connect([Scoped.middleware(), jsonBody, route], sendError)),
    );
    const port = started.port;
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) => send(port, '/', { method: 'POST', body: { n: i } })),
    );
    const parsed = replies.map((r) => JSON.parse(r.body) as { id: number; added: unknown[] });
    expect(parsed.map((p) => p.added)).toEqual(Array.from({ length: 40 }, (_, i) => [{ n: i }]));
    expect(new Set(parsed.map((p) => p.id)).size).toBe(40);
    await eventually(() => maker.made.length === 40 && maker.made.every((s) => s.closeCount === 1));
  });

  it('removes the Session when a route fails', async () => {
    const maker = fakeSessionmaker();
    const Scoped = scopedSession(maker);
    const route: Middleware = async () => {
      Scoped().add('doomed');
      throw new Error('route failed');
    };
    started = await listen(http.createServer(connect([Scoped.middleware(), route], sendError)));
    expect(await send(started.port, '/')).toEqual({ status: 500, body: 'route failed' });
    await eventually(() => maker.made.length === 1 && maker.made[0]!.closeCount === 1);
  });

  it('removes the Session when the client hangs up mid-request', async () => {
    const maker = fakeSessionmaker();
    const Scoped = scopedSession(maker);
    const arrived = gate();
    const release = gate();
    const route: Middleware = async (_req, res) => {
      Scoped();
      arrived.open();
      await release.promise;
      res.end('nobody listens');
    };
    started = await listen(http.createServer(connect([Scoped.middleware(), route], sendError)));
    await sendAndHangUp(started.port, '/', arrived.promise);
    await eventually(() => maker.made[0]?.closeCount === 1);
    release.open();
  });

  it('reports a failure to close through onError', async () => {
    const Scoped = scopedSession(fakeSessionmaker());
    const errors: unknown[] = [];
    const route: Middleware = (_req, res) => {
      Scoped().failClose = new Error('close failed');
      res.end('ok');
    };
    const mw = Scoped.middleware({ onError: (error) => errors.push(error) });
    started = await listen(http.createServer(connect([mw, route], sendError)));
    await send(started.port, '/');
    await eventually(() => errors.length === 1);
  });
});
