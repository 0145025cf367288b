import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PeerConnectionState } from '../call-state.js';
import { CONNECT_TIMEOUT_MS, DISCONNECTED_RESTART_MS, MAX_ICE_RESTARTS } from '../negotiation.js';
import { createIceWatchdog, type WatchedConnection } from './ice-watchdog.js';

/** The parts of RTCPeerConnection the watchdog reads and drives. */
class FakePc implements WatchedConnection {
  connectionState: RTCPeerConnectionState = 'new';
  iceConnectionState: RTCIceConnectionState = 'new';
  signalingState: RTCSignalingState = 'stable';
  onconnectionstatechange: ((this: RTCPeerConnection, ev: Event) => unknown) | null = null;
  oniceconnectionstatechange: ((this: RTCPeerConnection, ev: Event) => unknown) | null = null;
  restarts = 0;
  restartIce() {
    this.restarts++;
  }
  // test controls
  become(state: RTCPeerConnectionState) {
    this.connectionState = state;
    this.onconnectionstatechange?.call(this as unknown as RTCPeerConnection, new Event('connectionstatechange'));
  }
  iceBecomes(state: RTCIceConnectionState) {
    this.iceConnectionState = state;
    this.oniceconnectionstatechange?.call(this as unknown as RTCPeerConnection, new Event('iceconnectionstatechange'));
  }
}

function setUp(opts: { attached?: boolean } = {}) {
  const pc = new FakePc();
  const calls = { hellos: 0, offersResent: 0, connected: 0, states: [] as PeerConnectionState[] };
  let attached = opts.attached ?? true;
  const dog = createIceWatchdog({
    pc,
    canRestart: () => attached,
    resendOffer: () => calls.offersResent++,
    onConnectTimeout: () => calls.hellos++,
    onConnected: () => calls.connected++,
    onStateChange: (s) => calls.states.push(s),
  });
  return { pc, dog, calls, attach: () => (attached = true) };
}

describe('ICE watchdog, before connecting', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('restarts ICE (and says hello again) after CONNECT_TIMEOUT_MS without a connection, and keeps retrying', () => {
    const { pc, calls } = setUp();
    vi.advanceTimersByTime(CONNECT_TIMEOUT_MS - 1);
    expect(pc.restarts).toBe(0);
    vi.advanceTimersByTime(1);
    expect(pc.restarts).toBe(1);
    expect(calls.hellos).toBe(1);
    vi.advanceTimersByTime(CONNECT_TIMEOUT_MS);
    expect(pc.restarts).toBe(2);
    expect(calls.hellos).toBe(2);
  });

  it('does not restart a link that connected in time', () => {
    const { pc, calls } = setUp();
    vi.advanceTimersByTime(CONNECT_TIMEOUT_MS / 2);
    pc.become('connected');
    vi.advanceTimersByTime(3 * CONNECT_TIMEOUT_MS);
    expect(pc.restarts).toBe(0);
    expect(calls.connected).toBe(1);
    expect(calls.states).toEqual(['connected']);
  });

  it('only says hello again while it waits for the first offer (nothing to restart yet)', () => {
    const { pc, calls, attach } = setUp({ attached: false });
    vi.advanceTimersByTime(CONNECT_TIMEOUT_MS);
    expect(calls.hellos).toBe(1);
    expect(pc.restarts).toBe(0);
    attach();
    vi.advanceTimersByTime(CONNECT_TIMEOUT_MS);
    expect(pc.restarts).toBe(1);
  });

  it('sends an offer still waiting for its answer again when it restarts', () => {
    const { pc, dog, calls } = setUp();
    dog.restart();
    expect(calls.offersResent).toBe(0);
    pc.signalingState = 'have-local-offer';
    dog.restart();
    expect(calls.offersResent).toBe(1);
    expect(pc.restarts).toBe(2);
  });

});

describe('ICE watchdog, once connected', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("restarts after DISCONNECTED_RESTART_MS of 'disconnected', not before", () => {
    const { pc, dog } = setUp();
    pc.become('connected');
    pc.become('disconnected');
    expect(dog.state).toBe('reconnecting');
    vi.advanceTimersByTime(DISCONNECTED_RESTART_MS - 1);
    expect(pc.restarts).toBe(0);
    vi.advanceTimersByTime(1);
    expect(pc.restarts).toBe(1);
  });

  it("does not restart a 'disconnected' blip that heals by itself", () => {
    const { pc, dog } = setUp();
    pc.become('connected');
    pc.become('disconnected');
    vi.advanceTimersByTime(DISCONNECTED_RESTART_MS / 2);
    pc.become('connected');
    vi.advanceTimersByTime(DISCONNECTED_RESTART_MS);
    expect(pc.restarts).toBe(0);
    expect(dog.state).toBe('connected');
  });

  it("restarts at once on 'failed', and on an ICE state that failed first", () => {
    const { pc } = setUp();
    pc.become('failed');
    expect(pc.restarts).toBe(1);
    pc.become('connecting');
    pc.iceBecomes('failed');
    expect(pc.restarts).toBe(2);
  });

  it("reports failed after MAX_ICE_RESTARTS, and resets the restarts count on 'connected'", () => {
    const { pc, dog } = setUp();
    for (let i = 0; i < MAX_ICE_RESTARTS; i++) dog.restart();
    pc.become('failed');
    expect(dog.state).toBe('failed');
    pc.become('connected');
    expect(dog.state).toBe('connected');
    pc.become('failed'); // one restart since the reset: still worth showing as reconnecting
    expect(dog.state).toBe('reconnecting');
  });

  it('stops all timers on dispose, and changes no state afterwards', () => {
    const { pc, dog, calls } = setUp();
    pc.become('connected');
    pc.become('disconnected');
    dog.restart(); // arms the connect timer again
    expect(vi.getTimerCount()).toBe(2);
    dog.dispose();
    expect(vi.getTimerCount()).toBe(0);
    expect(pc.onconnectionstatechange).toBeNull();
    expect(pc.oniceconnectionstatechange).toBeNull();
    const restarts = pc.restarts;
    dog.restart();
    vi.advanceTimersByTime(10 * CONNECT_TIMEOUT_MS);
    expect(pc.restarts).toBe(restarts);
    expect(calls.states).toEqual(['connected', 'reconnecting']);
  });

  it("keeps one disconnected timer when 'disconnected' comes back before the first timer fired (dispose stops it)", () => {
    const { pc, dog } = setUp();
    pc.become('connected');
    pc.become('disconnected');
    vi.advanceTimersByTime(DISCONNECTED_RESTART_MS / 3);
    pc.become('connecting');
    pc.become('disconnected');
    expect(vi.getTimerCount()).toBe(1);
    dog.dispose();
    expect(vi.getTimerCount()).toBe(0);
  });
});
