/**
 * The HTTP service: users CRUD as JSON on Node's own `http` module. `Scoped.handler()` gives
 * every request its own scope; the handler commits when the request succeeded, and the
 * request's Session is removed (rolled back if uncommitted, connection returned) when the
 * response ends, whatever happened.
 *
 *   GET    /users             list
 *   GET    /users/:id         one user with its audit trail
 *   POST   /users             create   {name, email, age?}
 *   PATCH  /users/:id         update   {name?, email?, age?}
 *   DELETE /users/:id         delete
 */
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { IntegrityError } from '../../src/index.js'; // in an application: from 'athanor'
import { Scoped } from './db.js';
import type { User } from './db.js';
import { audit, users } from './repositories.js';
import type { UserInput } from './repositories.js';

/** An error that becomes an HTTP status and a JSON message. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Creates the server (not listening yet). */
export function createServer(): http.Server {
  return http.createServer(Scoped.handler(route, { onError: sendError }));
}

async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const [collection, idText, extra] = url.pathname.split('/').filter(Boolean);
  if (collection !== 'users' || extra !== undefined) throw new HttpError(404, 'not found');
  const id = idText === undefined ? undefined : parseId(idText);

  switch (`${req.method} ${id === undefined ? 'collection' : 'item'}`) {
    case 'GET collection':
      return send(res, 200, (await users.list()).map(view));
    case 'POST collection': {
      const user = users.create(validate(await readJson(req), true));
      await Scoped.flush(); // assigns user.id, which the audit entry needs
      audit.record(user.id, 'created');
      await Scoped.commit(); // the user and its audit entry, in one transaction
      return send(res, 201, view(user));
    }
    case 'GET item': {
      const user = await found(id!);
      return send(res, 200, {
        ...view(user),
        audit: (await audit.forUser(user.id)).map((a) => a.action),
      });
    }
    case 'PATCH item': {
      const user = users.update(await found(id!), validate(await readJson(req), false));
      audit.record(user.id, 'updated');
      await Scoped.commit();
      return send(res, 200, view(user));
    }
    case 'DELETE item': {
      const user = await found(id!);
      await users.remove(user);
      audit.record(user.id, 'deleted');
      await Scoped.commit();
      res.statusCode = 204;
      res.end();
      return;
    }
    default:
      throw new HttpError(405, 'method not allowed');
  }
}

async function found(id: number): Promise<User> {
  const user = await users.byId(id);
  if (user === null) throw new HttpError(404, `no user ${id}`);
  return user;
}

function view(user: User) {
  return { id: user.id, name: user.name, email: user.email, age: user.age };
}

function parseId(text: string): number {
  const id = Number(text);
  if (!Number.isSafeInteger(id) || id <= 0) throw new HttpError(404, 'not found');
  return id;
}

function validate(
  input: UserInput,
  creating: true,
): { name: string; email: string; age: number | null };
function validate(
  input: UserInput,
  creating: false,
): Partial<{ name: string; email: string; age: number | null }>;
function validate(input: UserInput, creating: boolean) {
  const out: Partial<{ name: string; email: string; age: number | null }> = {};
  if (input.name !== undefined || creating) {
    if (typeof input.name !== 'string' || input.name.trim() === '') {
      throw new HttpError(400, 'name must be a non-empty string');
    }
    out.name = input.name;
  }
  if (input.email !== undefined || creating) {
    if (typeof input.email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(input.email)) {
      throw new HttpError(400, 'email must look like an e-mail address');
    }
    out.email = input.email;
  }
  if (input.age !== undefined) {
    if (input.age !== null && (!Number.isInteger(input.age) || (input.age as number) < 0)) {
      throw new HttpError(400, 'age must be a whole number >= 0, or null');
    }
    out.age = input.age as number | null;
  } else if (creating) {
    out.age = null;
  }
  return out;
}

async function readJson(req: IncomingMessage): Promise<UserInput> {
  let text = '';
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 100_000) throw new HttpError(413, 'body too large');
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
  } catch {
    // fall through
  }
  throw new HttpError(400, 'the body must be a JSON object');
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(body));
}

function sendError(error: unknown, _req: IncomingMessage, res: ServerResponse): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof HttpError) return send(res, error.status, { error: error.message });
  if (error instanceof IntegrityError) {
    return send(res, 409, { error: 'a user with this e-mail address already exists' });
  }
  console.error(error);
  send(res, 500, { error: 'internal error' });
}
