import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores on CI: keep the pool small so process-spawning tests do not starve each other.
    maxWorkers: 2,
    reporters: ['default', './test/reporters/plain-summary.ts'],
  },
});
