/**
 * Warnings (SQLAlchemy's SAWarning): conditions that are probably mistakes but not errors.
 * They go through Node's process warnings with the type `AthanorWarning`, so
 * `process.on('warning', …)` sees them and `--no-warnings` silences them.
 */

/**
 * Emits an `AthanorWarning`.
 *
 * @example
 * ```ts
 * process.on('warning', (w) => { if (w.name === 'AthanorWarning') log(w.message); });
 * ```
 */
export function emitWarning(message: string): void {
  process.emitWarning(message, { type: 'AthanorWarning' });
}
