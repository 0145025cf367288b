/**
 * Screen sharing seen from inside the pages: what a viewer decodes for a
 * presenter's shared screen (getStats inbound-rtp of the track the share's
 * `video[data-screen-peer-id]` plays), and what the presenter's peer
 * connections send it on (the test-only RTCPeerConnection record,
 * instrument.ts).
 */
import { expect, type Locator, type Page } from '@playwright/test';
import { runInPage, type InPage } from './participant.js';
import { controls } from './ui.js';

export function shareButton(page: Page): Locator {
  return controls(page).getByRole('button', { name: /^Share screen\b/ });
}

/** The stage showing someone's shared screen. */
export function shareStage(page: Page, presenterName: string): Locator {
  return page.getByRole('group', { name: `${presenterName}'s screen`, exact: true });
}

export interface DecodedScreen {
  /** The share's video element: its intrinsic size. */
  videoWidth: number;
  videoHeight: number;
  /** inbound-rtp of the share's track, summed over every connection of the page (one has it). */
  frameWidth: number;
  frameHeight: number;
  framesDecoded: number;
}

/** What this page decodes of `presenterId`'s shared screen; null when it shows none. */
export async function decodedScreen(page: InPage, presenterId: string): Promise<DecodedScreen | null> {
  return runInPage(page, async (id: string) => {
    const video = document.querySelector<HTMLVideoElement>(`video[data-screen-peer-id="${CSS.escape(id)}"]`);
    const track = video?.srcObject instanceof MediaStream ? video.srcObject.getVideoTracks()[0] : undefined;
    if (!video || !track) return null;
    const out = { videoWidth: video.videoWidth, videoHeight: video.videoHeight, frameWidth: 0, frameHeight: 0, framesDecoded: 0 };
    for (const pc of window.__e2ePeerConnections ?? []) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((r: Record<string, unknown>) => {
        if (r.type !== 'inbound-rtp' || r.kind !== 'video' || r.trackIdentifier !== track.id) return;
        out.frameWidth = Number(r.frameWidth ?? 0);
        out.frameHeight = Number(r.frameHeight ?? 0);
        out.framesDecoded += Number(r.framesDecoded ?? 0);
      });
    }
    return out;
  }, presenterId);
}

/** Waits until the viewer decodes the presenter's share at exactly this size, and keeps decoding it. */
export async function expectScreenDecoded(page: Page, presenterId: string, width: number, height: number): Promise<DecodedScreen> {
  await expect
    .poll(async () => {
      const d = await decodedScreen(page, presenterId);
      return d ? `${d.frameWidth}x${d.frameHeight} video ${d.videoWidth}x${d.videoHeight}` : 'no share shown';
    }, { message: `the share of ${presenterId} is decoded at ${width}x${height}`, timeout: 30_000 })
    .toBe(`${width}x${height} video ${width}x${height}`);
  const before = (await decodedScreen(page, presenterId))!.framesDecoded;
  await expect
    .poll(async () => (await decodedScreen(page, presenterId))?.framesDecoded ?? 0, { message: 'the share keeps decoding', timeout: 10_000 })
    .toBeGreaterThan(before);
  return (await decodedScreen(page, presenterId))!;
}

export interface ScreenSender {
  mid: string | null;
  currentDirection: string | null;
  /** The sender's track: its kind and content hint, or null once the share stopped. */
  track: { kind: string; contentHint: string; readyState: string; width: number | null; height: number | null } | null;
  maxFramerate: number | null;
  maxBitrate: number | null;
  scaleResolutionDownBy: number | null;
  degradationPreference: string | null;
}

/**
 * Every transceiver of the presenter's connections that carries (or carried)
 * its screen: the engine makes those `sendonly` and parks them `inactive`; a
 * camera or microphone is `sendrecv`, and a peer's share arrives on
 * `recvonly` ones.
 */
export async function screenSenders(page: Page): Promise<ScreenSender[]> {
  return page.evaluate(() =>
    (window.__e2ePeerConnections ?? [])
      .filter((pc) => pc.connectionState !== 'closed')
      .flatMap((pc) =>
        pc
          .getTransceivers()
          .filter((t) => t.direction === 'sendonly' || t.direction === 'inactive')
          .map((t) => {
            const p = t.sender.getParameters() as RTCRtpSendParameters & { degradationPreference?: string };
            const enc = p.encodings?.[0];
            const track = t.sender.track;
            const settings = track?.getSettings();
            return {
              mid: t.mid,
              currentDirection: t.currentDirection,
              track: track ? { kind: track.kind, contentHint: track.contentHint, readyState: track.readyState, width: settings?.width ?? null, height: settings?.height ?? null } : null,
              maxFramerate: enc?.maxFramerate ?? null,
              maxBitrate: enc?.maxBitrate ?? null,
              scaleResolutionDownBy: enc?.scaleResolutionDownBy ?? null,
              degradationPreference: p.degradationPreference ?? null,
            };
          }),
      ),
  );
}

/** Pretends the person pressed the browser's own "Stop sharing": the capture's video track ends. */
export async function endCaptureAsTheBrowserWould(page: Page): Promise<void> {
  const ended = await page.evaluate(() => {
    for (const pc of window.__e2ePeerConnections ?? []) {
      const track = pc.getSenders().find((s) => s.track?.contentHint === 'detail')?.track;
      if (!track) continue;
      // A track ends by itself only when its source goes (the browser's stop button); stop() fires no event.
      track.stop();
      track.dispatchEvent(new Event('ended'));
      return true;
    }
    return false;
  });
  if (!ended) throw new Error('no screen track being sent');
}

/**
 * Resolves in the viewer's page, with the page's clock (Date.now()), when the
 * first frame of a shared screen is presented; for timing only.
 */
export async function firstScreenFrameAt(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        const look = () => {
          const video = document.querySelector<HTMLVideoElement>('video[data-screen-peer-id]');
          if (video) video.requestVideoFrameCallback(() => resolve(Date.now()));
          else setTimeout(look, 5);
        };
        look();
      }),
  );
}
