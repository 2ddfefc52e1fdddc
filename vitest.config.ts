import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores on CI: keep the pool small so process-spawning tests do not starve each other.
    maxWorkers: 2,
    // The UI tests poll for what the page shows; on a loaded 2-core machine a first paint can take over a second,
    // the default poll limit. A poll still fails, with its last value, when the page never gets there.
    expect: { poll: { timeout: 10_000, interval: 50 } },
    reporters: ['default', './test/reporters/plain-summary.ts'],
  },
});
