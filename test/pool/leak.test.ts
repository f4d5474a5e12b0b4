import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = fileURLToPath(new URL('./fixtures/leak-child.ts', import.meta.url));

interface Scenario {
  results: { warning: string | undefined; calls: string[]; checkedOut: number }[];
  nextId: number;
  status: string;
  open: number[];
}
let output: Record<'traced' | 'untraced' | 'static', Scenario>;

// Garbage collection must be forced, which needs --expose-gc: the scenarios run in a child
// process and report back as JSON.
beforeAll(async () => {
  const { stdout } = await run(process.execPath, ['--expose-gc', '--import', 'tsx', script], {
    timeout: 60_000,
  });
  output = JSON.parse(stdout) as typeof output;
}, 60_000);

describe('leaked checkouts', () => {
  it('reclaims the slot of a garbage-collected handle, closes its connection and names the checkout site', () => {
    const [first, second] = output.traced.results;
    expect(first?.warning).toMatch(
      /^WARNING The garbage collector is trying to clean up non-checked-in connection <connection 1>, which will be closed\./,
    );
    expect(first?.warning).toContain('It was checked out at:\n    at leakOneCheckout');
    expect(first?.warning).toContain('leak-child.ts');
    expect(first?.calls).toEqual(['connect 1', 'close 1']);
    expect(first?.checkedOut).toBe(0);
    expect(second?.warning).toContain('<connection 2>');
    expect(output.traced.nextId).toBe(3);
    expect(output.traced.open).toEqual([3]);
    expect(output.traced.status).toBe(
      'Pool size: 1  Connections in pool: 1 Current Overflow: 0 Current Checked out connections: 0',
    );
  });

  it('without recorded sites says so, then records them so the next leak names its site', () => {
    const [first, second] = output.untraced.results;
    expect(first?.warning).toContain('Its checkout site was not recorded');
    expect(first?.calls).toEqual(['connect 1', 'close 1']);
    expect(second?.warning).toContain('It was checked out at:\n    at leakOneCheckout');
    expect(output.untraced.nextId).toBe(3);
  });

  it('resets (does not close) the one shared connection of a StaticPool', () => {
    const [first] = output.static.results;
    expect(first?.warning).toMatch(/<connection 1>, which will be reset and kept\./);
    expect(first?.calls).toEqual(['connect 1', 'reset 1 rollback']);
    expect(output.static.nextId).toBe(1);
    expect(output.static.open).toEqual([1]);
  });
});
