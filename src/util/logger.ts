/**
 * The logging sink shared by the engine (`echo`) and the pool (`echoPool`). Any object with
 * these methods works (console, pino, winston's child loggers); the default writes to the
 * console with the logger's name in front, as SQLAlchemy's stdout handler does.
 */

/** Where Athanor writes its log lines. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Verbosity chosen by `echo` / `echoPool`: off, INFO (`true`), or DEBUG (`'debug'`). */
export type EchoFlag = boolean | 'debug';

/**
 * A logger that prefixes each line with a timestamp, level and name and writes to the console.
 *
 * @example
 * ```ts
 * const log = consoleLogger('athanor.engine.Engine');
 * log.info('BEGIN (implicit)');
 * ```
 */
export function consoleLogger(name: string): Logger {
  const line = (level: string, message: string) =>
    `${new Date().toISOString()} ${level} ${name} ${message}`;
  return {
    debug: (m) => console.log(line('DEBUG', m)),
    info: (m) => console.log(line('INFO', m)),
    warn: (m) => console.warn(line('WARNING', m)),
    error: (m) => console.error(line('ERROR', m)),
  };
}
