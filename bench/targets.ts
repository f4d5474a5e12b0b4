/**
 * The speed targets Athanor must reach, in one place. Ratios are Athanor's median over the raw
 * driver's median in the same run; W6 compares a flush among 100,000 loaded objects with the
 * same flush among 10; W7 and W8 are absolute.
 */
import type { WorkloadName } from './config.js';
import type { DbName } from './side.js';

/** A target: a ratio to raw, a peak RSS growth, or a time per pool cycle. */
export interface Target {
  kind: 'ratio' | 'rssMiB' | 'microseconds';
  /** The limit per database; `strict` means the value must stay below it, not reach it. */
  limit: Readonly<Record<DbName, number>>;
  strict: boolean;
}

const all = (value: number): Record<DbName, number> => ({
  sqlite: value,
  postgresql: value,
  mariadb: value,
});

/** Per workload, the target from the issue. */
export const TARGETS: Readonly<Record<WorkloadName, Target>> = {
  W1: { kind: 'ratio', limit: { sqlite: 2.0, postgresql: 1.3, mariadb: 1.3 }, strict: false },
  W2: { kind: 'ratio', limit: { sqlite: 1.5, postgresql: 1.3, mariadb: 1.3 }, strict: false },
  W3: { kind: 'ratio', limit: { sqlite: 2.0, postgresql: 1.3, mariadb: 1.3 }, strict: false },
  // The identity map answers repeated ids, so on the servers Athanor must beat the driver.
  W4: { kind: 'ratio', limit: { sqlite: 1.2, postgresql: 0.8, mariadb: 0.8 }, strict: false },
  // Throughput at least 80% of the raw pool's.
  W5: { kind: 'ratio', limit: all(1.25), strict: false },
  // Flush cost does not grow with the number of clean objects in the session.
  W6: { kind: 'ratio', limit: all(2.0), strict: false },
  W7: { kind: 'rssMiB', limit: all(100), strict: true },
  W8: { kind: 'microseconds', limit: all(5), strict: true },
};

/** The geometric mean of the W1–W5 ratios must not exceed this on any database. */
export const GEOMEAN_TARGET = 1.3;

/** The workloads the geometric mean covers. */
export const GEOMEAN_WORKLOADS: readonly WorkloadName[] = ['W1', 'W2', 'W3', 'W4', 'W5'];

/** True when `value` meets the target's limit for `db`. */
export function meets(target: Target, db: DbName, value: number): boolean {
  const limit = target.limit[db];
  return target.strict ? value < limit : value <= limit;
}

/** The target as text: `≤ 1.3×`, `< 100 MiB`, `< 5 µs`. */
export function describeTarget(target: Target, db: DbName): string {
  const limit = target.limit[db];
  const op = target.strict ? '<' : '≤';
  switch (target.kind) {
    case 'ratio':
      return `${op} ${limit}×`;
    case 'rssMiB':
      return `${op} ${limit} MiB`;
    case 'microseconds':
      return `${op} ${limit} µs`;
  }
}
