/**
 * Echo logging in SQLAlchemy's formats: the statement, then a line with how it was compiled
 * and its parameters (`[generated in 0.00013s] [1, 2]`), BEGIN/COMMIT/ROLLBACK lines, and
 * with `echo: 'debug'` the column names and every row fetched.
 */
import { formatParams } from '../errors.js';
import type { Logger } from '../util/logger.js';

/** Logs one connection's lines, each with the connection's `loggingToken` prefix. */
export class EchoLog {
  readonly #logger: Logger;
  readonly #prefix: string;
  /** Log rows too (`echo: 'debug'`). */
  readonly debug: boolean;
  readonly #hideParameters: boolean;

  constructor(logger: Logger, debug: boolean, token: string | undefined, hideParameters: boolean) {
    this.#logger = logger;
    this.debug = debug;
    this.#prefix = token === undefined ? '' : `[${token}] `;
    this.#hideParameters = hideParameters;
  }

  info(message: string): void {
    this.#logger.info(this.#prefix + message);
  }

  /** The statement and its stats/parameters line. */
  statement(sql: string, stats: string, params: unknown, isMany: boolean): void {
    this.#logger.info(this.#prefix + sql);
    const shown = this.#hideParameters
      ? '[SQL parameters hidden due to hideParameters=true]'
      : formatParams(params, isMany);
    this.#logger.info(`${this.#prefix}[${stats}] ${shown}`);
  }

  /** `Col [...]` before the rows of a result (debug only). */
  columns(keys: readonly string[]): void {
    this.#logger.debug(`${this.#prefix}Col ${formatParams(keys, false)}`);
  }

  /** A bound function logging `Row [...]` lines (debug only). */
  rowLogger(): (row: readonly unknown[]) => void {
    return (row) => {
      this.#logger.debug(
        `${this.#prefix}Row ${this.#hideParameters ? '[row values hidden due to hideParameters=true]' : formatParams(row, false)}`,
      );
    };
  }
}

/** `generated in 0.00013s` (a compile that just happened). */
export function generatedIn(seconds: number): string {
  return `generated in ${seconds.toFixed(5)}s`;
}

/** `cached since 12.35s ago` (a compiled form reused from the cache). */
export function cachedSince(seconds: number): string {
  return `cached since ${formatG4(seconds)}s ago`;
}

/** Python's `%.4g`: four significant digits, trailing zeros dropped. */
export function formatG4(x: number): string {
  if (x === 0 || !Number.isFinite(x)) return String(x);
  const rounded = Number(x.toPrecision(4));
  const exp = Math.floor(Math.log10(Math.abs(rounded)));
  if (exp < -4 || exp >= 4) {
    const [mantissa, e] = rounded.toExponential(3).split('e') as [string, string];
    const n = Number(e);
    return `${stripZeros(mantissa)}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return stripZeros(rounded.toFixed(Math.max(0, 3 - exp)));
}

function stripZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}
