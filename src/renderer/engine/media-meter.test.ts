import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CallState } from './call-state.js';
import { MediaMeter } from './media-meter.js';
import type { AudioLevels, MediaTopology, PeerReport } from './media-topology.js';
import { initialState, withPeerInfo } from './roster.js';
import { Lifetime } from './session/lifetime.js';
import { createStore, type Store } from './store.js';

const ME = 'me';
const peer = (peerId: string, muted = false) => ({ peerId, displayName: peerId, muted, videoOff: false, handRaised: false });

let levels: AudioLevels;
let reports: Map<string, PeerReport>;
let store: Store<CallState>;
let lifetime: Lifetime;
let meter: MediaMeter;

beforeEach(() => {
  levels = { local: null, remote: new Map() };
  reports = new Map();
  let st: CallState = { ...initialState(), phase: 'in-call', local: { ...initialState().local, peerId: ME } };
  st = withPeerInfo(withPeerInfo(st, peer('a')), peer('b', true));
  store = createStore(st);
  lifetime = new Lifetime();
  const topology = { readAudioLevels: async () => levels, readReports: async () => reports } as unknown as MediaTopology;
  meter = new MediaMeter({ lifetime, store, topology: () => topology, statsIntervalMs: 2_000, levelIntervalMs: 250 });
});
afterEach(() => lifetime.end());

describe('the media meter', () => {
  it('highlights the loudest unmuted person; a muted one reads as silent whatever their link says', async () => {
    levels = { local: 0, remote: new Map([['a', 0.6], ['b', 0.9]]) };
    await meter.pollLevels();
    const st = store.get();
    expect(st.activeSpeakerId).toBe('a');
    expect(st.peers.find((p) => p.peerId === 'b')!.audioLevel).toBe(0);
    expect(st.peers.find((p) => p.peerId === 'a')!.audioLevel).toBeGreaterThan(0.3);
  });

  it('publishes nothing when no level moved (no state, no render)', async () => {
    const listener = vi.fn();
    store.subscribe(listener);
    levels = { local: 0, remote: new Map([['a', 0], ['b', 0]]) };
    await meter.pollLevels();
    expect(listener).not.toHaveBeenCalled();
  });

  it('never runs two level reads at once', async () => {
    let reads = 0;
    let release: () => void = () => undefined;
    const slow = { readAudioLevels: () => (reads++, new Promise<AudioLevels>((r) => (release = () => r(levels)))) } as unknown as MediaTopology;
    const m = new MediaMeter({ lifetime, store, topology: () => slow, statsIntervalMs: 2_000, levelIntervalMs: 250 });
    const first = m.pollLevels();
    await m.pollLevels();
    release();
    await first;
    expect(reads).toBe(1);
  });

  it('stops with its lifetime: no read after the end changes the state', async () => {
    vi.useFakeTimers();
    try {
      const read = vi.fn(async () => levels);
      const t = { readAudioLevels: read, readReports: async () => reports } as unknown as MediaTopology;
      const m = new MediaMeter({ lifetime, store, topology: () => t, statsIntervalMs: 2_000, levelIntervalMs: 250 });
      m.start();
      m.start(); // once per session
      await vi.advanceTimersByTimeAsync(500);
      expect(read).toHaveBeenCalledTimes(2);
      lifetime.end();
      await vi.advanceTimersByTimeAsync(5_000);
      expect(read).toHaveBeenCalledTimes(2);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('turns stats into quality and a safety code, once both fingerprints are known', async () => {
    const fp = (b: number) => ({ algorithm: 'sha-256', value: Array.from({ length: 32 }, () => b.toString(16).padStart(2, '0')).join(':') });
    reports = new Map([
      ['a', { records: [], fingerprints: { local: fp(1), remote: fp(2) } }],
      ['b', { records: [], fingerprints: null }],
    ]);
    await meter.pollStats();
    const [a, b] = store.get().peers;
    expect(a!.safetyCode).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
    expect(b!.safetyCode).toBeNull();
    expect(a!.stats).not.toBeNull();
  });
});
