/**
 * What the three dialects share: the SQL flavour that may settle at first connect, isolation
 * level names, and the lazily imported driver adapter.
 */
import { ArgumentError, InvalidRequestError } from '../errors.js';
import type { SqlDialect } from '../sql/executable.js';
import type { DBAPIErrorClass } from '../errors.js';
import type {
  ConnectHooks,
  DefaultPoolName,
  Dialect,
  DriverAdapter,
  DriverConnection,
  UrlLike,
} from './dialect.js';

/** Base class of the dialects: everything but connect arguments, errors and adapter loading. */
export abstract class BaseDialect implements Dialect {
  abstract readonly name: string;
  abstract readonly driver: string;
  abstract readonly isolationLevels: readonly string[];
  readonly supportsSavepoints: boolean = true;
  readonly supportsStreaming: boolean = true;
  abstract readonly supportsTransactionalDdl: boolean;
  readonly supportsMultipleConnections: boolean = true;
  #flavour: SqlDialect;
  #sql: SqlDialect;
  #cacheSize: number | undefined = undefined;
  #settled: boolean;
  #serverVersion = '';
  #adapter: Promise<DriverAdapter> | undefined;

  protected constructor(sql: SqlDialect, settled: boolean) {
    this.#flavour = sql;
    this.#sql = sql;
    this.#settled = settled;
  }

  /** The flavour constant `sql` is based on (without this engine's cache size). */
  protected get flavour(): SqlDialect {
    return this.#flavour;
  }

  setCompiledCacheSize(size: number): void {
    this.#cacheSize = size;
    this.#sql = this.#withCacheSize(this.#flavour);
  }

  #withCacheSize(flavour: SqlDialect): SqlDialect {
    return this.#cacheSize === undefined
      ? flavour
      : { ...flavour, compiledCacheSize: this.#cacheSize };
  }

  get sql(): SqlDialect {
    return this.#sql;
  }

  get sqlSettled(): boolean {
    return this.#settled;
  }

  get serverVersion(): string {
    return this.#serverVersion;
  }

  /** Set by `initialize()` from what the server reports. */
  defaultIsolationLevel: string | undefined = undefined;

  abstract getIsolationLevel(connection: DriverConnection): Promise<string>;

  /** Records what the first connection reported, fixing the SQL flavour. */
  protected settle(version: string, flavour: SqlDialect = this.#flavour): void {
    this.#serverVersion = version;
    if (flavour !== this.#flavour) {
      this.#flavour = flavour;
      this.#sql = this.#withCacheSize(flavour);
    }
    this.#settled = true;
  }

  abstract createConnectArgs(
    url: UrlLike,
    connectArgs: Readonly<Record<string, unknown>>,
  ): Record<string, unknown>;

  abstract defaultPoolClass(connectArgs: Readonly<Record<string, unknown>>): DefaultPoolName;

  abstract initialize(connection: DriverConnection): Promise<void>;

  abstract isDisconnect(error: unknown): boolean;

  abstract translateError(error: unknown): DBAPIErrorClass | undefined;

  /** Imports the adapter module (which imports the driver package). */
  protected abstract loadAdapter(): Promise<DriverAdapter>;

  /** The npm package of the driver, for the "not installed" message. */
  protected abstract readonly driverPackage: string;

  normalizeIsolationLevel(value: string): string {
    const normal = typeof value === 'string' ? value.replace(/_/g, ' ').trim().toUpperCase() : '';
    if (!this.isolationLevels.includes(normal)) {
      throw new ArgumentError(
        `Invalid value '${String(value)}' for isolationLevel. ` +
          `Valid isolation levels for '${this.name}' are ${this.isolationLevels.join(', ')}`,
      );
    }
    return normal;
  }

  async connect(
    args: Readonly<Record<string, unknown>>,
    hooks: ConnectHooks,
  ): Promise<DriverConnection> {
    this.#adapter ??= this.loadAdapter().catch((err: unknown) => {
      this.#adapter = undefined;
      throw err;
    });
    const adapter = await this.#adapter;
    try {
      return await adapter.connect(args, hooks);
    } catch (err) {
      throw this.#missingDriver(err) ?? err;
    }
  }

  #missingDriver(err: unknown): Error | undefined {
    const e = err as { code?: unknown; message?: unknown } | null;
    const missing =
      (e?.code === 'ERR_MODULE_NOT_FOUND' || e?.code === 'MODULE_NOT_FOUND') &&
      typeof e.message === 'string' &&
      e.message.includes(`'${this.driverPackage}'`);
    if (!missing) return undefined;
    return new InvalidRequestError(
      `The '${this.driverPackage}' driver is not installed; ` +
        `run \`npm install ${this.driverPackage}\` to use ${this.name} URLs.`,
      { cause: err },
    );
  }
}

/** Reads a query-string value that must be a single string. */
export function queryValue(url: UrlLike, key: string): string | undefined {
  const v = url.query[key];
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  throw new ArgumentError(`The URL query parameter '${key}' was given more than once`);
}
