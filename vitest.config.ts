import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` tests sit beside the code they check; `integration`
 * tests drive real servers over real sockets from test/integration.
 */
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['signaling/src/**/*.test.ts', 'src/**/*.test.ts', 'test/lint/**/*.test.ts'],
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
    ],
  },
});
