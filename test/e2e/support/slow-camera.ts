/**
 * A camera and microphone that take their time: injected before the app
 * loads, it holds every getUserMedia until the test lets them open
 * (`openSlowDevices`), as on a slow laptop where the devices answer after the
 * meeting keys are ready.
 */
import type { Person } from './people.js';

declare global {
  interface Window {
    __e2eOpenDevices?: () => void;
  }
}

/** Serialized into the page by Playwright: must not close over anything. */
function withSlowDevices(): void {
  const md = navigator.mediaDevices;
  if (!md || window.__e2eOpenDevices !== undefined) return;
  const native = md.getUserMedia.bind(md);
  let open = false;
  const waiting: (() => void)[] = [];
  window.__e2eOpenDevices = () => {
    open = true;
    for (const release of waiting.splice(0)) release();
  };
  md.getUserMedia = (constraints?: MediaStreamConstraints) =>
    open ? native(constraints) : new Promise<void>((resolve) => waiting.push(resolve)).then(() => native(constraints));
}

/** From now on (this page, reloaded) the person's devices wait for `openSlowDevices`. */
export async function makeDevicesSlow(person: Person): Promise<void> {
  await person.context.addInitScript(withSlowDevices);
  await person.page.reload();
}

export async function openSlowDevices(person: Person): Promise<void> {
  await person.page.evaluate(() => window.__e2eOpenDevices?.());
}
