/**
 * A person without a camera: injected before the app loads, it makes every
 * getUserMedia that asks for video fail as on a computer with no camera
 * (NotFoundError), until the test plugs one in (`plugInCamera`).
 */
import type { Person } from './people.js';

declare global {
  interface Window {
    __e2eNoCamera?: boolean;
  }
}

/** Serialized into the page by Playwright: must not close over anything. */
function withoutCamera(): void {
  const md = navigator.mediaDevices;
  if (!md || window.__e2eNoCamera !== undefined) return;
  window.__e2eNoCamera = true;
  const native = md.getUserMedia.bind(md);
  md.getUserMedia = (constraints?: MediaStreamConstraints) =>
    window.__e2eNoCamera && constraints?.video ? Promise.reject(new DOMException('Requested device not found', 'NotFoundError')) : native(constraints);
}

/** From now on (including this page, reloaded) the person has no camera. */
export async function unplugCamera(person: Person): Promise<void> {
  await person.context.addInitScript(withoutCamera);
  await person.page.reload();
}

export async function plugInCamera(person: Person): Promise<void> {
  await person.page.evaluate(() => {
    window.__e2eNoCamera = false;
  });
}
