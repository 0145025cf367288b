/**
 * The composition: that createPeerLink wires its parts together and that
 * close() takes them all down. The parts have their own tests; a real
 * connection is covered end-to-end in Chromium.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PeerConnectionState } from '../call-state.js';
import type { SignalPayload } from '../negotiation.js';
import { createPeerLink, type PeerLink } from './peer-link.js';

const MEETING = 'abc-defg-hjk';
/** The smaller id is impolite: it makes the first offer. */
const IMPOLITE = 'aaaaaaaaaaaaaaaa';
const POLITE = 'bbbbbbbbbbbbbbbb';

/** Enough of RTCPeerConnection for a link that never gets media across. */
class FakePc {
  connectionState: RTCPeerConnectionState = 'new';
  iceConnectionState: RTCIceConnectionState = 'new';
  signalingState: RTCSignalingState = 'stable';
  localDescription: RTCSessionDescription | null = null;
  channels: string[] = [];
  closed = false;
  restarts = 0;
  onnegotiationneeded: (() => void) | null = null;
  onicecandidate: ((ev: { candidate: null }) => void) | null = null;
  ontrack: ((ev: RTCTrackEvent) => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  oniceconnectionstatechange: (() => void) | null = null;
  onicecandidateerror: ((ev: Event) => void) | null = null;
  createDataChannel(label: string) {
    this.channels.push(label);
    const ch = new EventTarget() as EventTarget & Record<string, unknown>;
    ch.readyState = 'connecting';
    ch.bufferedAmount = 0;
    return ch as unknown as RTCDataChannel;
  }
  getSenders() {
    return [];
  }
  getReceivers() {
    return [];
  }
  getTransceivers() {
    return [];
  }
  restartIce() {
    this.restarts++;
  }
  close() {
    this.closed = true;
  }
  become(state: RTCPeerConnectionState) {
    this.connectionState = state;
    this.onconnectionstatechange?.();
  }
}

let key: CryptoKey;
beforeAll(async () => {
  key = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
});

function makeLink(localId: string, remoteId: string) {
  const pc = new FakePc();
  const sent: SignalPayload[] = [];
  const states: PeerConnectionState[] = [];
  const link: PeerLink = createPeerLink({
    meetingId: MEETING,
    localId,
    remoteId,
    iceServers: [],
    stream: null,
    sdpMacKey: key,
    sendSignal: (d) => sent.push(d),
    events: {
      onRemoteStream: () => undefined,
      onStateChange: (s) => states.push(s),
      onChatFrame: () => undefined,
      onSecurityError: () => undefined,
      onRemoteRestart: () => undefined,
    },
    createPeerConnection: () => pc as unknown as RTCPeerConnection,
  });
  return { pc, link, sent, states };
}

/** Lets the signing chains run (WebCrypto answers on its own schedule, not on fake timers) until `done`, for up to 2 s. */
async function settled(done: () => boolean = () => false, ms = 2_000): Promise<void> {
  const until = performance.now() + ms;
  while (!done() && performance.now() < until) await new Promise((r) => setImmediate(r));
}

describe('peer link', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("announces its end, and only the impolite end opens its channels on the peer's hello", async () => {
    const impolite = makeLink(IMPOLITE, POLITE);
    const polite = makeLink(POLITE, IMPOLITE);
    await settled(() => impolite.sent.length > 0 && polite.sent.length > 0);
    expect(impolite.sent.map((s) => s.kind)).toEqual(['hello']);
    expect(polite.sent.map((s) => s.kind)).toEqual(['hello']);
    await impolite.link.handleSignal(polite.sent[0]);
    await polite.link.handleSignal(impolite.sent[0]);
    expect(impolite.pc.channels).toEqual(['chat', 'files', 'control']);
    expect(polite.pc.channels).toEqual([]); // waits for the offer: its media rides in the answer
    impolite.link.close();
    polite.link.close();
  });

  it('close() stops every timer and handler, closes the connection, and sends nothing more', async () => {
    const { pc, link, sent, states } = makeLink(IMPOLITE, POLITE);
    pc.become('connected'); // arms the ramp-up timer
    pc.become('disconnected'); // arms the disconnected-restart timer
    expect(vi.getTimerCount()).toBeGreaterThan(0);
    link.close();
    expect(vi.getTimerCount()).toBe(0);
    expect(pc.closed).toBe(true);
    for (const handler of ['onnegotiationneeded', 'onicecandidate', 'ontrack', 'onconnectionstatechange', 'oniceconnectionstatechange', 'onicecandidateerror'] as const) {
      expect(pc[handler], handler).toBeNull();
    }
    await settled(() => sent.length > 0, 300);
    expect(sent).toEqual([]); // the hello being signed at close is dropped too
    expect(link.sendChat('late')).toBe(false);
    expect(await link.getStats()).toBeNull();
    link.restartIce();
    expect(pc.restarts).toBe(0);
    expect(states).toEqual(['connected', 'reconnecting']);
  });
});
