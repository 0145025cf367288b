/**
 * A browser-agnostic person in a call: the few things a test does to the web
 * client (by role and accessible name, docs/ui-contract.md), and the one thing
 * it does inside a page (`evaluate`). Two implementations: a Playwright page
 * in Chromium (`chromiumParticipant`), and a puppeteer-core page in Firefox
 * over WebDriver BiDi (support/firefox-people.ts). The portable steps in
 * support/steps.ts are written once against this, so a mixed meeting runs the
 * same checks as an all-Chromium one.
 */
import type { Page } from '@playwright/test';
import type { Person } from './people.js';

export type BrowserName = 'chromium' | 'firefox';

/** Roles the tests press or type into. */
export type Role = 'button' | 'textbox' | 'checkbox' | 'combobox' | 'link';

export interface Participant {
  readonly name: string;
  readonly browser: BrowserName;
  /** Runs `fn(arg)` in the page; `fn` is serialized, so it must not close over anything. */
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  /** Clicks the element of this role and exact accessible name, once it is visible and enabled. */
  click(role: Role, name: string, timeoutMs?: number): Promise<void>;
  /** Replaces the value of the field labelled exactly `name` (a textbox, or a password field). */
  fill(name: string, value: string): Promise<void>;
  setChecked(name: string, checked: boolean): Promise<void>;
  /** Picks files in the next file chooser that `open()` makes the page show. */
  chooseFiles(open: () => Promise<void>, paths: string[]): Promise<void>;
  press(keys: string): Promise<void>;
  screenshot(path: string): Promise<void>;
  /** The page's console errors and warnings and uncaught exceptions, for the failure report. */
  readonly log: string[];
}

/** Anything a page-side check can run in: a Playwright page, or a participant of either browser. */
export type InPage = Page | Participant;

export function isParticipant(target: InPage): target is Participant {
  return 'browser' in target && (target.browser === 'chromium' || target.browser === 'firefox');
}

/** `fn(arg)` inside the page, whichever driver holds it. */
export function runInPage<R, A>(target: InPage, fn: (arg: A) => R | Promise<R>, arg: A): Promise<R> {
  if (isParticipant(target)) return target.evaluate(fn, arg);
  return target.evaluate(fn as never, arg) as Promise<R>;
}

/** A Playwright person (support/people.ts) as a participant. */
export function chromiumParticipant(person: Person): Participant {
  const { page } = person;
  return {
    name: person.name,
    browser: 'chromium',
    log: person.log,
    evaluate: (fn, arg) => page.evaluate(fn as never, arg),
    click: (role, name, timeoutMs) => page.getByRole(role, { name, exact: true }).click(timeoutMs === undefined ? {} : { timeout: timeoutMs }),
    fill: (name, value) => page.getByLabel(name, { exact: true }).fill(value),
    setChecked: (name, checked) => page.getByRole('checkbox', { name, exact: true }).setChecked(checked),
    async chooseFiles(open, paths) {
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), open()]);
      await chooser.setFiles(paths);
    },
    press: (keys) => page.keyboard.press(keys),
    screenshot: async (path) => {
      await page.screenshot({ path, fullPage: true });
    },
  };
}
