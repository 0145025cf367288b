/**
 * What a person actually receives, checked inside their page: a remote
 * `video[data-peer-id]` that decodes frames of a real size, sound above
 * silence on the audio of that person's stream, and (through the test-only
 * RTCPeerConnection record, see instrument.ts) DTLS connected with an SRTP
 * cipher on every connected peer connection.
 */
import { expect, type Page } from '@playwright/test';
import { isParticipant, runInPage, type InPage } from './participant.js';

/** RMS of a full-scale-normalized signal; Chromium's fake microphone beeps far above this, silence is ~0. */
export const SILENCE_RMS = 0.01;

/** The remote videos this page shows, by peer id. */
export async function remotePeerIds(page: Page): Promise<string[]> {
  return page.locator('video[data-peer-id]').evaluateAll((videos) => videos.map((v) => v.getAttribute('data-peer-id') ?? ''));
}

/** What a page's video of a peer shows and decodes now (see videoProgress). */
export interface VideoProgress {
  width: number;
  height: number;
  /** Frames the element presented (Firefox: painted). */
  frames: number;
  /** Frames the receiver of the element's video track decoded (getStats); null where no receiver carries it. */
  decoded: number | null;
  /**
   * Which video track the element shows, numbered in the page in the order the page first saw
   * them (track ids do not tell: Janus names its tracks by section, "janus1", on every new
   * connection); null: none.
   */
  track: number | null;
}

/** The peer's `video[data-peer-id]` in this page, read once. */
export async function videoProgress(page: InPage, peerId: string): Promise<VideoProgress> {
  return runInPage(page, async (id: string) => {
    const video = document.querySelector<HTMLVideoElement>(`video[data-peer-id="${CSS.escape(id)}"]`);
    if (!video) return { width: 0, height: 0, frames: 0, decoded: null, track: null };
    // Firefox counts no playback frames for a MediaStream source (always 0); it counts the frames it painted.
    const painted = (video as HTMLVideoElement & { mozPaintedFrames?: number }).mozPaintedFrames ?? 0;
    const track = (video.srcObject as MediaStream | null)?.getVideoTracks()[0];
    const receiver = (window.__e2ePeerConnections ?? [])
      .filter((pc) => pc.connectionState !== 'closed')
      .flatMap((pc) => pc.getReceivers())
      .find((r) => track !== undefined && r.track.id === track.id);
    const numbers = (window.__e2eTrackNumbers ??= new WeakMap<MediaStreamTrack, number>());
    const numberOf = (t: MediaStreamTrack): number => {
      let n = numbers.get(t);
      if (n === undefined) {
        n = window.__e2eTracksNumbered = (window.__e2eTracksNumbered ?? 0) + 1;
        numbers.set(t, n);
      }
      return n;
    };
    let decoded: number | null = null;
    if (receiver) {
      decoded = 0;
      (await receiver.getStats()).forEach((r: { type?: string; framesDecoded?: number }) => {
        if (r.type === 'inbound-rtp') decoded! += r.framesDecoded ?? 0;
      });
    }
    return { width: video.videoWidth, height: video.videoHeight, frames: video.getVideoPlaybackQuality().totalVideoFrames || painted, decoded, track: track ? numberOf(track) : null };
  }, peerId);
}

/**
 * How far the video has got: the frames its receiver decoded, or the element's presented frames
 * where no receiver is found. Headless Chromium sometimes stops presenting a remote video
 * (totalVideoFrames frozen) while its connection keeps decoding (docs/e2e-and-benchmarks.md; CI
 * run 2026-12-02, four-person mesh: 18 frames, frozen for 10 s), so presented frames alone do not
 * say whether media arrives.
 */
export function progressOf(p: VideoProgress): number {
  return p.decoded ?? p.frames;
}

/**
 * Waits until the peer's video has a decoded frame with non-zero size, then until more frames keep
 * arriving (progressOf) on the track it shows. Two samples are compared only when they count the
 * same thing: the same track, by the same measure. When the element's stream is replaced meanwhile
 * (a meeting moving to the SFU, a renegotiation), counting starts again on the new track (its
 * receiver starts from 0; CI run of 2026-12-02: 124 decoded on the old one, 103 on the new).
 */
export async function expectVideoFlowing(page: InPage, peerId: string, timeoutMs = 20_000): Promise<void> {
  await expect
    .poll(async () => {
      const f = await videoProgress(page, peerId);
      // Decoded frames count too: the element's presented count can stay frozen while decoding goes on (progressOf).
      return f.width > 0 && f.height > 0 && (f.frames > 0 || (f.decoded ?? 0) > 0);
    }, { message: `video from ${peerId} decodes frames of non-zero size`, timeout: timeoutMs })
    .toBe(true);
  let baseline = await videoProgress(page, peerId);
  await expect
    .poll(
      async () => {
        const now = await videoProgress(page, peerId);
        if (now.track !== baseline.track || (now.decoded === null) !== (baseline.decoded === null)) {
          baseline = now;
          return `counting again on track ${String(now.track)}`;
        }
        return progressOf(now) > progressOf(baseline) ? 'decoding' : `stalled at ${progressOf(now)} frames`;
      },
      { message: `video from ${peerId} keeps decoding`, timeout: 10_000 },
    )
    .toBe('decoding');
}

/**
 * The loudest RMS heard on the peer's audio over `windowMs`: an AnalyserNode
 * on the audio track of the peer's stream (the video element's srcObject, or
 * an audio element for the same peer). Sampled every 10 ms with a 2048-sample
 * window, so no beep of the fake microphone slips between two reads.
 */
export async function peakAudioRms(page: InPage, peerId: string, windowMs = 3000): Promise<number> {
  return runInPage(
    page,
    async ({ id, windowMs }: { id: string; windowMs: number }) => {
      const sel = (tag: string) => document.querySelector<HTMLMediaElement>(`${tag}[data-peer-id="${CSS.escape(id)}"]`);
      const tracks = [sel('video'), sel('audio')]
        .map((el) => el?.srcObject)
        .flatMap((s) => (s instanceof MediaStream ? s.getAudioTracks() : []));
      if (tracks.length === 0) throw new Error(`no audio track for peer ${id}`);
      const ctx = new AudioContext();
      await ctx.resume();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 2048;
      ctx.createMediaStreamSource(new MediaStream(tracks)).connect(analyser);
      const buffer = new Float32Array(analyser.fftSize);
      let peak = 0;
      const end = performance.now() + windowMs;
      while (performance.now() < end) {
        analyser.getFloatTimeDomainData(buffer);
        let sum = 0;
        for (const x of buffer) sum += x * x;
        peak = Math.max(peak, Math.sqrt(sum / buffer.length));
        await new Promise((r) => setTimeout(r, 10));
      }
      await ctx.close();
      return peak;
    },
    { id: peerId, windowMs },
  );
}

/**
 * The RMS of the audio the page's receiver decoded from the peer over `windowMs`
 * (sqrt(ΔtotalAudioEnergy / ΔtotalSamplesDuration) of its inbound-rtp stats). For Firefox:
 * headless Firefox here has no audio output device, and its AudioContext never leaves
 * "suspended" (measured: not even with autoplay allowed), so nothing can be heard through it;
 * the decoder's own counters still say whether sound above silence arrived.
 */
export async function decodedAudioRms(page: InPage, peerId: string, windowMs = 3000): Promise<number> {
  return runInPage(
    page,
    async ({ id, windowMs }: { id: string; windowMs: number }) => {
      const video = document.querySelector<HTMLMediaElement>(`video[data-peer-id="${CSS.escape(id)}"]`);
      const track = video?.srcObject instanceof MediaStream ? video.srcObject.getAudioTracks()[0] : undefined;
      if (!track) throw new Error(`no audio track for peer ${id}`);
      const receiver = (window.__e2ePeerConnections ?? []).flatMap((pc) => pc.getReceivers()).find((r) => r.track === track);
      if (!receiver) throw new Error(`no receiver for the audio of peer ${id}`);
      const read = async () => {
        let energy = 0;
        let duration = 0;
        (await receiver.getStats()).forEach((r: Record<string, unknown>) => {
          if (r.type !== 'inbound-rtp') return;
          energy += typeof r.totalAudioEnergy === 'number' ? r.totalAudioEnergy : 0;
          duration += typeof r.totalSamplesDuration === 'number' ? r.totalSamplesDuration : 0;
        });
        return { energy, duration };
      };
      const a = await read();
      await new Promise((r) => setTimeout(r, windowMs));
      const b = await read();
      return b.duration > a.duration ? Math.sqrt(Math.max(0, b.energy - a.energy) / (b.duration - a.duration)) : 0;
    },
    { id: peerId, windowMs },
  );
}

export async function expectAudioAudible(page: InPage, peerId: string): Promise<void> {
  const measure = isParticipant(page) && page.browser === 'firefox' ? decodedAudioRms : peakAudioRms;
  // A few tries: the first packets may arrive after the measuring started.
  await expect
    .poll(() => measure(page, peerId), { message: `audio from ${peerId} is above silence`, timeout: 20_000, intervals: [0] })
    .toBeGreaterThan(SILENCE_RMS);
}

export interface TransportSecurity {
  connectionState: string;
  dtlsState: string | null;
  srtpCipher: string | null;
  tlsVersion: string | null;
  dtlsCipher: string | null;
}

/** DTLS and SRTP as each connected peer connection of the page reports them. */
export async function connectedTransports(page: InPage): Promise<TransportSecurity[]> {
  return runInPage(page, async () => {
    const pcs = (window.__e2ePeerConnections ?? []).filter((pc) => pc.connectionState === 'connected');
    const out: TransportSecurity[] = [];
    for (const pc of pcs) {
      const stats = await pc.getStats();
      let transport: Record<string, unknown> | undefined;
      stats.forEach((report: Record<string, unknown>) => {
        if (report.type === 'transport' && report.dtlsState !== undefined) transport ??= report;
      });
      out.push({
        connectionState: pc.connectionState,
        dtlsState: (transport?.dtlsState as string | undefined) ?? null,
        srtpCipher: (transport?.srtpCipher as string | undefined) ?? null,
        tlsVersion: (transport?.tlsVersion as string | undefined) ?? null,
        dtlsCipher: (transport?.dtlsCipher as string | undefined) ?? null,
      });
    }
    return out;
  }, null);
}

/** Every one of `count` peer connections is connected over DTLS and protects media with an SRTP cipher. */
export async function expectSecureTransports(page: InPage, count: number): Promise<TransportSecurity[]> {
  await expect.poll(async () => (await connectedTransports(page)).length, { message: 'connected peer connections' }).toBe(count);
  const transports = await connectedTransports(page);
  for (const t of transports) {
    expect(t.dtlsState).toBe('connected');
    expect(t.srtpCipher ?? '').not.toBe('');
  }
  return transports;
}
