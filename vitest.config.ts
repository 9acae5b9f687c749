import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // One PostgreSQL, one Temporal dev server, one mail catcher and one
    // Chromium for the whole run; each test file gets its own database and
    // task queue (test/support/platform.ts).
    globalSetup: ['test/globalSetup.ts'],
    setupFiles: ['test/setup.ts'],
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', '.data/**', '.tools/**'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 90_000,
    hookTimeout: 180_000,
    reporters: ['default', './test/support/summaryReporter.ts'],
  },
});
