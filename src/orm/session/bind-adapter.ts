/**
 * Adapts the engine's `Engine` and `Connection` to the small interfaces the session uses
 * (`bind.ts`), and resolves a session's bind (SQLAlchemy's `get_bind`, single-bind form).
 */
import { ArgumentError, UnboundExecutionError } from '../../errors.js';
import type { Connection } from '../../engine/connection.js';
import type { Engine } from '../../engine/engine.js';
import type { Result } from '../../engine/result.js';
import type { Executable } from '../../sql/executable.js';
import type { ConnectionLike, EngineLike, ResultLike, TransactionLike } from './bind.js';

/** What a session may be bound to. */
export type Bind = Engine | Connection;

type Params = Record<string, unknown>;

function toResultLike(result: Result<any, any>): ResultLike {
  return {
    rows: result.returnsRows ? result.tuples().all() : [],
    rowCount: result.rowCount,
    lastInsertId: result.lastInsertId,
  };
}

class ConnectionAdapter implements ConnectionLike {
  constructor(readonly conn: Connection) {}

  get dialect() {
    return this.conn.engine.dialect.sql;
  }

  get publicConnection(): unknown {
    return this.conn;
  }

  get engineKey(): object {
    return this.conn.engine;
  }

  execute(stmt: Executable, params?: Params | readonly Params[]) {
    return this.conn.execute(stmt, params as never);
  }

  async run(stmt: Executable, params?: Params | readonly Params[]): Promise<ResultLike> {
    return toResultLike(await this.conn.execute(stmt, params as never));
  }

  runPositional(stmt: Executable, values: readonly unknown[]): Promise<ResultLike> {
    const outcome = this.conn._positionalOutcome(stmt, values);
    return outcome instanceof Promise ? outcome : Promise.resolve(outcome);
  }

  queryPositional(
    stmt: Executable,
    values: readonly unknown[],
    atMostOne = false,
  ): unknown[][] | Promise<unknown[][]> {
    return this.conn._positionalRows(stmt, values, atMostOne);
  }

  async runPositionalMany(
    stmt: Executable,
    valueSets: readonly (readonly unknown[])[],
  ): Promise<ResultLike> {
    return toResultLike(await this.conn.executePositionalMany(stmt, valueSets));
  }

  bindNames(stmt: Executable): readonly (string | undefined)[] {
    const names = stmt.compile(this.conn.engine.dialect.sql).bindNames;
    if (names === undefined) {
      throw new ArgumentError('This statement does not take positional parameters');
    }
    return names;
  }

  async *stream(
    stmt: Executable,
    params: Params | undefined,
    chunkSize: number,
  ): AsyncIterable<unknown[][]> {
    const result = await this.conn.stream(stmt, params as never, { yieldPer: chunkSize });
    const tuples = result.tuples();
    try {
      for (;;) {
        const chunk = await tuples.fetchMany(chunkSize);
        if (chunk.length === 0) return;
        yield chunk;
      }
    } finally {
      await tuples.close();
    }
  }

  begin(): Promise<TransactionLike> {
    return this.conn.begin();
  }

  beginNested(): Promise<TransactionLike> {
    return this.conn.beginNested();
  }

  inTransaction(): boolean {
    return this.conn.inTransaction();
  }

  inNestedTransaction(): boolean {
    return this.conn.inNestedTransaction();
  }

  getTransaction(): TransactionLike | undefined {
    return this.conn.getTransaction() ?? undefined;
  }

  getNestedTransaction(): TransactionLike | undefined {
    return this.conn.getNestedTransaction() ?? undefined;
  }

  close(): Promise<void> {
    return this.conn.close();
  }
}

class EngineAdapter implements EngineLike {
  constructor(readonly engine: Engine) {}

  async connect(): Promise<ConnectionLike> {
    return new ConnectionAdapter(await this.engine.connect());
  }

  get description(): string {
    return String(this.engine);
  }
}

const adapted = new WeakMap<object, { engine: EngineLike } | { connection: ConnectionLike }>();

function isConnection(bind: object): bind is Connection {
  return typeof (bind as Connection).execute === 'function' && 'engine' in bind;
}

function isEngine(bind: object): bind is Engine {
  return typeof (bind as Engine).connect === 'function' && 'pool' in bind;
}

/** The session's bind as an engine or a connection. */
export function resolveBind(session: {
  readonly bind: unknown;
}):
  | { engine: EngineLike; connection?: undefined }
  | { engine?: undefined; connection: ConnectionLike } {
  const bind = session.bind;
  if (bind === undefined || bind === null) {
    throw new UnboundExecutionError(
      'This session is not bound to a single Engine or Connection, and no context was provided to locate a binding. ' +
        'Pass { bind: engine } to sessionmaker(), Session.configure() or the session.',
    );
  }
  if (typeof bind !== 'object') throw badBind(bind);
  let hit = adapted.get(bind);
  if (hit === undefined) {
    if (isConnection(bind)) hit = { connection: new ConnectionAdapter(bind) };
    else if (isEngine(bind)) hit = { engine: new EngineAdapter(bind) };
    else throw badBind(bind);
    adapted.set(bind, hit);
  }
  return hit as ReturnType<typeof resolveBind>;
}

function badBind(bind: unknown): ArgumentError {
  return new ArgumentError(
    `A session's bind must be an Engine (createEngine(...)) or a Connection (await engine.connect()), got ${typeof bind}.`,
  );
}
