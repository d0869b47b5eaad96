import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{lib,server,worker,test,scripts}/**/*.test.ts'],
    exclude: ['node_modules/**', 'e2e/**', '.next/**', '.data/**'],
    globalSetup: ['test/global-setup.ts'],
    // Training tests saturate a core each, so two files at a time keeps a
    // 2-core machine responsive without serialising the whole suite.
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
