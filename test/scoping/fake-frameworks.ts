/**
 * Minimal stand-ins for the web frameworks the request helpers serve, built on node:http so
 * that Athanor needs none of them: a Connect-style middleware runner with a callback body
 * parser, and Fastify's request lifecycle as far as the plugin's hooks see it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyPluginLike } from '../../src/orm/scoping/index.js';

export type Req = IncomingMessage & { body?: unknown };
export type Next = (error?: unknown) => void;
export type Middleware = (req: Req, res: ServerResponse, next: Next) => unknown;

/**
 * A minimal Connect: runs the stack in order, sends errors (thrown, rejected or passed to
 * next) to the error handler, as Connect and Express 5 do.
 */
export function connect(
  stack: Middleware[],
  onError: (error: unknown, res: ServerResponse) => void,
) {
  return (req: Req, res: ServerResponse) => {
    let index = 0;
    const next: Next = (error) => {
      if (error !== undefined) return onError(error, res);
      const layer = stack[index++];
      if (layer === undefined) {
        res.statusCode = 404;
        res.end();
        return;
      }
      try {
        const result = layer(req, res, next);
        if (result instanceof Promise) result.catch(next);
      } catch (thrown) {
        next(thrown);
      }
    };
    next();
  };
}

/** A body parser written the way raw-body is: stream callbacks, then next(). */
export const jsonBody: Middleware = (req, _res, next) => {
  let text = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (text += chunk));
  req.on('end', () => {
    req.body = text ? JSON.parse(text) : undefined;
    next();
  });
};

export const sendError = (error: unknown, res: ServerResponse) => {
  res.statusCode = 500;
  res.end((error as Error).message);
};

type Hook = (...args: any[]) => unknown;

export interface FakeRequest {
  raw: IncomingMessage;
  body?: unknown;
}
export interface FakeReply {
  raw: ServerResponse;
  sent: boolean;
  send(payload: unknown): void;
}

/**
 * A stand-in for Fastify's request lifecycle as far as the plugin sees it: onRequest hooks
 * (callback style), body parsing from the raw stream's events, preValidation hooks, the async
 * handler, then onResponse when the response finished, or onRequestAbort when the client
 * went away first. Errors go to a 500 reply, as Fastify's default error handler does.
 */
export class FakeFastify {
  readonly hooks = new Map<string, Hook[]>();
  readonly registered: FastifyPluginLike[] = [];

  constructor(readonly handler: (request: FakeRequest, reply: FakeReply) => Promise<unknown>) {}

  addHook(name: string, hook: Hook): this {
    this.hooks.set(name, [...(this.hooks.get(name) ?? []), hook]);
    return this;
  }

  register(plugin: FastifyPluginLike, options: unknown = {}): void {
    this.registered.push(plugin);
    plugin(this, options, (error) => {
      if (error) throw error;
    });
  }

  private runHooks(name: string, args: unknown[], then: () => void): void {
    const hooks = this.hooks.get(name) ?? [];
    const step = (index: number): void => {
      const hook = hooks[index];
      if (hook === undefined) return then();
      hook(...args, () => step(index + 1));
    };
    step(0);
  }

  listener = (raw: IncomingMessage, res: ServerResponse): void => {
    const request: FakeRequest = { raw };
    const reply: FakeReply = {
      raw: res,
      sent: false,
      send(payload) {
        reply.sent = true;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(payload));
      },
    };
    // Fastify's test for an abort: the raw request closed while unread or incomplete.
    raw.on('close', () => {
      if (raw.aborted) this.runHooks('onRequestAbort', [request], () => {});
    });
    res.on('finish', () => this.runHooks('onResponse', [request, reply], () => {}));
    const handle = () =>
      this.runHooks('preValidation', [request, reply], () => {
        this.handler(request, reply).then(
          (payload) => {
            if (!reply.sent && payload !== undefined) reply.send(payload);
          },
          (error: Error) => {
            res.statusCode = 500;
            reply.send({ error: error.message });
          },
        );
      });
    this.runHooks('onRequest', [request, reply], () => {
      // Like Fastify, parse a body only when the request announces one.
      if (raw.headers['content-length'] === undefined && !raw.headers['transfer-encoding']) {
        return handle();
      }
      let text = '';
      raw.setEncoding('utf8');
      raw.on('data', (chunk: string) => (text += chunk));
      raw.on('end', () => {
        request.body = text ? JSON.parse(text) : undefined;
        handle();
      });
    });
  };
}
