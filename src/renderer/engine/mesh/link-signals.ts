/**
 * What one link tells its peer through the signaling server, and what it
 * believes of what comes back (sdp-mac.ts says why each field is covered).
 * Outgoing: a signed hello with our link nonce, signed descriptions naming
 * the peer's nonce and our next sequence number, and candidates. Incoming:
 * the same, each validated (negotiation.ts) and its MAC and freshness
 * checked before anything touches the connection. Both ways go through a
 * chain: signing and MAC checks are async, and a candidate must never
 * overtake the description it belongs to.
 */
import { parseSignal, type SignalPayload } from '../negotiation.js';
import { newLinkNonce, signDescription, signHello, staleness, verifyDescription, verifyHello, type SignalParties } from '../sdp-mac.js';
import type { SecurityProblem } from './peer-link.js';
import { reportAs } from '../failures.js';

/** A verified, fresh description from the peer. */
export interface RemoteDescription {
  type: 'offer' | 'answer' | 'pranswer';
  sdp: string;
}

export interface LinkSignalsOptions {
  meetingId: string;
  localId: string;
  remoteId: string;
  /** HMAC key from deriveSdpMacKey(e2eKey). */
  sdpMacKey: CryptoKey;
  /** Send `data` to the remote peer through the signaling server. */
  sendSignal(data: SignalPayload): void;
  /** Our current local description, read when its turn in the outgoing chain comes. */
  localDescription(): { type: RTCSdpType; sdp: string } | null;
  /** The stream id our screen goes under on this link, once it first shared; else null. */
  screenLabel(): string | null;
  /** The peer's first verified hello arrived. */
  onHello(): void;
  /** A verified, fresh description: apply it. The next signal waits for this. */
  onDescription(description: RemoteDescription, screen: string | null): Promise<void>;
  /** A candidate from the peer (not MAC-covered: a forged one can at worst stop a connection). */
  onCandidate(candidate: RTCIceCandidateInit): Promise<void>;
  onSecurityError(problem: SecurityProblem): void;
  /** The peer started a new link to us (a signed hello with a new nonce). */
  onRemoteRestart(hello: unknown): void;
}

export interface LinkSignals {
  sendHello(): Promise<void>;
  /** Sends our local description as it is when its turn comes (nothing before the peer's hello). */
  sendLocalDescription(): Promise<void>;
  sendCandidate(candidate: RTCIceCandidateInit): Promise<void>;
  /** The opaque `data` of a `signal` from this peer: checked, then handed on in order. */
  receive(data: unknown): Promise<void>;
  /** A verified description has been applied: what media flows is the peer's. */
  markVerified(): void;
  /** Nothing is sent or handed on from now on. */
  dispose(): void;
}

export function createLinkSignals(o: LinkSignalsOptions): LinkSignals {
  let disposed = false;
  // Freshness of what we exchange (sdp-mac.ts): our nonce, the peer's, sequence numbers both ways.
  const localNonce = newLinkNonce();
  let remoteNonce: string | null = null;
  let sendSeq = 0;
  let lastSeq = 0;
  /** A MAC-verified description has been applied: what media flows is the peer's. */
  let verified = false;
  const outgoing: SignalParties = { meetingId: o.meetingId, from: o.localId, to: o.remoteId };
  const incoming: SignalParties = { meetingId: o.meetingId, from: o.remoteId, to: o.localId };
  // Outgoing and incoming signals each go through a chain: signing and MAC checks are
  // async, and a candidate must never overtake the description it belongs to.
  let outChain: Promise<void> = Promise.resolve();
  let inChain: Promise<void> = Promise.resolve();

  const send = (make: () => Promise<SignalPayload | null>) => {
    outChain = outChain
      .then(async () => {
        const data = await make();
        if (data && !disposed) o.sendSignal(data);
      })
      // A failed signature means a closed link or a broken key: nothing to send (counted).
      .catch(reportAs('signing a signal'));
    return outChain;
  };

  const sendLocalDescription = () =>
    send(async () => {
      const d = o.localDescription();
      // No peer nonce yet: nothing we could send would be accepted; the hello triggers the offer.
      if (!d || remoteNonce === null) return null;
      // Claimed for as long as the sections exist, shared or not: the SDP says whether they send, and a
      // claim that followed the shared stream (LocalScreen.sharing) instead could miss an offer made just before a share stopped.
      const screen = o.screenLabel();
      const claim = { type: d.type, sdp: d.sdp, nonce: localNonce, peerNonce: remoteNonce, seq: ++sendSeq, screen };
      const mac = await signDescription(o.sdpMacKey, outgoing, claim);
      return { kind: 'description', description: { type: d.type, sdp: d.sdp }, nonce: localNonce, peerNonce: remoteNonce, seq: claim.seq, screen, mac };
    });

  const sendHello = () => send(async () => ({ kind: 'hello', nonce: localNonce, mac: await signHello(o.sdpMacKey, outgoing, localNonce) }));

  const sendCandidate = (c: RTCIceCandidateInit) =>
    send(async () => ({
      kind: 'candidate',
      candidate: {
        candidate: c.candidate ?? '',
        sdpMid: c.sdpMid ?? null,
        sdpMLineIndex: c.sdpMLineIndex ?? null,
        usernameFragment: c.usernameFragment ?? null,
      },
    }));

  async function onSignal(data: unknown): Promise<void> {
    if (disposed) return;
    const msg = parseSignal(data);
    if (!msg) return; // not one of ours: drop (the engine counts)
    if (msg.kind === 'candidate') {
      if (msg.candidate) await o.onCandidate(msg.candidate);
      return;
    }
    if (msg.kind === 'hello') {
      const ok = await verifyHello(o.sdpMacKey, incoming, msg.nonce, msg.mac);
      if (disposed) return;
      if (!ok) return o.onSecurityError({ kind: 'forged', verified });
      if (remoteNonce === msg.nonce) return; // sent again while connecting
      if (remoteNonce !== null) return o.onRemoteRestart(data); // a new link on their side: ours must go too
      remoteNonce = msg.nonce;
      return o.onHello();
    }
    const { description, mac } = msg;
    if (description.type === 'rollback') return;
    // Check the MAC and freshness before anything touches the connection.
    const claim = { type: description.type, sdp: description.sdp, nonce: msg.nonce, peerNonce: msg.peerNonce, seq: msg.seq, screen: msg.screen ?? null };
    const ok = await verifyDescription(o.sdpMacKey, incoming, claim, mac);
    if (disposed) return;
    if (!ok) return o.onSecurityError({ kind: 'forged', verified });
    if (staleness({ localNonce, remoteNonce, lastSeq }, claim) !== null) return o.onSecurityError({ kind: 'replayed', verified });
    lastSeq = msg.seq;
    await o.onDescription({ type: description.type, sdp: description.sdp }, claim.screen);
  }

  return {
    sendHello,
    sendLocalDescription,
    sendCandidate,
    receive(data) {
      inChain = inChain.then(() => onSignal(data)).catch((err) => {
        if (!disposed) console.warn('meriMeet: signal from peer not applied', err);
      });
      return inChain;
    },
    markVerified() {
      verified = true;
    },
    dispose() {
      disposed = true;
    },
  };
}
