import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';
import { READY_PATTERN } from './e2e/stack-constants.ts';

/**
 * End-to-end tests against the whole stack: e2e/start-stack.ts creates a fresh
 * database, starts server/start.ts on a free port and prints its URL, which
 * Playwright captures into E2E_BASE_URL for the tests (see e2e/fixtures.ts).
 */
// Debian's chromium by default, because Playwright cannot download its own
// browser on our build machines. CHROMIUM_PATH overrides it; with neither,
// Playwright uses the browser that `npx playwright install chromium` fetched.
const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const chromiumPath = process.env.CHROMIUM_PATH ?? (existsSync(DEBIAN_CHROMIUM) ? DEBIAN_CHROMIUM : undefined);

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  // The tests share one stack and its two training workers.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 240_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    viewport: { width: 1440, height: 1000 },
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        viewport: { width: 1440, height: 1000 },
        launchOptions: {
          executablePath: chromiumPath,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
  ],
  webServer: {
    command: 'node --import tsx e2e/start-stack.ts',
    wait: { stdout: READY_PATTERN },
    timeout: 300_000,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
    reuseExistingServer: false,
  },
});
