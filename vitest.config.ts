import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Database tests share the servers; files run in parallel but each uses its own tables.
    pool: 'forks',
    maxWorkers: 2,
  },
});
