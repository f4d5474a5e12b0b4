/**
 * Small HTTP utilities for the request-lifecycle tests: a server on a random local port and
 * a client that can send a body, or hang up halfway through.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Started {
  readonly server: http.Server;
  readonly port: number;
  close(): Promise<void>;
}

/** Starts `server` on 127.0.0.1 with a random port. */
export async function listen(server: http.Server): Promise<Started> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export interface Reply {
  readonly status: number;
  readonly body: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });

/** Sends one request and reads the whole reply. */
export function send(
  port: number,
  path: string,
  options: { method?: string; body?: unknown } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        agent,
        headers: payload ? { 'content-type': 'application/json' } : {},
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * Sends a request and destroys the socket once the server has it (`hangUp` resolves),
 * so the server sees a client that went away mid-request.
 */
export function sendAndHangUp(
  port: number,
  path: string,
  hangUp: Promise<void>,
  body?: unknown,
): Promise<void> {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({
      host: '127.0.0.1',
      port,
      path,
      method: payload === undefined ? 'GET' : 'POST',
      headers: payload === undefined ? {} : { 'content-type': 'application/json' },
    });
    req.on('error', () => resolve()); // the aborted request errors on the client side: expected
    req.on('close', () => resolve());
    req.end(payload);
    void hangUp.then(() => req.destroy());
  });
}

/** A promise with its resolve function, to hold a handler at a point of the test's choosing. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/** Waits until `check` holds, polling; fails after `ms`. */
export async function eventually(check: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
