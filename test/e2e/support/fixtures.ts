/**
 * The `test` every spec imports: `server` (the running signaling server) and
 * `people` (open as many people as the scenario needs; closed, and
 * photographed on failure, afterwards).
 */
import { test as base } from '@playwright/test';
import { People } from './people.js';
import { e2eServer, type E2EServer } from './server-env.js';

export const test = base.extend<{ people: People }, { server: E2EServer }>({
  server: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      await use(e2eServer());
    },
    { scope: 'worker' },
  ],
  people: async ({ browser, server }, use, testInfo) => {
    const people = new People(browser, server);
    await use(people);
    await people.closeAll(testInfo);
  },
});

export { expect } from '@playwright/test';
