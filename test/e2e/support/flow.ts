/**
 * Watching media keep flowing through an outage, from inside a page: every
 * 200 ms the page sums, over its recorded peer connections (instrument.ts),
 * the video frames decoded and the audio samples received, and keeps the
 * series. The test then asks for the longest stretch in which a counter did
 * not grow: media that "kept flowing throughout" has only short stalls.
 * Also: which candidate types each connected peer connection selected.
 */
import { runInPage, type InPage } from './participant.js';

declare global {
  interface Window {
    __e2eFlow?: { t: number; frames: number; samples: number }[];
    __e2eFlowTimer?: number;
  }
}

export async function startFlowRecorder(page: InPage): Promise<void> {
  await runInPage(page, () => {
    if (window.__e2eFlowTimer !== undefined) return;
    window.__e2eFlow = [];
    let busy = false;
    window.__e2eFlowTimer = window.setInterval(async () => {
      if (busy) return;
      busy = true;
      try {
        let frames = 0;
        let samples = 0;
        for (const pc of window.__e2ePeerConnections ?? []) {
          if (pc.connectionState === 'closed') continue;
          const stats = await pc.getStats();
          stats.forEach((r: { type?: string; kind?: string; framesDecoded?: number; totalSamplesReceived?: number }) => {
            if (r.type !== 'inbound-rtp') return;
            if (r.kind === 'video') frames += r.framesDecoded ?? 0;
            if (r.kind === 'audio') samples += r.totalSamplesReceived ?? 0;
          });
        }
        window.__e2eFlow!.push({ t: Date.now(), frames, samples });
      } finally {
        busy = false;
      }
    }, 200);
  }, null);
}

export interface FlowReport {
  /** Longest time (ms) in [from, to] during which decoded video frames did not increase. */
  videoStallMs: number;
  /** Same for received audio samples. */
  audioStallMs: number;
  framesGained: number;
  samplesGained: number;
  sampleCount: number;
}

export async function flowBetween(page: InPage, from: number, to: number): Promise<FlowReport> {
  const series = await runInPage(page, () => window.__e2eFlow ?? [], null);
  const window_ = series.filter((s) => s.t >= from && s.t <= to);
  const stall = (key: 'frames' | 'samples') => {
    let longest = 0;
    let lastGrowth = window_[0]?.t ?? from;
    for (let i = 1; i < window_.length; i++) {
      if (window_[i]![key] > window_[i - 1]![key]) lastGrowth = window_[i]!.t;
      longest = Math.max(longest, window_[i]!.t - lastGrowth);
    }
    return longest;
  };
  const first = window_[0];
  const last = window_.at(-1);
  return {
    videoStallMs: stall('frames'),
    audioStallMs: stall('samples'),
    framesGained: first && last ? last.frames - first.frames : 0,
    samplesGained: first && last ? last.samples - first.samples : 0,
    sampleCount: window_.length,
  };
}

export interface SelectedPair {
  local: string | null;
  remote: string | null;
}

/**
 * For each connected peer connection, the candidate types (host, srflx, relay) of its selected
 * pair: named by the transport (Chromium), or flagged `selected` on the pair (Firefox 153, whose
 * transport stats name none).
 */
export async function selectedPairs(page: InPage): Promise<SelectedPair[]> {
  return runInPage(page, async () => {
    const out: { local: string | null; remote: string | null }[] = [];
    for (const pc of window.__e2ePeerConnections ?? []) {
      if (pc.connectionState !== 'connected') continue;
      const stats = await pc.getStats();
      const byId = new Map<string, Record<string, unknown>>();
      stats.forEach((r: Record<string, unknown>) => byId.set(r.id as string, r));
      let pairId: string | undefined;
      stats.forEach((r: Record<string, unknown>) => {
        if (r.type === 'transport' && typeof r.selectedCandidatePairId === 'string') pairId ??= r.selectedCandidatePairId;
      });
      let pair = pairId ? byId.get(pairId) : undefined;
      stats.forEach((r: Record<string, unknown>) => {
        if (r.type === 'candidate-pair' && r.selected === true) pair ??= r;
      });
      const local = pair ? byId.get(pair.localCandidateId as string) : undefined;
      const remote = pair ? byId.get(pair.remoteCandidateId as string) : undefined;
      out.push({ local: (local?.candidateType as string | undefined) ?? null, remote: (remote?.candidateType as string | undefined) ?? null });
    }
    return out;
  }, null);
}

/** Prints a measured time so it shows in the test output (and in the report). */
export function report(label: string, ms: number): void {
  console.log(`[recovery] ${label}: ${(ms / 1000).toFixed(2)} s`);
}
