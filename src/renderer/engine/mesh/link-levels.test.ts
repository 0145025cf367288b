import { describe, expect, it } from 'vitest';
import { createLinkLevels } from './link-levels.js';

/** A stats report as getStats() gives it: something with forEach over records. */
const report = (type: string, totalAudioEnergy: number, totalSamplesDuration: number) =>
  new Map([['a', { id: 'a', type, kind: 'audio', timestamp: 0, totalAudioEnergy, totalSamplesDuration }]]) as unknown as RTCStatsReport;

/** Something with getStats() that answers the next report from a list. */
function reporting(kind: string, reports: RTCStatsReport[]) {
  return { track: { kind }, getStats: async () => reports.shift()! };
}

describe('link levels', () => {
  it("reads the peer's microphone, not their screen's sound: RMS since the previous reading", async () => {
    const mic = reporting('audio', [report('inbound-rtp', 0, 0), report('inbound-rtp', 0.25, 1)]);
    const screenSound = reporting('audio', [report('inbound-rtp', 0, 0), report('inbound-rtp', 1, 1)]);
    const levels = createLinkLevels({
      pc: { getReceivers: () => [screenSound, mic] as unknown as RTCRtpReceiver[], getSenders: () => [] },
      isScreenTrack: (t) => t === (screenSound.track as unknown as MediaStreamTrack),
      isScreenSender: () => false,
    });
    expect(await levels.remote()).toBeNull(); // nothing to compare yet
    expect(await levels.remote()).toBeCloseTo(0.5); // sqrt(0.25 / 1)
  });

  it('reads our own microphone as this link sends it, not a shared screen sender', async () => {
    const mic = reporting('audio', [report('media-source', 1, 1), report('media-source', 1.04, 2)]);
    const screen = reporting('audio', []);
    const levels = createLinkLevels({
      pc: { getReceivers: () => [], getSenders: () => [screen, mic] as unknown as RTCRtpSender[] },
      isScreenTrack: () => false,
      isScreenSender: (s) => s === (screen as unknown as RTCRtpSender),
    });
    expect(await levels.local()).toBeNull();
    expect(await levels.local()).toBeCloseTo(0.2);
  });

  it('knows no level without audio, or after dispose', async () => {
    const mic = reporting('audio', [report('inbound-rtp', 0, 0), report('inbound-rtp', 1, 1)]);
    const levels = createLinkLevels({
      pc: { getReceivers: () => [mic] as unknown as RTCRtpReceiver[], getSenders: () => [] },
      isScreenTrack: () => false,
      isScreenSender: () => false,
    });
    expect(await levels.local()).toBeNull();
    await levels.remote();
    levels.dispose();
    expect(await levels.remote()).toBeNull();
  });
});
