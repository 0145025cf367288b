import { describe, expect, it } from 'vitest';
import type { PeerStats } from './call-state.js';
import { INITIAL_SPEAKER_STATE, computePeerStats, levelFromEnergy, nextSpeaker, rateQuality, smoothLevel, type SpeakerState, type StatsRecord } from './stats.js';

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
  const run = (ticks: Record<string, number>[], start: SpeakerState = INITIAL_SPEAKER_STATE) => {
    let s = start;
    const seen: (string | null)[] = [];
    for (const t of ticks) {
      s = nextSpeaker(s, new Map(Object.entries(t)));
      seen.push(s.speakerId);
    }
    return seen;
  };

  it('nobody speaks below the threshold', () => {
    expect(run([{ a: 0.01, b: 0.02 }])).toEqual([null]);
  });
  it('takes the first clear speaker at once', () => {
    expect(run([{ a: 0.3, b: 0.1 }])).toEqual(['a']);
  });
  it('does not flicker when two people are about as loud', () => {
    expect(run([{ a: 0.3 }, { a: 0.3, b: 0.33 }, { a: 0.3, b: 0.35 }, { a: 0.3, b: 0.32 }, { a: 0.3, b: 0.34 }])).toEqual(['a', 'a', 'a', 'a', 'a']);
  });
  it('moves only after the challenger is clearly louder for several ticks', () => {
    expect(run([{ a: 0.3 }, { a: 0.1, b: 0.5 }, { a: 0.1, b: 0.5 }, { a: 0.1, b: 0.5 }])).toEqual(['a', 'a', 'a', 'b']);
  });
  it('an interrupted challenge starts over', () => {
    expect(run([{ a: 0.3 }, { a: 0.1, b: 0.5 }, { a: 0.1, b: 0.5 }, { a: 0.3, b: 0.3 }, { a: 0.1, b: 0.5 }])).toEqual(['a', 'a', 'a', 'a', 'a']);
  });
  it('keeps the last speaker through a pause, and drops one who left', () => {
    expect(run([{ a: 0.3, b: 0 }, { a: 0, b: 0 }])).toEqual(['a', 'a']);
    expect(run([{ a: 0.3, b: 0 }, { b: 0 }])).toEqual(['a', null]);
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
