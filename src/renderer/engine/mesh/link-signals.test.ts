import { beforeAll, describe, expect, it } from 'vitest';
import type { SignalPayload } from '../negotiation.js';
import type { SecurityProblem } from './peer-link.js';
import { signDescription } from '../sdp-mac.js';
import { createLinkSignals, type RemoteDescription } from './link-signals.js';

const MEETING = 'abc-defg-hjk';
const A = 'aaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbb';
const C = 'cccccccccccccccc';
const SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\na=fingerprint:sha-256 AB:CD:EF\r\n';
const OTHER_SDP = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\na=fingerprint:sha-256 66:66:66\r\n';

const hmacKey = () => crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
let key: CryptoKey;
let otherKey: CryptoKey;
beforeAll(async () => {
  key = await hmacKey();
  otherKey = await hmacKey();
});

/** One end of a link: its signals, what it sent, and what it handed on. */
function end(localId: string, remoteId: string, sdpMacKey = key) {
  const sent: SignalPayload[] = [];
  const got = {
    hellos: 0,
    descriptions: [] as { description: RemoteDescription; screen: string | null }[],
    candidates: [] as RTCIceCandidateInit[],
    problems: [] as SecurityProblem[],
    restarts: [] as unknown[],
  };
  const local = { description: null as { type: RTCSdpType; sdp: string } | null, screen: null as string | null };
  /** While set, applying a description waits for it (as setRemoteDescription takes time). */
  let applying: Promise<void> | null = null;
  const signals = createLinkSignals({
    meetingId: MEETING,
    localId,
    remoteId,
    sdpMacKey,
    sendSignal: (d) => sent.push(d),
    localDescription: () => local.description,
    screenLabel: () => local.screen,
    onHello: () => got.hellos++,
    onDescription: async (description, screen) => {
      await applying;
      got.descriptions.push({ description, screen });
    },
    onCandidate: async (c) => {
      got.candidates.push(c);
    },
    onSecurityError: (p) => got.problems.push(p),
    onRemoteRestart: (h) => got.restarts.push(h),
  });
  return {
    signals,
    sent,
    got,
    local,
    hold() {
      let release!: () => void;
      applying = new Promise((r) => (release = r));
      return release;
    },
  };
}

type End = ReturnType<typeof end>;
const last = (e: End) => e.sent.at(-1)!;

/** Both ends have each other's hello. */
async function introduced() {
  const a = end(A, B);
  const b = end(B, A);
  await a.signals.sendHello();
  await b.signals.sendHello();
  await b.signals.receive(last(a));
  await a.signals.receive(last(b));
  return { a, b };
}

/** `a` sends its local description (an offer of SDP unless told). */
async function offer(a: End, description = { type: 'offer' as RTCSdpType, sdp: SDP }) {
  a.local.description = description;
  await a.signals.sendLocalDescription();
  return last(a);
}

describe('link signals: hellos', () => {
  it("hands on the peer's signed hello once; the same hello again is ignored", async () => {
    const { a, b } = await introduced();
    expect(b.got.hellos).toBe(1);
    await b.signals.receive(a.sent[0]);
    expect(b.got.hellos).toBe(1);
    expect(b.got.problems).toEqual([]);
    expect(b.got.restarts).toEqual([]);
  });

  it('refuses a forged hello: signed with another key, or addressed to someone else', async () => {
    const b = end(B, A);
    const forger = end(A, B, otherKey);
    await forger.signals.sendHello();
    await b.signals.receive(last(forger));
    const toC = end(A, C);
    await toC.signals.sendHello();
    await b.signals.receive(last(toC));
    expect(b.got.problems).toEqual([
      { kind: 'forged', verified: false },
      { kind: 'forged', verified: false },
    ]);
    expect(b.got.hellos).toBe(0);
  });

  it('a signed hello with a new nonce is a new link on their side: onRemoteRestart', async () => {
    const { b } = await introduced();
    const a2 = end(A, B);
    await a2.signals.sendHello();
    const hello = last(a2);
    await b.signals.receive(hello);
    expect(b.got.restarts).toEqual([hello]);
    expect(b.got.hellos).toBe(1);
  });

  it("withholds our description until the peer's hello came (it could not be accepted)", async () => {
    const a = end(A, B);
    await offer(a);
    expect(a.sent).toEqual([]);
  });

});

describe('link signals: descriptions and candidates', () => {
  it('hands on a verified description with its screen claim', async () => {
    const { a, b } = await introduced();
    a.local.screen = 'screen-stream-1';
    await b.signals.receive(await offer(a));
    expect(b.got.descriptions).toEqual([{ description: { type: 'offer', sdp: SDP }, screen: 'screen-stream-1' }]);
    expect(b.got.problems).toEqual([]);
  });

  it('refuses a forged description: altered fingerprint, altered screen claim, or another key', async () => {
    const { a, b } = await introduced();
    const real = (await offer(a)) as Extract<SignalPayload, { kind: 'description' }>;
    await b.signals.receive({ ...real, description: { ...real.description, sdp: OTHER_SDP } });
    await b.signals.receive({ ...real, screen: 'camera-passed-off-as-screen' });
    // Everything right but the key: the server knows the nonces, not the end-to-end key.
    const claim = { type: real.description.type, sdp: real.description.sdp, nonce: real.nonce, peerNonce: real.peerNonce, seq: real.seq, screen: real.screen ?? null };
    await b.signals.receive({ ...real, mac: await signDescription(otherKey, { meetingId: MEETING, from: A, to: B }, claim) });
    expect(b.got.problems).toEqual([
      { kind: 'forged', verified: false },
      { kind: 'forged', verified: false },
      { kind: 'forged', verified: false },
    ]);
    expect(b.got.descriptions).toEqual([]);
  });

  it('refuses a replayed description, and an old one arriving after a newer one', async () => {
    const { a, b } = await introduced();
    const first = await offer(a);
    const second = await offer(a, { type: 'offer', sdp: SDP.replace('2 IN', '3 IN') });
    await b.signals.receive(first);
    await b.signals.receive(first);
    await b.signals.receive(second);
    await b.signals.receive(first);
    expect(b.got.problems).toEqual([
      { kind: 'replayed', verified: false },
      { kind: 'replayed', verified: false },
    ]);
    expect(b.got.descriptions).toHaveLength(2);
  });

  it("refuses a description addressed to an earlier link of ours (the peer's nonce no longer matches)", async () => {
    const { a, b } = await introduced();
    const old = await offer(a);
    const b2 = end(B, A); // we made a new link; a recorded description is played back to it
    await b2.signals.sendHello();
    await a.signals.receive(last(b2)); // a sees our new nonce: restart, not for this test
    await b2.signals.receive(a.sent[0]);
    await b2.signals.receive(old);
    expect(b2.got.problems).toEqual([{ kind: 'replayed', verified: false }]);
    expect(b.got.problems).toEqual([]);
  });

  it('says the link was verified once a verified description was applied', async () => {
    const { a, b } = await introduced();
    await b.signals.receive(await offer(a));
    b.signals.markVerified();
    const forger = end(A, B, otherKey);
    await forger.signals.sendHello();
    await b.signals.receive(last(forger));
    expect(b.got.problems).toEqual([{ kind: 'forged', verified: true }]);
  });

  it('keeps a candidate behind the description it follows', async () => {
    const { a, b } = await introduced();
    const description = await offer(a);
    await a.signals.sendCandidate({ candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0 });
    const candidate = last(a);
    const release = b.hold();
    const both = Promise.all([b.signals.receive(description), b.signals.receive(candidate)]);
    await new Promise((r) => setTimeout(r, 20));
    expect(b.got.candidates).toEqual([]); // the description is still being applied
    release();
    await both;
    expect(b.got.descriptions).toHaveLength(1);
    expect(b.got.candidates).toEqual([{ candidate: 'candidate:1 1 udp 1 127.0.0.1 5000 typ host', sdpMid: '0', sdpMLineIndex: 0, usernameFragment: null }]);
  });

  it('sends in the order asked, though signing takes time', async () => {
    const { a } = await introduced();
    a.sent.length = 0;
    a.local.description = { type: 'offer', sdp: SDP };
    void a.signals.sendLocalDescription();
    void a.signals.sendCandidate({ candidate: 'candidate:1', sdpMid: '0' });
    await a.signals.sendHello();
    expect(a.sent.map((s) => s.kind)).toEqual(['description', 'candidate', 'hello']);
  });

  it('drops what is not one of our signals, and goes on with the next', async () => {
    const { a, b } = await introduced();
    await b.signals.receive({ kind: 'description', description: { type: 'offer', sdp: SDP } });
    await b.signals.receive('nonsense');
    await b.signals.receive(await offer(a));
    expect(b.got.problems).toEqual([]);
    expect(b.got.descriptions).toHaveLength(1);
  });

  it('sends nothing after dispose, not even what it was signing when disposed', async () => {
    const { a, b } = await introduced();
    const description = await offer(a);
    a.sent.length = 0;
    const pending = a.signals.sendLocalDescription();
    a.signals.dispose();
    await pending;
    await a.signals.sendHello();
    await a.signals.sendCandidate({ candidate: 'candidate:1' });
    expect(a.sent).toEqual([]);
    b.signals.dispose();
    await b.signals.receive(description);
    expect(b.got.descriptions).toEqual([]);
    expect(b.got.problems).toEqual([]);
  });
});
