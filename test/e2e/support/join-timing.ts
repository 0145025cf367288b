/**
 * Figures for the mixed-browser bench line, measured inside the page, the
 * same way in Chromium and Firefox:
 * - key derivation: the app's own User Timing measure (`merimeet:key-derivation`,
 *   src/renderer/ui/prejoin/key-derivation.ts), from the link opening to the keys;
 * - join click → first remote frame: from the click event on "Join meeting" to the
 *   first requestVideoFrameCallback of any remote `video[data-peer-id]` (the
 *   stopwatch of the `call` benchmark, test/bench/call/stopwatch.page.js, does the same).
 */
import { expect } from '@playwright/test';
import { runInPage, type Participant } from './participant.js';

declare global {
  interface Window {
    __e2eJoinTiming?: { clickAt: number | null; firstFrameAt: number | null };
  }
}

/** Arms the stopwatch: call before pressing "Join meeting". */
export async function armJoinStopwatch(p: Participant): Promise<void> {
  await runInPage(
    p,
    () => {
      const timing = { clickAt: null as number | null, firstFrameAt: null as number | null };
      window.__e2eJoinTiming = timing;
      document.addEventListener(
        'click',
        (e) => {
          const button = (e.target as Element | null)?.closest('button');
          if (timing.clickAt !== null || button?.textContent?.trim() !== 'Join meeting') return;
          timing.clickAt = performance.now();
          const watched = new WeakSet<HTMLVideoElement>();
          const look = () => {
            if (timing.firstFrameAt !== null) return;
            for (const v of document.querySelectorAll<HTMLVideoElement>('video[data-peer-id]')) {
              if (watched.has(v)) continue;
              watched.add(v);
              v.requestVideoFrameCallback(() => {
                timing.firstFrameAt ??= performance.now();
              });
            }
            requestAnimationFrame(look);
          };
          look();
        },
        true,
      );
    },
    null,
  );
}

export interface JoinFigures {
  keyDerivationMs: number;
  joinToFirstFrameMs: number;
}

/** Both figures, once the first remote frame has been presented. */
export async function joinFigures(p: Participant): Promise<JoinFigures> {
  const read = () =>
    runInPage(
      p,
      (measure: string) => {
        const t = window.__e2eJoinTiming;
        const kdf = performance.getEntriesByName(measure)[0]?.duration ?? null;
        return t?.clickAt != null && t.firstFrameAt != null && kdf !== null ? { keyDerivationMs: kdf, joinToFirstFrameMs: t.firstFrameAt - t.clickAt } : null;
      },
      'merimeet:key-derivation',
    );
  await expect.poll(read, { message: `${p.name} (${p.browser}): key derivation measured and a first remote frame presented` }).not.toBeNull();
  return (await read())!;
}
