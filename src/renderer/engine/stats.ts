/**
 * Connection statistics from getStats(), reduced to what people need to see
 * (PeerStats in call-state.ts), a quality rating, and active-speaker
 * detection. Everything here is pure (a report in, numbers out) so it can be
 * tested with synthetic reports; the engine polls.
 */
import type { PeerStats, Quality } from './call-state.js';

export const STATS_INTERVAL_MS = 2_000;

/** A stats report as a list of plain records (RTCStatsReport.values() in the browser). */
export type StatsRecord = { id: string; type: string; timestamp: number; [key: string]: unknown };

/** Counters from the previous poll, to turn totals into rates. */
export interface StatsSnapshot {
  timestamp: number;
  bytesReceived: number;
  bytesSent: number;
  packetsReceived: number;
  packetsLost: number;
}

const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);
const str = (x: unknown): string | null => (typeof x === 'string' ? x : null);

export function recordsOf(report: RTCStatsReport): StatsRecord[] {
  const out: StatsRecord[] = [];
  report.forEach((value: StatsRecord) => out.push(value));
  return out;
}

/**
 * Turns one report (and the previous poll's counters) into PeerStats.
 * Loss = lost / (lost + received) over the interval, across inbound RTP streams.
 */
export function computePeerStats(records: StatsRecord[], prev: StatsSnapshot | null): { stats: PeerStats; snapshot: StatsSnapshot } {
  const byId = new Map(records.map((r) => [r.id, r]));
  let timestamp = 0;
  let bytesReceived = 0;
  let bytesSent = 0;
  let packetsReceived = 0;
  let packetsLost = 0;
  let videoCodec: string | null = null;
  let audioCodec: string | null = null;
  let transport: StatsRecord | undefined;
  let pair: StatsRecord | undefined;

  const codecName = (r: StatsRecord): string | null => {
    const codec = byId.get(str(r.codecId) ?? '');
    const mime = codec ? str(codec.mimeType) : null;
    return mime ? (mime.split('/')[1] ?? mime) : null;
  };

  for (const r of records) {
    timestamp = Math.max(timestamp, r.timestamp);
    if (r.type === 'inbound-rtp') {
      bytesReceived += num(r.bytesReceived) ?? 0;
      packetsReceived += num(r.packetsReceived) ?? 0;
      packetsLost += Math.max(0, num(r.packetsLost) ?? 0);
      if (r.kind === 'video') videoCodec ??= codecName(r);
      if (r.kind === 'audio') audioCodec ??= codecName(r);
    } else if (r.type === 'outbound-rtp') {
      bytesSent += num(r.bytesSent) ?? 0;
      if (r.kind === 'video') videoCodec ??= codecName(r);
      if (r.kind === 'audio') audioCodec ??= codecName(r);
    } else if (r.type === 'transport') {
      transport ??= r;
    }
  }
  // The selected pair: named by the transport, or (older browsers) flagged on the pair.
  pair = transport ? byId.get(str(transport.selectedCandidatePairId) ?? '') : undefined;
  pair ??= records.find((r) => r.type === 'candidate-pair' && (r.selected === true || (r.nominated === true && r.state === 'succeeded')));

  const rtt = pair ? num(pair.currentRoundTripTime) : null;
  const local = pair ? byId.get(str(pair.localCandidateId) ?? '') : undefined;
  const remote = pair ? byId.get(str(pair.remoteCandidateId) ?? '') : undefined;
  const relayed = local?.candidateType === 'relay' || remote?.candidateType === 'relay';

  let inboundKbps: number | null = null;
  let outboundKbps: number | null = null;
  let lossRate: number | null = null;
  if (prev && timestamp > prev.timestamp) {
    const seconds = (timestamp - prev.timestamp) / 1000;
    inboundKbps = Math.max(0, Math.round(((bytesReceived - prev.bytesReceived) * 8) / 1000 / seconds));
    outboundKbps = Math.max(0, Math.round(((bytesSent - prev.bytesSent) * 8) / 1000 / seconds));
    const lost = Math.max(0, packetsLost - prev.packetsLost);
    const got = Math.max(0, packetsReceived - prev.packetsReceived);
    lossRate = lost + got > 0 ? lost / (lost + got) : null;
  }

  return {
    stats: {
      rttMs: rtt === null ? null : Math.round(rtt * 1000),
      lossRate,
      inboundKbps,
      outboundKbps,
      videoCodec,
      audioCodec,
      dtlsState: transport ? str(transport.dtlsState) : null,
      srtpCipher: transport ? str(transport.srtpCipher) : null,
      relayed,
    },
    snapshot: { timestamp, bytesReceived, bytesSent, packetsReceived, packetsLost },
  };
}

/**
 * Quality as people understand it (ITU-T G.114 puts conversational trouble
 * past ~300 ms one-way; video degrades visibly past a few % loss).
 */
export function rateQuality(stats: PeerStats | null): Quality {
  if (!stats || (stats.rttMs === null && stats.lossRate === null)) return 'unknown';
  if (stats.dtlsState !== null && stats.dtlsState !== 'connected') return 'poor';
  const rtt = stats.rttMs ?? 0;
  const loss = stats.lossRate ?? 0;
  if (loss >= 0.08 || rtt >= 500) return 'poor';
  if (loss >= 0.02 || rtt >= 250) return 'fair';
  return 'good';
}

// ---- Audio levels and the active speaker ----------------------------------

/** Cumulative audio counters of one inbound audio stream (RTCInboundRtpStreamStats). */
export interface AudioEnergy {
  totalAudioEnergy: number;
  totalSamplesDuration: number;
}

/**
 * The loudness of what was received between two readings, 0..1: the RMS
 * amplitude, sqrt(Δenergy / Δduration), as the WebRTC stats spec suggests for
 * an average level. Taken from the decoded audio rather than the RTP
 * audio-level header extension, which not every sender fills in (Chromium's
 * fake microphone leaves it at 0). Null when there is nothing to compare yet.
 */
export function levelFromEnergy(previous: AudioEnergy | null, next: AudioEnergy | null): number | null {
  if (!previous || !next) return null;
  const duration = next.totalSamplesDuration - previous.totalSamplesDuration;
  const energy = next.totalAudioEnergy - previous.totalAudioEnergy;
  if (!(duration > 0) || !(energy >= 0)) return null; // no new audio, or counters reset (new stream)
  return Math.min(1, Math.sqrt(energy / duration));
}

/**
 * The cumulative audio counters in a report: of the received audio
 * ('inbound-rtp', someone else's voice) or of our own microphone as it is
 * sent ('media-source', RTCAudioSourceStats: the same counters, measured on
 * the captured audio before encoding). Null when the report has none.
 */
export function audioEnergyOf(records: readonly StatsRecord[], type: 'inbound-rtp' | 'media-source'): AudioEnergy | null {
  for (const r of records) {
    if (r.type !== type || r.kind !== 'audio') continue;
    const totalAudioEnergy = num(r.totalAudioEnergy);
    const totalSamplesDuration = num(r.totalSamplesDuration);
    if (totalAudioEnergy !== null && totalSamplesDuration !== null) return { totalAudioEnergy, totalSamplesDuration };
  }
  return null;
}

/** Fast attack, slow release: a meter that jumps with speech and falls gently. */
export function smoothLevel(previous: number, sample: number, attack = 0.6, release = 0.15): number {
  const s = Math.min(1, Math.max(0, Number.isFinite(sample) ? sample : 0));
  const k = s > previous ? attack : release;
  return previous + (s - previous) * k;
}

/**
 * How often audio levels are sampled for the meters and the active speaker:
 * four times a second is enough for a meter to look live, and cheap (one
 * getStats per link).
 */
export const LEVEL_INTERVAL_MS = 250;

/**
 * How long the speaker may be silent (their smoothed level below the
 * threshold) before the highlight goes. Longer than the pauses inside speech
 * (between words and sentences, a breath: well under 2 s), so the highlight
 * does not blink off mid-thought; short enough that, once someone has
 * finished, nobody is shown as speaking for long. Counted after the smoothed
 * level falls below the threshold, which itself takes a moment (smoothLevel's
 * slow release).
 */
export const SPEAKER_SILENCE_HOLD_MS = 3_000;

export interface SpeakerOptions {
  /** Below this (smoothed) level nobody is speaking. 0.05 ≈ -26 dBov. */
  threshold: number;
  /** A challenger must be this many times louder than the current speaker… */
  ratio: number;
  /** …for this many consecutive ticks before the highlight moves. */
  holdTicks: number;
  /** The speaker silent this long (ms) is no longer the speaker (SPEAKER_SILENCE_HOLD_MS). */
  silenceHoldMs: number;
}
export const DEFAULT_SPEAKER_OPTIONS: SpeakerOptions = { threshold: 0.05, ratio: 1.3, holdTicks: 3, silenceHoldMs: SPEAKER_SILENCE_HOLD_MS };

export interface SpeakerState {
  speakerId: string | null;
  /** When the speaker was last heard at or above the threshold (the caller's clock, ms). */
  speakerHeardAt: number;
  candidateId: string | null;
  candidateTicks: number;
}
export const INITIAL_SPEAKER_STATE: SpeakerState = { speakerId: null, speakerHeardAt: 0, candidateId: null, candidateTicks: 0 };

/** What one tick of active-speaker detection looks at. */
export interface SpeakerInput {
  /**
   * The smoothed level of everyone in the call, this client included (under
   * its own peer id). Someone absent from the map has left.
   */
  levels: ReadonlyMap<string, number>;
  /** Who is muted now (for others, what they report; for us, our own mute): never the speaker. */
  muted: ReadonlySet<string>;
  /** The time of this tick (ms, any monotonic-enough clock). */
  now: number;
}

/**
 * One tick of active-speaker detection with hysteresis: the highlight moves
 * only when someone else has been clearly louder for a few ticks, so it
 * does not flicker between two people talking over each other. The speaker
 * stays highlighted through brief pauses, but not past silenceHoldMs of
 * silence, and never once muted (muting is a clear "I am done"; the level
 * would take seconds to fall).
 */
export function nextSpeaker(state: SpeakerState, input: SpeakerInput, opts: SpeakerOptions = DEFAULT_SPEAKER_OPTIONS): SpeakerState {
  const { levels, muted, now } = input;
  let loudest: string | null = null;
  let loudestLevel = 0;
  for (const [id, level] of levels) {
    if (!muted.has(id) && level >= opts.threshold && level > loudestLevel) {
      loudest = id;
      loudestLevel = level;
    }
  }
  let current = state.speakerId !== null && levels.has(state.speakerId) && !muted.has(state.speakerId) ? state.speakerId : null;
  const currentLevel = current === null ? 0 : (levels.get(current) ?? 0);
  let heardAt = state.speakerHeardAt;
  if (current !== null && currentLevel >= opts.threshold) heardAt = now;
  if (current !== null && now - heardAt >= opts.silenceHoldMs) current = null;
  const stay = (): SpeakerState => (current === null ? INITIAL_SPEAKER_STATE : { speakerId: current, speakerHeardAt: heardAt, candidateId: null, candidateTicks: 0 });

  if (loudest === null || loudest === current) return stay();
  if (current !== null && loudestLevel < currentLevel * opts.ratio) return stay();
  const ticks = state.candidateId === loudest ? state.candidateTicks + 1 : 1;
  // Nobody highlighted (yet, or any more): take the first clear speaker at once.
  if (current === null || ticks >= opts.holdTicks) return { speakerId: loudest, speakerHeardAt: now, candidateId: null, candidateTicks: 0 };
  return { speakerId: current, speakerHeardAt: heardAt, candidateId: loudest, candidateTicks: ticks };
}
