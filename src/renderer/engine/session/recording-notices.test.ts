/**
 * Two people's RecordingNotices wired together the way a call wires them: a
 * "server" that relays signals (and can drop or invent them) and a data
 * channel between them that the server cannot touch. Real AES-GCM, real
 * timers (short waits, measured: a notice opens in < 5 ms here).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CallError, CallState } from '../call-state.js';
import type { MediaTopology } from '../media-topology.js';
import { mayRecord, recorderIds } from '../recording/recording-consent.js';
import { deriveRecordingKey, type RecordingSignal } from '../recording/recording-notice.js';
import { WITHHELD_GRACE_MS } from '../recording/recording-watch.js';
import { initialState } from '../roster.js';
import { createStore } from '../store.js';
import { Lifetime } from './lifetime.js';
import { RecordingNotices } from './recording-notices.js';

type Relay = (from: string, to: string, data: RecordingSignal) => RecordingSignal | null;

const lifetimes: Lifetime[] = [];
afterEach(() => {
  for (const l of lifetimes.splice(0)) l.end();
});

async function meeting(relay: Relay = (_f, _t, d) => d) {
  const e2e = await crypto.subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), 'HKDF', false, ['deriveKey', 'deriveBits']);
  const key = await deriveRecordingKey(e2e);
  const people = new Map<string, { notices: RecordingNotices; store: ReturnType<typeof createStore<CallState>>; warnings: CallError[] }>();
  const ids = ['host', 'guest'];
  for (const id of ids) {
    const lifetime = new Lifetime();
    lifetimes.push(lifetime);
    const others = ids.filter((x) => x !== id);
    const store = createStore<CallState>({
      ...initialState(),
      phase: 'in-call',
      hostId: 'host',
      local: { ...initialState().local, peerId: id, isHost: id === 'host' },
      peers: others.map((peerId) => ({ ...initialState().local, peerId, displayName: peerId, isHost: peerId === 'host' })),
    });
    const warnings: CallError[] = [];
    const topology = {
      sendControl: (frame: string) => {
        for (const to of others) people.get(to)?.notices.fromDirect(id, frame);
        return others.length;
      },
    } as unknown as MediaTopology;
    const notices = new RecordingNotices({
      lifetime,
      meetingId: 'meeting',
      key,
      localId: () => id,
      topology,
      sendSignal: (to, data) => {
        const out = relay(id, to, data);
        if (out) people.get(to)?.notices.fromServer(id, out);
      },
      peerIds: () => others,
      update: (fn) => store.update(fn),
      warn: (w) => warnings.push(w),
      nameOf: (peerId) => peerId,
    });
    people.set(id, { notices, store, warnings });
  }
  return (id: string) => people.get(id)!;
}

const settle = (ms = 30) => new Promise((r) => setTimeout(r, ms));

describe('recording notices between two people', () => {
  it('by default only the host may record; the host can let everyone, and take it back', async () => {
    const who = await meeting();
    expect(mayRecord(who('host').store.get())).toBe(true);
    expect(mayRecord(who('guest').store.get())).toBe(false);
    await who('host').notices.announce({ everyoneMayRecord: true });
    await settle();
    expect(mayRecord(who('guest').store.get())).toBe(true);
    await who('host').notices.announce({ everyoneMayRecord: false });
    await settle();
    expect(mayRecord(who('guest').store.get())).toBe(false);
  });

  it('everyone sees who records as soon as it starts, and no longer once it stops', async () => {
    const who = await meeting();
    await who('host').notices.announce({ recording: true });
    await settle();
    expect(recorderIds(who('guest').store.get())).toEqual(['host']);
    expect(recorderIds(who('host').store.get())).toEqual(['host']);
    await who('host').notices.announce({ recording: false });
    await settle();
    expect(recorderIds(who('guest').store.get())).toEqual([]);
    expect(who('guest').warnings).toEqual([]);
  });

  it('a server that drops the notice neither hides it nor goes unnoticed', async () => {
    const who = await meeting(() => null);
    await who('host').notices.announce({ recording: true });
    await settle();
    expect(recorderIds(who('guest').store.get())).toEqual(['host']);
    await settle(WITHHELD_GRACE_MS + 700);
    expect(who('guest').warnings).toEqual([{ code: 'recording_withheld', peerName: 'host' }]);
  }, 10_000);

  it('a server that invents a notice in someone’s name is caught, and the indicator does not show', async () => {
    const who = await meeting();
    // A "recording" the server made up (it has no key), and the host's own notice re-addressed as the guest's.
    who('host').notices.fromServer('guest', { kind: 'recording', sealed: '{"v":1}' });
    await who('guest').notices.announce({ recording: false });
    await settle();
    who('guest').notices.fromServer('host', { kind: 'recording', sealed: 'x'.repeat(2_000) });
    await settle();
    expect(recorderIds(who('host').store.get())).toEqual([]);
    expect(who('host').warnings).toEqual([{ code: 'recording_forged', peerName: 'guest' }]);
    expect(who('guest').warnings).toEqual([{ code: 'recording_forged', peerName: 'host' }]);
  });
});
