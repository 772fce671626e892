import { defineConfig } from 'vitest/config';

// Integration tests each create their own database, so files can run in parallel; two cores only,
// so keep the fork count modest and the timeouts generous (PGlite start-up takes a moment).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 3,
    globalSetup: ['tests/global-setup.ts'],
    reporters: ['default', './tests/helpers/summary-reporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
