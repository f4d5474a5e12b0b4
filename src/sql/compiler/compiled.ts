/**
 * Compiled statements. A `CompiledTemplate` is what the cache holds: SQL text, the bind
 * slots (where each positional parameter comes from and how it is converted) and the result
 * processors; it knows no values. A `CompiledStatement` is a template plus the values
 * embedded in one statement object, and builds the driver's parameter list per execution.
 */
import { ArgumentError, InvalidRequestError } from '../../errors.js';
import type { CompiledStatement, ValueProcessor } from '../executable.js';
import { checkValue } from '../expressions/coercions.js';
import type { AnySqlType } from '../types/sql-type.js';

/**
 * Refuses a positional parameter list of the wrong length, naming both lengths.
 *
 * @example
 * ```ts
 * checkPositionalCount(compiled.bindNames!.length, values.length);
 * ```
 */
export function checkPositionalCount(expected: number, got: number): void {
  if (got !== expected) {
    throw new ArgumentError(
      `The statement takes ${expected} positional parameters, got ${got}; ` +
        'lay the values out by compiled.bindNames.',
    );
  }
}

/** Where one positional parameter comes from. */
export interface BindSlot {
  /** Index into the statement's embedded values, or -1. */
  readonly valueIndex: number;
  /** The parameter name when the caller may supply the value at execution. */
  readonly name: string | undefined;
  /** Computes the value per execution when neither the caller nor the statement has one. */
  readonly generate: (() => unknown) | undefined;
  readonly type: AnySqlType;
  readonly processor: ValueProcessor | null;
  /** `table.column` or the bind name, for errors. */
  readonly target: string | undefined;
}

/** The value-independent result of compiling one statement shape for one dialect. */
export interface CompiledTemplate {
  readonly sql: string;
  readonly slots: readonly BindSlot[];
  readonly returnsRows: boolean;
  readonly statementKind: CompiledStatement['statementKind'];
  readonly resultProcessors: readonly (ValueProcessor | null)[] | undefined;
  readonly resultKeys: readonly string[] | undefined;
  /** True when every slot reads an embedded value (the parameter list never changes). */
  readonly fixed: boolean;
  /** `performance.now()` when compiled (echo logs show "cached since …"). */
  readonly compiledAt: number;
  /** A result column holds 64-bit integers that must be read exactly. */
  readonly safeIntegers: boolean;
}

const NO_PARAMS: Readonly<Record<string, unknown>> = Object.freeze({});

/** The bind names of a template, computed once per template (all its statements share them). */
const namesOf = new WeakMap<CompiledTemplate, readonly (string | undefined)[]>();

function missingValue(slot: BindSlot): InvalidRequestError {
  return new InvalidRequestError(
    `A value is required for bind parameter '${slot.name ?? '?'}'` +
      (slot.target && slot.target !== slot.name ? ` (${slot.target})` : '') +
      '; pass it in the parameters of execute().',
  );
}

/** A template with the embedded values of one statement. */
class BoundStatement implements CompiledStatement {
  readonly sql: string;
  readonly returnsRows: boolean;
  readonly statementKind: CompiledStatement['statementKind'];
  readonly resultProcessors: readonly (ValueProcessor | null)[] | undefined;
  readonly resultKeys: readonly string[] | undefined;
  readonly compiledAt: number;
  readonly safeIntegers: boolean;
  private fixedParams: unknown[] | undefined;
  private boundOnce = false;

  constructor(
    readonly template: CompiledTemplate,
    private readonly values: readonly unknown[],
  ) {
    this.sql = template.sql;
    this.returnsRows = template.returnsRows;
    this.statementKind = template.statementKind;
    this.resultProcessors = template.resultProcessors;
    this.resultKeys = template.resultKeys;
    this.compiledAt = template.compiledAt;
    this.safeIntegers = template.safeIntegers;
  }

  bind(params?: Readonly<Record<string, unknown>>): unknown[] {
    if (this.template.fixed) {
      // Most statements run once: build for the first run, keep a copy from the second on.
      if (this.fixedParams !== undefined) return this.fixedParams.slice();
      if (!this.boundOnce) {
        this.boundOnce = true;
        return this.build(NO_PARAMS);
      }
      this.fixedParams = this.build(NO_PARAMS);
      return this.fixedParams.slice();
    }
    return this.build(params ?? NO_PARAMS);
  }

  get bindNames(): readonly (string | undefined)[] {
    const template = this.template;
    let names = namesOf.get(template);
    if (names === undefined) {
      names = Object.freeze(template.slots.map((s) => s.name));
      namesOf.set(template, names);
    }
    return names;
  }

  bindPositional(values: readonly unknown[]): unknown[] {
    const slots = this.template.slots;
    checkPositionalCount(slots.length, values.length);
    const out = new Array<unknown>(slots.length);
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      let value = values[i];
      if (value === undefined) value = this.unsupplied(slot);
      else if (value !== null) {
        checkValue(value, slot.type, slot.target ?? `bind parameter #${i + 1}`);
      }
      out[i] = processed(slot, value);
    }
    return out;
  }

  private build(params: Readonly<Record<string, unknown>>): unknown[] {
    const slots = this.template.slots;
    const out = new Array<unknown>(slots.length);
    for (let i = 0; i < slots.length; i++) {
      const slot = slots[i]!;
      let value: unknown;
      if (slot.name !== undefined && Object.hasOwn(params, slot.name)) {
        value = params[slot.name];
        if (value !== null)
          checkValue(value, slot.type, slot.target ?? `bind parameter '${slot.name}'`);
      } else {
        value = this.unsupplied(slot);
      }
      out[i] = processed(slot, value);
    }
    return out;
  }

  /** A slot's value when the caller gave none: the statement's own, a generated one, or an error. */
  private unsupplied(slot: BindSlot): unknown {
    if (slot.valueIndex >= 0) return this.values[slot.valueIndex];
    if (slot.generate === undefined) throw missingValue(slot);
    const value = slot.generate();
    if (value !== null) checkValue(value, slot.type, slot.target);
    return value;
  }
}

/** The value the driver gets: NULL for a missing value, else through the slot's processor. */
function processed(slot: BindSlot, value: unknown): unknown {
  return value === null || value === undefined || slot.processor === null
    ? (value ?? null)
    : slot.processor(value);
}

/** Combines a template with a statement's embedded values. */
export function instantiate(
  template: CompiledTemplate,
  values: readonly unknown[],
): CompiledStatement {
  return new BoundStatement(template, values);
}

/** Throws when a template has more parameters than the dialect allows. */
export function checkBindLimit(count: number, max: number, dialect: string): void {
  if (count > max) {
    throw new ArgumentError(
      `The statement has ${count} bound parameters but ${dialect} allows at most ${max}; ` +
        'split the rows into smaller batches.',
    );
  }
}
