import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` tests sit beside the code they check; `integration`
 * tests drive real servers over real sockets from test/integration.
 */
export default defineConfig({
  test: {
    // electron-store imports `electron`; inlining it lets a test's vi.mock('electron') reach it.
    server: { deps: { inline: ['electron-store'] } },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['signaling/src/**/*.test.ts', 'src/**/*.test.ts', 'test/lint/**/*.test.ts', 'test/security/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One server per file; files run one at a time so timings stay honest on 2 cores.
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          // The desktop app's main-process modules against real dependencies: a real
          // Secret Service (gnome-keyring on a private D-Bus session, started and
          // stopped by the globalSetup) and the bridge test in Chromium.
          name: 'desktop',
          include: ['test/desktop/**/*.test.ts'],
          globalSetup: ['test/desktop/support/private-keyring.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
