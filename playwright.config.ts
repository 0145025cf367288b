/**
 * End-to-end tests: the built web client (dist/web) served by ONE real
 * signaling server over wss (test/e2e/support/global-setup.ts), driven in
 * Debian's Chromium with fake media. Run through `npm run test:e2e`
 * (scripts/e2e.sh), which builds the client and confines everything to a
 * loopback-only network namespace.
 */
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './test/e2e/support/chromium.js';

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '*.spec.ts',
  // Two cores: a four-person call already takes half the machine; tests run one at a time.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  // The budget of a test that sets none. Measured on 2 cores with `stress-ng --cpu 1` throughout,
  // every such test took at most 56 s (accessibility: 18 s quiet); 120 s is over twice that. The
  // heavier specs (three and four people, screen sharing, 20 MiB files) set budgets of their own,
  // each beside its test with the times it was measured at.
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
  outputDir: 'test-results',
  globalSetup: './test/e2e/support/global-setup.ts',
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
    // The server's certificate is self-signed, made for this run (in its temp data dir).
    ignoreHTTPSErrors: true,
    permissions: ['camera', 'microphone'],
    viewport: { width: 1024, height: 700 },
    actionTimeout: 20_000,
    navigationTimeout: 20_000,
    // Off: support/people.ts photographs every person by name (and keeps their console) on failure.
    screenshot: 'off',
    trace: 'off',
  },
});
