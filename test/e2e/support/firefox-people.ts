/**
 * People in Firefox: one BiDi user context (own cookies, own storage) with one
 * page each, in the worker's one Firefox (support/firefox.ts), with the same
 * test-only RTCPeerConnection record as the Chromium people
 * (support/instrument.ts). Each is a Participant (support/participant.ts):
 * elements are found by role and exact accessible name through puppeteer's
 * ARIA selectors, which BiDi answers from Firefox's own accessibility tree.
 */
import type { TestInfo } from '@playwright/test';
import type { Browser, BrowserContext, ElementHandle, Page } from 'puppeteer-core';
import { recordPeerConnections } from './instrument.js';
import type { Participant, Role } from './participant.js';

/** What an action waits for its element by default, as Playwright's actionTimeout (playwright.config.ts). */
const ACTION_MS = 20_000;

/**
 * The element once it is visible and not disabled. (puppeteer's Locator, which would do the
 * same, never finds the element "stable" in headless Firefox: its fill timed out on a plain
 * textbox that page.$ found at once.)
 */
async function enabled(page: Page, selector: string, timeoutMs: number): Promise<ElementHandle> {
  const el = await page.waitForSelector(selector, { visible: true, timeout: timeoutMs });
  if (!el) throw new Error(`no element for ${selector}`);
  await page.waitForFunction((e) => !(e as HTMLButtonElement).disabled, { timeout: timeoutMs, polling: 100 }, el);
  return el;
}

function aria(role: Role, name: string): string {
  return `::-p-aria([name=${JSON.stringify(name)}][role="${role}"])`;
}

export interface FirefoxPerson extends Participant {
  readonly context: BrowserContext;
  readonly page: Page;
}

function asParticipant(name: string, context: BrowserContext, page: Page, log: string[]): FirefoxPerson {
  return {
    name,
    browser: 'firefox',
    context,
    page,
    log,
    evaluate: (fn, arg) => page.evaluate(fn as never, arg) as never,
    async click(role, accessibleName, timeoutMs = ACTION_MS) {
      const el = await enabled(page, aria(role, accessibleName), timeoutMs);
      await el.click();
      await el.dispose();
    },
    async fill(label, value) {
      // A textbox: the label of the same name is found by name too. (Password fields have no
      // role here; the Firefox people open invite links, so they never type one.)
      const el = await enabled(page, aria('textbox', label), ACTION_MS);
      // Select what is there, then type over it: real key events, as a person types.
      await el.evaluate((input) => (input as HTMLInputElement).select());
      if (value === '') await page.keyboard.press('Backspace');
      else await el.type(value);
      await el.dispose();
    },
    async setChecked(label, checked) {
      const box = await enabled(page, aria('checkbox', label), ACTION_MS);
      if ((await box.evaluate((el) => (el as HTMLInputElement).checked)) !== checked) await box.click();
      await box.dispose();
    },
    async chooseFiles(open, paths) {
      const [chooser] = await Promise.all([page.waitForFileChooser({ timeout: ACTION_MS }), open()]);
      await chooser.accept(paths);
    },
    async press(keys) {
      const parts = keys.split('+');
      const key = parts.pop()!;
      for (const m of parts) await page.keyboard.down(m === 'Ctrl' ? 'Control' : (m as never));
      await page.keyboard.press(key as never);
      for (const m of parts.reverse()) await page.keyboard.up(m === 'Ctrl' ? 'Control' : (m as never));
    },
    async screenshot(path) {
      await page.screenshot({ path: path as `${string}.png`, fullPage: true });
    },
  };
}

export class FirefoxPeople {
  private readonly everyone: FirefoxPerson[] = [];

  constructor(
    private readonly browser: Browser,
    private readonly origin: string,
  ) {}

  /** Opens `path` (the home page, or an invite link) for a new person in Firefox. */
  async open(name: string, path = '/'): Promise<FirefoxPerson> {
    const context = await this.browser.createBrowserContext();
    const page = await context.newPage();
    await page.evaluateOnNewDocument(recordPeerConnections);
    const log: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warn') log.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => log.push(`uncaught: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
    const person = asParticipant(name, context, page, log);
    this.everyone.push(person);
    await page.goto(new URL(path, this.origin).href);
    return person;
  }

  /** When the test failed: everyone's screenshot and console into test-results/. Then closes every context. */
  async closeAll(testInfo: TestInfo): Promise<void> {
    const failed = testInfo.status !== testInfo.expectedStatus;
    for (const person of this.everyone) {
      if (failed && !person.page.isClosed()) {
        const path = testInfo.outputPath(`${person.name}-firefox.png`);
        const shot = await person.screenshot(path).then(
          () => true,
          (err: unknown) => (person.log.push(`screenshot failed: ${String(err)}`), false),
        );
        if (shot) await testInfo.attach(`${person.name} (Firefox)`, { path, contentType: 'image/png' });
        if (person.log.length > 0) await testInfo.attach(`${person.name}-firefox-console.txt`, { body: person.log.join('\n') });
      }
      await person.context.close();
    }
    this.everyone.length = 0;
  }
}
