import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { scopedSession } from '../../src/orm/scoping/index.js';
import type { FakeSession } from './fake-session.js';
import { fakeSessionmaker, sleep } from './fake-session.js';
import { eventually, gate, listen, send, sendAndHangUp } from './http-helpers.js';
import type { Started } from './http-helpers.js';

let started: Started | undefined;
afterEach(async () => {
  await started?.close();
  started = undefined;
});

describe('Scoped.handler() for node:http', () => {
  it('gives each request its own Session and removes it when the response ends', async () => {
    const maker = fakeSessionmaker();
    const Scoped = scopedSession(maker, { outsideScope: 'error' });
    started = await listen(
      http.createServer(
        Scoped.handler(async (req, res) => {
          const mine = Scoped();
          await sleep(Number(new URL(req.url!, 'http://x').searchParams.get('wait')));
          expect(Scoped()).toBe(mine);
          res.end(String(mine.id));
        }),
      ),
    );
    const port = started.port;
    const replies = await Promise.all(
      Array.from({ length: 60 }, (_, i) => send(port, `/?wait=${i % 5}`)),
    );
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect(new Set(replies.map((r) => r.body)).size).toBe(60);
    await eventually(() => maker.made.every((s) => s.closeCount === 1));
    expect(maker.made).toHaveLength(60);
  });

  it('removes the Session and answers 500 when the handler throws', async () => {
    const maker = fakeSessionmaker();
    const Scoped = scopedSession(maker);
    const errors: unknown[] = [];
    started = await listen(
      http.createServer(
        Scoped.handler(
          (req) => {
            Scoped().add('doomed');
            if (req.url === '/sync') throw new Error('sync failure');
            return Promise.reject(new Error('async failure'));
          },
          {
            onError: (error, _req, res) => {
              errors.push(error);
              res.statusCode = 500;
              res.end('failed');
            },
          },
        ),
      ),
    );
    const a = await send(started.port, '/sync');
    const b = await send(started.port, '/async');
    expect([a.status, b.status]).toEqual([500, 500]);
    expect(errors.map((e) => (e as Error).message)).toEqual(['sync failure', 'async failure']);
    await eventually(() => maker.made.length === 2 && maker.made.every((s) => s.closeCount === 1));
  });

  it('by default logs the error and answers 500, or cuts a started response short', async () => {
    const maker = fakeSessionmaker();
    const Scoped = scopedSession(maker);
    const logged: unknown[][] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => logged.push(args);
    try {
      started = await listen(
        http.createServer(
          Scoped.handler(async (req, res) => {
            Scoped();
            if (req.url === '/late') {
              res.writeHead(200);
              res.write('partial');
              await sleep(1);
            }
            throw new Error('handler failed');
          }),
        ),
      );
      const early = await send(started.port, '/early?token=secret');
      expect(early).toEqual({ status: 500, body: 'Internal Server Error' });
      await expect(send(started.port, '/late')).rejects.toThrow(); // the response was cut short
      await eventually(
        () => maker.made.length === 2 && maker.made.every((s) => s.closeCount === 1),
      );
      expect(String(logged[0]?.[0])).toBe('Error while serving GET /early:');
      expect(JSON.stringify(logged)).not.toContain('secret');
    } finally {
      console.error = original;
    }
  });

  it('removes the Session of a client that hung up, once the handler has finished', async () => {
    const maker = fakeSessionmaker();
    const Scoped = scopedSession(maker);
    const arrived = gate();
    const release = gate();
    const responseClosed = gate();
    let handlerDone = false;
    started = await listen(
      http.createServer(
        Scoped.handler(async (_req, res) => {
          const mine = Scoped();
          res.on('close', () => responseClosed.open());
          arrived.open();
          await release.promise; // e.g. a slow query still running after the hang-up
          expect(Scoped()).toBe(mine); // the handler keeps its Session until it finishes
          res.end('too late');
          handlerDone = true;
        }),
      ),
    );
    await sendAndHangUp(started.port, '/', arrived.promise);
    await responseClosed.promise;
    await sleep(10);
    const session = maker.made[0]!;
    expect(session.closeCount).toBe(0); // not closed under the running handler
    release.open();
    await eventually(() => handlerDone && session.closeCount === 1);
  });

  it('keeps the scope in request listeners added by the handler (callback-style body reading)', async () => {
    const maker = fakeSessionmaker();
    const Scoped = scopedSession(maker, { outsideScope: 'error' });
    started = await listen(
      http.createServer(
        Scoped.handler((req, res) => {
          const mine = Scoped();
          let body = '';
          req.on('data', (chunk: Buffer) => {
            expect(Scoped()).toBe(mine);
            body += chunk.toString();
          });
          req.once('end', () => {
            res.end(JSON.stringify({ same: Scoped() === mine, body }));
          });
        }),
      ),
    );
    const reply = await send(started.port, '/', { method: 'POST', body: { hello: 'world' } });
    expect(JSON.parse(reply.body)).toEqual({ same: true, body: '{"hello":"world"}' });
    await eventually(() => maker.made.length === 1 && maker.made[0]!.closeCount === 1);
  });

  it('lets listeners be removed by the function that was added', async () => {
    const Scoped = scopedSession(fakeSessionmaker());
    started = await listen(
      http.createServer(
        Scoped.handler((req, res) => {
          const before = `${req.listenerCount('data')},${req.listenerCount('end')}`;
          const onData = () => undefined;
          req.on('data', onData);
          req.once('end', onData);
          req.removeListener('data', onData);
          req.removeListener('end', onData);
          res.end(`${before} ${req.listenerCount('data')},${req.listenerCount('end')}`);
        }),
      ),
    );
    const reply = await send(started.port, '/');
    const [before, after] = reply.body.split(' ');
    expect(after).toBe(before);
  });

  it('with a scopefunc, removes the Session of the key current when the request began', async () => {
    let tenant = 'acme';
    const maker = fakeSessionmaker();
    const Scoped = scopedSession(maker, { scopefunc: () => tenant });
    const seen: FakeSession[] = [];
    started = await listen(
      http.createServer(
        Scoped.handler((_req, res) => {
          seen.push(Scoped());
          res.end('ok');
        }),
      ),
    );
    await send(started.port, '/');
    await eventually(() => seen[0]?.closeCount === 1);
    tenant = 'globex';
    expect(Scoped.registry.has()).toBe(false);
  });

  it('reports a failure to close the Session through onError', async () => {
    const Scoped = scopedSession(fakeSessionmaker());
    const errors: unknown[] = [];
    started = await listen(
      http.createServer(
        Scoped.handler(
          (_req, res) => {
            Scoped().failClose = new Error('rollback failed');
            res.end('ok');
          },
          { onError: (error) => errors.push(error) },
        ),
      ),
    );
    expect((await send(started.port, '/')).status).toBe(200);
    await eventually(() => errors.length === 1);
    expect((errors[0] as Error).message).toBe('rollback failed');
  });
});
