/**
 * The `test` of the mixed-browser specs (firefox-*.spec.ts): everything the
 * Chromium specs have (support/fixtures.ts), plus one Firefox per worker
 * (launched on first use, so Chromium-only specs never start it) and
 * `firefoxPeople`, closed and photographed on failure like `people`.
 */
import type { Browser } from 'puppeteer-core';
import { test as base } from './fixtures.js';
import { FirefoxPeople } from './firefox-people.js';
import { launchFirefox } from './firefox.js';

export const test = base.extend<{ firefoxPeople: FirefoxPeople }, { firefox: Browser }>({
  firefox: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const browser = await launchFirefox();
      await use(browser);
      await browser.close();
    },
    { scope: 'worker' },
  ],
  firefoxPeople: async ({ firefox, server }, use, testInfo) => {
    const people = new FirefoxPeople(firefox, server.origin);
    await use(people);
    await people.closeAll(testInfo);
  },
});

export { expect } from '@playwright/test';
