/**
 * One person's page for the `guests` benchmark, in either browser, behind the
 * few things the benchmark does: open an invite link, type a name, press a
 * button by its accessible name, evaluate source text. Chromium is a Playwright
 * context; Firefox a puppeteer-core BiDi user context (the e2e suite's launch
 * settings, test/e2e/support/firefox.ts). Page code goes in as source text:
 * functions from tsx-compiled code carry esbuild's `__name` helper, which the
 * page does not have (first-frame.ts says the same).
 */
import type { Browser as PlaywrightBrowser, BrowserContext as PlaywrightContext } from '@playwright/test';
import type { Browser as PuppeteerBrowser, BrowserContext as PuppeteerContext, Page as PuppeteerPage } from 'puppeteer-core';

export type BrowserName = 'chromium' | 'firefox';

export interface BenchPage {
  readonly browser: BrowserName;
  /** Evaluates `source` (an expression) in the page. */
  evaluate(source: string): Promise<unknown>;
  fillName(value: string): Promise<void>;
  /** Clicks the button of exactly this accessible name once it is enabled. */
  clickButton(name: string, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

export async function openChromium(browser: PlaywrightBrowser, url: string): Promise<BenchPage> {
  const context: PlaywrightContext = await browser.newContext({ ignoreHTTPSErrors: true, permissions: ['camera', 'microphone'], viewport: { width: 1024, height: 700 } });
  const page = await context.newPage();
  await page.goto(url);
  return {
    browser: 'chromium',
    evaluate: (source) => page.evaluate(source),
    fillName: (value) => page.getByRole('textbox', { name: 'Your name', exact: true }).fill(value),
    clickButton: (name, timeoutMs) => page.getByRole('button', { name, exact: true }).click({ timeout: timeoutMs }),
    close: () => context.close(),
  };
}

const aria = (role: string, name: string) => `::-p-aria([name=${JSON.stringify(name)}][role="${role}"])`;

async function enabledElement(page: PuppeteerPage, selector: string, timeoutMs: number) {
  const el = await page.waitForSelector(selector, { visible: true, timeout: timeoutMs });
  if (!el) throw new Error(`no element for ${selector}`);
  const deadline = Date.now() + timeoutMs;
  while ((await (await el.getProperty('disabled')).jsonValue()) === true) {
    if (Date.now() > deadline) throw new Error(`${selector} still disabled after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return el;
}

export async function openFirefox(browser: PuppeteerBrowser, url: string): Promise<BenchPage> {
  const context: PuppeteerContext = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.goto(url);
  return {
    browser: 'firefox',
    evaluate: (source) => page.evaluate(source),
    async fillName(value) {
      const el = await enabledElement(page, aria('textbox', 'Your name'), 20_000);
      await el.click({ count: 3 });
      await el.type(value);
      await el.dispose();
    },
    async clickButton(name, timeoutMs) {
      const el = await enabledElement(page, aria('button', name), timeoutMs);
      await el.click();
      await el.dispose();
    },
    close: () => context.close(),
  };
}
