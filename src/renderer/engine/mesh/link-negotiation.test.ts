import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LinkSignals } from './link-signals.js';
import { createLinkNegotiation } from './link-negotiation.js';

const SDP = 'v=0\r\na=fingerprint:sha-256 AB:CD\r\n';

/** The signaling-state machine of RTCPeerConnection, enough for perfect negotiation; `log` records each step. */
class FakePc {
  signalingState: RTCSignalingState = 'stable';
  onnegotiationneeded: (() => Promise<void>) | null = null;
  onicecandidate: ((ev: { candidate: { toJSON(): RTCIceCandidateInit } | null }) => void) | null = null;
  refuseCandidates = false;
  refuseLocal = false;
  constructor(readonly log: string[]) {}
  async setLocalDescription() {
    if (this.refuseLocal) throw new DOMException('raced', 'InvalidStateError');
    this.log.push(`setLocal:${this.signalingState === 'have-remote-offer' ? 'answer' : 'offer'}`);
    this.signalingState = this.signalingState === 'have-remote-offer' ? 'stable' : 'have-local-offer';
  }
  async setRemoteDescription(d: RTCSessionDescriptionInit) {
    this.log.push(`setRemote:${d.type}`);
    this.signalingState = d.type === 'offer' ? 'have-remote-offer' : 'stable'; // an offer rolls ours back
  }
  async addIceCandidate() {
    if (this.refuseCandidates) throw new DOMException('no such ufrag', 'OperationError');
    this.log.push('candidate');
  }
}

function setUp(polite: boolean) {
  const log: string[] = [];
  const pc = new FakePc(log);
  const signals = {
    sendLocalDescription: async () => void log.push('send'),
    sendCandidate: async (c: RTCIceCandidateInit) => void log.push(`sendCandidate:${c.candidate}`),
    markVerified: () => void log.push('verified'),
  } as unknown as LinkSignals;
  const negotiation = createLinkNegotiation({
    pc: pc as unknown as RTCPeerConnection,
    polite,
    signals,
    beforeApply: (screen) => void log.push(`claim:${screen}`),
    afterApply: () => void log.push('applied'),
    beforeAnswer: async () => void log.push('attach'),
  });
  return { pc, log, negotiation };
}

describe('link negotiation', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('answers an offer: the screen claim first (ontrack needs it), verified once set, our media attached before the answer', async () => {
    const { log, negotiation } = setUp(true);
    await negotiation.applyDescription({ type: 'offer', sdp: SDP }, 'screen-1');
    expect(log).toEqual(['claim:screen-1', 'setRemote:offer', 'verified', 'applied', 'attach', 'setLocal:answer', 'send']);
  });

  it('makes and sends an offer when negotiation is needed, and announces candidates', async () => {
    const { pc, log } = setUp(false);
    await pc.onnegotiationneeded!();
    pc.onicecandidate!({ candidate: { toJSON: () => ({ candidate: 'candidate:1' }) } });
    pc.onicecandidate!({ candidate: null }); // end of candidates: skipped
    await new Promise((r) => setTimeout(r, 0));
    expect(log).toEqual(['setLocal:offer', 'send', 'sendCandidate:candidate:1']);
  });

  it('the impolite end ignores an offer that collides with its own, and keeps quiet about its candidates', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { pc, log, negotiation } = setUp(false);
    await pc.onnegotiationneeded!();
    log.length = 0;
    await negotiation.applyDescription({ type: 'offer', sdp: SDP }, null);
    pc.refuseCandidates = true;
    await negotiation.addCandidate({ candidate: 'candidate:of-the-ignored-offer' });
    expect(log).toEqual([]);
    expect(warn).not.toHaveBeenCalled();
  });

  it('the polite end gives way in glare: it applies the colliding offer and answers', async () => {
    const { pc, log, negotiation } = setUp(true);
    await pc.onnegotiationneeded!();
    log.length = 0;
    await negotiation.applyDescription({ type: 'offer', sdp: SDP }, null);
    expect(log).toEqual(['claim:null', 'setRemote:offer', 'verified', 'applied', 'attach', 'setLocal:answer', 'send']);
  });

  it('drops an answer when no offer of ours waits for it (it would throw)', async () => {
    const { log, negotiation } = setUp(true);
    await negotiation.applyDescription({ type: 'answer', sdp: SDP }, null);
    expect(log).toEqual([]);
  });

  it('reports a refused candidate that belongs to a description it applied', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { pc, negotiation } = setUp(true);
    await negotiation.applyDescription({ type: 'offer', sdp: SDP }, null);
    pc.refuseCandidates = true;
    await negotiation.addCandidate({ candidate: 'candidate:1' });
    expect(warn).toHaveBeenCalledWith('meriMeet: remote ICE candidate refused', expect.any(DOMException));
  });

  it('an offer that raced an incoming one is dropped quietly, and the next offer is not taken for a collision', async () => {
    const { pc, log, negotiation } = setUp(false);
    pc.refuseLocal = true;
    await pc.onnegotiationneeded!();
    pc.refuseLocal = false;
    await negotiation.applyDescription({ type: 'offer', sdp: SDP }, null);
    expect(log).toEqual(['claim:null', 'setRemote:offer', 'verified', 'applied', 'attach', 'setLocal:answer', 'send']);
  });

  it('stops offering and announcing candidates on dispose', () => {
    const { pc, negotiation } = setUp(true);
    negotiation.dispose();
    expect(pc.onnegotiationneeded).toBeNull();
    expect(pc.onicecandidate).toBeNull();
  });
});
