import { describe, expect, it } from 'vitest';
import type { PeerStats } from './call-state.js';
import {
  INITIAL_SPEAKER_STATE,
  LEVEL_INTERVAL_MS,
  SPEAKER_SILENCE_HOLD_MS,
  audioEnergyOf,
  computePeerStats,
  levelFromEnergy,
  nextSpeaker,
  rateQuality,
  smoothLevel,
  type SpeakerState,
  type StatsRecord,
} from './stats.js';

function report(t: number, o: { bytesIn: number; bytesOut: number; got: number; lost: number; relay?: boolean }): StatsRecord[] {
  return [
    { id: 'T', type: 'transport', timestamp: t, dtlsState: 'connected', srtpCipher: 'SRTP_AES128_CM_HMAC_SHA1_80', selectedCandidatePairId: 'P' },
    { id: 'P', type: 'candidate-pair', timestamp: t, currentRoundTripTime: 0.042, localCandidateId: 'L', remoteCandidateId: 'R' },
    { id: 'L', type: 'local-candidate', timestamp: t, candidateType: o.relay ? 'relay' : 'host' },
    { id: 'R', type: 'remote-candidate', timestamp: t, candidateType: 'host' },
    { id: 'CV', type: 'codec', timestamp: t, mimeType: 'video/VP8' },
    { id: 'CA', type: 'codec', timestamp: t, mimeType: 'audio/opus' },
    { id: 'IV', type: 'inbound-rtp', kind: 'video', timestamp: t, codecId: 'CV', bytesReceived: o.bytesIn, packetsReceived: o.got, packetsLost: o.lost },
    { id: 'IA', type: 'inbound-rtp', kind: 'audio', timestamp: t, codecId: 'CA', bytesReceived: 0, packetsReceived: 0, packetsLost: 0 },
    { id: 'OV', type: 'outbound-rtp', kind: 'video', timestamp: t, codecId: 'CV', bytesSent: o.bytesOut },
  ];
}

describe('computePeerStats', () => {
  it('reads rtt, codecs, DTLS and SRTP from a single report; rates need two', () => {
    const { stats, snapshot } = computePeerStats(report(1000, { bytesIn: 0, bytesOut: 0, got: 0, lost: 0 }), null);
    expect(stats).toMatchObject({ rttMs: 42, videoCodec: 'VP8', audioCodec: 'opus', dtlsState: 'connected', srtpCipher: 'SRTP_AES128_CM_HMAC_SHA1_80', relayed: false });
    expect(stats.inboundKbps).toBeNull();
    expect(stats.lossRate).toBeNull();
    expect(snapshot.timestamp).toBe(1000);
  });

  it('turns counter deltas into kbps and loss over the interval', () => {
    const first = computePeerStats(report(1000, { bytesIn: 100_000, bytesOut: 50_000, got: 900, lost: 10 }), null);
    const { stats } = computePeerStats(report(3000, { bytesIn: 350_000, bytesOut: 300_000, got: 1_090, lost: 20 }), first.snapshot);
    expect(stats.inboundKbps).toBe(1000); // 250,000 bytes in 2 s
    expect(stats.outboundKbps).toBe(1000);
    expect(stats.lossRate).toBeCloseTo(10 / 200, 5);
  });

  it('says when the call goes through a TURN relay', () => {
    expect(computePeerStats(report(1, { bytesIn: 0, bytesOut: 0, got: 0, lost: 0, relay: true }), null).stats.relayed).toBe(true);
  });

  it('copes with an empty report', () => {
    const { stats } = computePeerStats([], null);
    expect(stats).toMatchObject({ rttMs: null, lossRate: null, dtlsState: null, relayed: false });
    expect(rateQuality(stats)).toBe('unknown');
  });
});

describe('rateQuality', () => {
  const s = (rttMs: number | null, lossRate: number | null, dtlsState: string | null = 'connected'): PeerStats => ({
    rttMs, lossRate, inboundKbps: null, outboundKbps: null, videoCodec: null, audioCodec: null, dtlsState, srtpCipher: null, relayed: false,
  });
  it('rates by rtt and loss', () => {
    expect(rateQuality(null)).toBe('unknown');
    expect(rateQuality(s(null, null))).toBe('unknown');
    expect(rateQuality(s(40, 0))).toBe('good');
    expect(rateQuality(s(40, null))).toBe('good');
    expect(rateQuality(s(300, 0))).toBe('fair');
    expect(rateQuality(s(40, 0.03))).toBe('fair');
    expect(rateQuality(s(600, 0))).toBe('poor');
    expect(rateQuality(s(40, 0.1))).toBe('poor');
  });
  it('a DTLS transport that is not connected is poor', () => {
    expect(rateQuality(s(40, 0, 'failed'))).toBe('poor');
  });
});

describe('audio levels', () => {
  it('rises fast and falls slowly, within 0..1', () => {
    const up = smoothLevel(0, 1);
    const down = smoothLevel(1, 0);
    expect(up).toBeGreaterThan(0.5);
    expect(down).toBeGreaterThan(0.8);
    expect(smoothLevel(0, 7)).toBeLessThanOrEqual(1);
    expect(smoothLevel(0.5, Number.NaN)).toBeLessThan(0.5);
  });
});

describe('active speaker with hysteresis', () => {
  const TICK = LEVEL_INTERVAL_MS;
  /** One tick per entry, LEVEL_INTERVAL_MS apart; `muted` lists who is muted at that tick. */
  const run = (ticks: Record<string, number>[], muted: (tick: number) => string[] = () => [], start: SpeakerState = INITIAL_SPEAKER_STATE) => {
    let s = start;
    const seen: (string | null)[] = [];
    ticks.forEach((t, i) => {
      s = nextSpeaker(s, { levels: new Map(Object.entries(t)), muted: new Set(muted(i)), now: i * TICK });
      seen.push(s.speakerId);
    });
    return seen;
  };
  const repeat = <T,>(n: number, x: T): T[] => Array.from({ length: n }, () => x);

  it('nobody speaks below the threshold', () => {
    expect(run([{ a: 0.01, b: 0.02 }])).toEqual([null]);
  });
  it('takes the first clear speaker at once', () => {
    expect(run([{ a: 0.3, b: 0.1 }])).toEqual(['a']);
  });
  it('does not flicker when two people are about as loud', () => {
    expect(run([{ a: 0.3 }, { a: 0.3, b: 0.33 }, { a: 0.3, b: 0.35 }, { a: 0.3, b: 0.32 }, { a: 0.3, b: 0.34 }])).toEqual(['a', 'a', 'a', 'a', 'a']);
  });
  it('someone else speaking takes over, once clearly louder for several ticks', () => {
    expect(run([{ a: 0.3 }, { a: 0.1, b: 0.5 }, { a: 0.1, b: 0.5 }, { a: 0.1, b: 0.5 }])).toEqual(['a', 'a', 'a', 'b']);
  });
  it('an interrupted challenge starts over', () => {
    expect(run([{ a: 0.3 }, { a: 0.1, b: 0.5 }, { a: 0.1, b: 0.5 }, { a: 0.3, b: 0.3 }, { a: 0.1, b: 0.5 }])).toEqual(['a', 'a', 'a', 'a', 'a']);
  });
  it('keeps the speaker through a brief pause, and drops one who left', () => {
    const pause = repeat(Math.floor(SPEAKER_SILENCE_HOLD_MS / TICK) - 1, { a: 0, b: 0 });
    expect(run([{ a: 0.3, b: 0 }, ...pause, { a: 0.3, b: 0 }])).toEqual(repeat(pause.length + 2, 'a'));
    expect(run([{ a: 0.3, b: 0 }, { b: 0 }])).toEqual(['a', null]);
  });
  it('clears after SPEAKER_SILENCE_HOLD_MS of silence, and the next speaker is taken at once', () => {
    const silentTicks = SPEAKER_SILENCE_HOLD_MS / TICK;
    const seen = run([{ a: 0.3, b: 0 }, ...repeat(silentTicks, { a: 0.01, b: 0 }), { a: 0.01, b: 0.2 }]);
    expect(seen.slice(0, silentTicks)).toEqual(repeat(silentTicks, 'a')); // heard at tick 0; silent for less than the hold
    expect(seen[silentTicks]).toBeNull(); // silent for the whole hold
    expect(seen[silentTicks + 1]).toBe('b');
  });
  it('muting clears the highlight at once, however loud the level still is', () => {
    expect(run([{ a: 0.3, b: 0 }, { a: 0.3, b: 0 }], (i) => (i === 1 ? ['a'] : []))).toEqual(['a', null]);
  });
  it('a muted person never becomes the speaker; someone else who speaks does at once', () => {
    expect(run([{ a: 0.9, b: 0.2 }], () => ['a'])).toEqual(['b']);
    expect(run([{ a: 0.3, b: 0.2 }, { a: 0.3, b: 0.2 }], (i) => (i === 1 ? ['a'] : []))).toEqual(['a', 'b']);
  });
  it('our own id is a speaker like anyone else, and never while we are muted', () => {
    const me = 'me';
    expect(run([{ [me]: 0.3, b: 0.01 }])).toEqual([me]);
    expect(run([{ [me]: 0.3, b: 0.01 }, { [me]: 0.3, b: 0.01 }], (i) => (i === 1 ? [me] : []))).toEqual([me, null]);
  });
});

describe('audio level from the received energy', () => {
  const at = (totalAudioEnergy: number, totalSamplesDuration: number) => ({ totalAudioEnergy, totalSamplesDuration });
  it('is the RMS amplitude over the interval', () => {
    // A constant 0.1 amplitude for 0.25 s adds 0.1² × 0.25 of energy.
    expect(levelFromEnergy(at(1, 10), at(1 + 0.01 * 0.25, 10.25))).toBeCloseTo(0.1, 6);
  });
  it('is silent when no energy arrived', () => {
    expect(levelFromEnergy(at(1, 10), at(1, 10.25))).toBe(0);
  });
  it('says nothing without two readings, without new audio, or when the counters restart', () => {
    expect(levelFromEnergy(null, at(1, 1))).toBeNull();
    expect(levelFromEnergy(at(1, 10), at(1, 10))).toBeNull();
    expect(levelFromEnergy(at(5, 10), at(0.1, 0.5))).toBeNull();
  });
  it('never exceeds full scale', () => {
    expect(levelFromEnergy(at(0, 0), at(10, 1))).toBe(1);
  });
});

describe('audio counters in a report', () => {
  const rec = (type: string, kind: string, totalAudioEnergy?: number, totalSamplesDuration?: number): StatsRecord => ({
    id: `${type}-${kind}`, type, kind, timestamp: 1, ...(totalAudioEnergy === undefined ? {} : { totalAudioEnergy, totalSamplesDuration }),
  });
  it('reads the received audio and our own microphone (media-source) separately', () => {
    const records = [rec('inbound-rtp', 'video'), rec('inbound-rtp', 'audio', 2, 10), rec('media-source', 'video'), rec('media-source', 'audio', 3, 11)];
    expect(audioEnergyOf(records, 'inbound-rtp')).toEqual({ totalAudioEnergy: 2, totalSamplesDuration: 10 });
    expect(audioEnergyOf(records, 'media-source')).toEqual({ totalAudioEnergy: 3, totalSamplesDuration: 11 });
  });
  it('is null when the counters are missing (a browser that does not fill them in)', () => {
    expect(audioEnergyOf([rec('media-source', 'audio')], 'media-source')).toBeNull();
    expect(audioEnergyOf([], 'inbound-rtp')).toBeNull();
  });
});
