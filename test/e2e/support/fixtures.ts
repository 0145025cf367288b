/**
 * The `test` every spec imports: `server` (the running signaling server) and
 * `people` (open as many people as the scenario needs; closed, and
 * photographed on failure, afterwards). The trust specs import `hostileTest`
 * instead: their people connect through `evil`, a fresh malicious server in
 * front of the real one for each test (support/malicious-server.ts).
 */
import { test as base } from '@playwright/test';
import { MaliciousServer } from './malicious-server.js';
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

/** Everyone connects through a hostile proxy that can read, alter, drop, replay or invent any frame. */
export const hostileTest = test.extend<{ evil: MaliciousServer }>({
  evil: async ({ server }, use) => {
    const evil = await MaliciousServer.start(server);
    await use(evil);
    await evil.close();
  },
  people: async ({ browser, evil }, use, testInfo) => {
    const people = new People(browser, evil.address);
    await use(people);
    await people.closeAll(testInfo);
  },
});

export { expect } from '@playwright/test';
