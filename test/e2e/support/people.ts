/**
 * A "person" is a browser context (own cookies, own sessionStorage, own fake
 * camera and microphone) with one page on the web client. Several people in
 * one browser stand for several computers in one call.
 */
import { writeFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page, TestInfo } from '@playwright/test';
import { recordPeerConnections } from './instrument.js';
import type { E2EServer } from './server-env.js';

export interface Person {
  name: string;
  context: BrowserContext;
  page: Page;
  /** The page's console errors and warnings and uncaught exceptions, for the failure report. */
  log: string[];
}

export class People {
  private readonly everyone: Person[] = [];

  constructor(
    private readonly browser: Browser,
    private readonly server: E2EServer,
  ) {}

  /** Opens the web client's home page for a new person. */
  async open(name: string, path = '/'): Promise<Person> {
    const context = await this.browser.newContext({
      baseURL: this.server.origin,
      // Stated here, not only in the config: contexts made by hand should not depend on inheriting it.
      ignoreHTTPSErrors: true,
      permissions: ['camera', 'microphone'],
      viewport: { width: 1024, height: 700 },
    });
    await context.addInitScript(recordPeerConnections);
    const page = await context.newPage();
    const log: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') log.push(`${m.type()}: ${m.text()}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) log.push(`HTTP ${r.status()} ${r.request().method()} ${r.url()}`);
    });
    page.on('pageerror', (e) => log.push(`uncaught: ${e.stack ?? e.message}`));
    const person = { name, context, page, log };
    this.everyone.push(person);
    await page.goto(path);
    return person;
  }

  /**
   * When the test failed: everyone's screenshot and console into test-results/ (the people stay
   * open: a serial group's later tests go on with them after a passing one).
   */
  async reportIfFailed(testInfo: TestInfo): Promise<void> {
    if (testInfo.status === testInfo.expectedStatus) return;
    for (const person of this.everyone) {
      if (!person.page.isClosed()) {
        const path = testInfo.outputPath(`${person.name}.png`);
        await person.page.screenshot({ path, fullPage: true }).catch(() => undefined);
        await testInfo.attach(person.name, { path, contentType: 'image/png' }).catch(() => undefined);
      }
      if (person.log.length === 0) continue;
      const log = testInfo.outputPath(`${person.name}-console.txt`);
      writeFileSync(log, person.log.join('\n'));
      await testInfo.attach(`${person.name}-console.txt`, { path: log, contentType: 'text/plain' });
    }
  }

  /** When the test failed: its report (reportIfFailed). Then closes every context. */
  async closeAll(testInfo: TestInfo): Promise<void> {
    await this.reportIfFailed(testInfo);
    for (const person of this.everyone) await person.context.close().catch(() => undefined);
    this.everyone.length = 0;
  }
}
