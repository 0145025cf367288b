import { describe, expect, it } from 'vitest';
import {
  DISCONNECTED_RESTART_MS,
  MAX_ICE_RESTARTS,
  decideOnDescription,
  iceAction,
  isOfferCollision,
  isPolite,
  linkStateFor,
  parseSignal,
  readyForOffer,
  shouldIgnoreOffer,
  shouldReportCandidateError,
  type NegotiationState,
} from './negotiation.js';

const base: NegotiationState = { polite: false, makingOffer: false, isSettingRemoteAnswerPending: false, signalingState: 'stable' };
const st = (patch: Partial<NegotiationState>): NegotiationState => ({ ...base, ...patch });

describe('politeness', () => {
  it('is decided the same way by both ends, and exactly one of them is polite', () => {
    const a = '00000000000000aa';
    const b = '00000000000000bb';
    expect(isPolite(a, b)).not.toBe(isPolite(b, a));
    expect(isPolite(b, a)).toBe(true);
  });
});

describe('offer collisions (glare)', () => {
  it('an offer in stable state with no offer of ours is no collision', () => {
    expect(readyForOffer(base)).toBe(true);
    expect(isOfferCollision('offer', base)).toBe(false);
    expect(decideOnDescription('offer', base)).toEqual({ action: 'apply', answer: true, rollback: false });
  });

  it('while making an offer, an incoming offer collides', () => {
    expect(isOfferCollision('offer', st({ makingOffer: true }))).toBe(true);
    expect(isOfferCollision('offer', st({ signalingState: 'have-local-offer' }))).toBe(true);
  });

  it('the impolite peer ignores a colliding offer', () => {
    const s = st({ polite: false, signalingState: 'have-local-offer' });
    expect(shouldIgnoreOffer('offer', s)).toBe(true);
    expect(decideOnDescription('offer', s)).toEqual({ action: 'ignore', ignoreOffer: true });
    expect(decideOnDescription('offer', st({ polite: false, makingOffer: true }))).toEqual({ action: 'ignore', ignoreOffer: true });
  });

  it('the polite peer rolls back and answers a colliding offer', () => {
    const s = st({ polite: true, signalingState: 'have-local-offer' });
    expect(shouldIgnoreOffer('offer', s)).toBe(false);
    expect(decideOnDescription('offer', s)).toEqual({ action: 'apply', answer: true, rollback: true });
  });

  it('an offer arriving while our remote answer is being applied is not a collision', () => {
    const s = st({ signalingState: 'have-local-offer', isSettingRemoteAnswerPending: true });
    expect(readyForOffer(s)).toBe(true);
    expect(shouldIgnoreOffer('offer', s)).toBe(false);
    expect(decideOnDescription('offer', s)).toEqual({ action: 'apply', answer: true, rollback: false });
  });

  it('making an offer still collides even if the answer is pending', () => {
    expect(isOfferCollision('offer', st({ makingOffer: true, isSettingRemoteAnswerPending: true }))).toBe(true);
  });

  it('answers are never treated as collisions', () => {
    expect(isOfferCollision('answer', st({ makingOffer: true }))).toBe(false);
    expect(shouldIgnoreOffer('answer', st({ makingOffer: true }))).toBe(false);
  });
});

describe('answers', () => {
  it('an answer to our offer is applied without answering back', () => {
    expect(decideOnDescription('answer', st({ signalingState: 'have-local-offer' }))).toEqual({ action: 'apply', answer: false, rollback: false });
  });
  it('a stale answer (we are stable, e.g. after our offer was rolled back) is ignored', () => {
    expect(decideOnDescription('answer', st({ polite: true, signalingState: 'stable' }))).toEqual({ action: 'ignore', ignoreOffer: false });
    expect(decideOnDescription('answer', st({ signalingState: 'have-remote-offer' })).action).toBe('ignore');
  });
  it('a remote rollback is ignored', () => {
    expect(decideOnDescription('rollback', base).action).toBe('ignore');
  });
});

describe('candidates', () => {
  it('errors for candidates of an ignored offer are expected', () => {
    expect(shouldReportCandidateError(true)).toBe(false);
    expect(shouldReportCandidateError(false)).toBe(true);
  });
});

describe('ICE watchdog', () => {
  it('restarts at once on failure', () => {
    expect(iceAction('failed', null)).toBe('restart');
  });
  it('waits out a short disconnection, then restarts', () => {
    expect(iceAction('disconnected', 0)).toBe('wait');
    expect(iceAction('disconnected', DISCONNECTED_RESTART_MS - 1)).toBe('wait');
    expect(iceAction('disconnected', DISCONNECTED_RESTART_MS)).toBe('restart');
  });
  it('leaves healthy connections alone', () => {
    expect(iceAction('connected', null)).toBe('none');
    expect(iceAction('checking', null)).toBe('none');
  });
  it('maps connection states for people', () => {
    expect(linkStateFor('new', 0)).toBe('connecting');
    expect(linkStateFor('connected', 0)).toBe('connected');
    expect(linkStateFor('disconnected', 0)).toBe('reconnecting');
    expect(linkStateFor('failed', 1)).toBe('reconnecting');
    expect(linkStateFor('failed', MAX_ICE_RESTARTS)).toBe('failed');
    expect(linkStateFor('connecting', 2)).toBe('reconnecting');
  });
});

describe('signal payloads', () => {
  const fresh = { nonce: 'nA', peerNonce: 'nB', seq: 1, mac: 'x' };
  it('accepts hellos, descriptions and candidates', () => {
    expect(parseSignal({ kind: 'hello', nonce: 'nA', mac: 'x' })).not.toBeNull();
    expect(parseSignal({ kind: 'description', description: { type: 'offer', sdp: 'v=0' }, ...fresh })).not.toBeNull();
    expect(parseSignal({ kind: 'candidate', candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0', sdpMLineIndex: 0 } })).not.toBeNull();
    expect(parseSignal({ kind: 'candidate', candidate: null })).not.toBeNull();
  });
  it('rejects anything else', () => {
    expect(parseSignal(null)).toBeNull();
    expect(parseSignal({ kind: 'description', description: { type: 'evil', sdp: '' }, ...fresh })).toBeNull();
    expect(parseSignal({ kind: 'description', description: { type: 'offer', sdp: 'v=0' }, ...fresh, mac: undefined })).toBeNull();
    expect(parseSignal({ kind: 'description', description: { type: 'offer', sdp: 'v=0' }, ...fresh, seq: 0 })).toBeNull();
    expect(parseSignal({ kind: 'description', description: { type: 'offer', sdp: 'v=0' }, ...fresh, nonce: 'has space' })).toBeNull();
    expect(parseSignal({ kind: 'description', description: { type: 'offer', sdp: 'v=0' }, mac: 'x' })).toBeNull(); // no freshness fields
    expect(parseSignal({ kind: 'description', description: { type: 'offer', sdp: 'x'.repeat(70_000) }, ...fresh })).toBeNull();
    // The screen claim: a stream id, or null; nothing that could break the MAC input's fields apart.
    expect(parseSignal({ kind: 'description', description: { type: 'offer', sdp: 'v=0' }, ...fresh, screen: '{0b7c-11}' })).not.toBeNull();
    expect(parseSignal({ kind: 'description', description: { type: 'offer', sdp: 'v=0' }, ...fresh, screen: null })).not.toBeNull();
    expect(parseSignal({ kind: 'description', description: { type: 'offer', sdp: 'v=0' }, ...fresh, screen: 'a\nb' })).toBeNull();
    expect(parseSignal({ kind: 'description', description: { type: 'offer', sdp: 'v=0' }, ...fresh, screen: 's'.repeat(65) })).toBeNull();
    expect(parseSignal({ kind: 'description', description: { type: 'offer', sdp: 'v=0' }, ...fresh, screen: '' })).toBeNull();
    expect(parseSignal({ kind: 'hello', nonce: 'nA' })).toBeNull();
    expect(parseSignal({ kind: 'candidate', candidate: { candidate: 1 } })).toBeNull();
    expect(parseSignal({ kind: 'chat', text: 'injected' })).toBeNull();
    expect(parseSignal({ kind: 'other' })).toBeNull();
  });
});
