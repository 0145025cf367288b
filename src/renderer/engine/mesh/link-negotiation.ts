/**
 * The effects of perfect negotiation on one link (the decisions are in
 * negotiation.ts): our offers when negotiation is needed, our candidates,
 * and applying the peer's verified descriptions and candidates, answering
 * offers. Signing and verifying are link-signals.ts's job.
 */
import { decideOnDescription, shouldReportCandidateError } from '../negotiation.js';
import type { LinkSignals, RemoteDescription } from './link-signals.js';
import { reportFailure } from '../failures.js';

export interface LinkNegotiationOptions {
  pc: RTCPeerConnection;
  polite: boolean;
  signals: LinkSignals;
  /** A verified description is about to be applied, claiming this stream as the peer's screen. */
  beforeApply(screen: string | null): void;
  /** The description was applied. */
  afterApply(): void;
  /** We are about to answer an offer: our media must be on the connection by then. */
  beforeAnswer(): Promise<void>;
}

export interface LinkNegotiation {
  applyDescription(description: RemoteDescription, screen: string | null): Promise<void>;
  addCandidate(candidate: RTCIceCandidateInit): Promise<void>;
  /** Stops offering and announcing candidates. */
  dispose(): void;
}

export function createLinkNegotiation(o: LinkNegotiationOptions): LinkNegotiation {
  const { pc, polite, signals } = o;
  let disposed = false;
  let makingOffer = false;
  let ignoreOffer = false;
  let isSettingRemoteAnswerPending = false;

  pc.onnegotiationneeded = async () => {
    try {
      makingOffer = true;
      await pc.setLocalDescription();
      await signals.sendLocalDescription();
    } catch (err) {
      // Raced with an incoming offer; negotiationneeded fires again when due.
      reportFailure('making an offer (raced with the peer’s)', err);
    } finally {
      makingOffer = false;
    }
  };
  pc.onicecandidate = ({ candidate }) => {
    // End-of-candidates (null) is optional; we skip it.
    if (!candidate) return;
    void signals.sendCandidate(candidate.toJSON());
  };

  async function applyDescription(description: RemoteDescription, screen: string | null): Promise<void> {
    const decision = decideOnDescription(description.type, {
      polite,
      makingOffer,
      isSettingRemoteAnswerPending,
      signalingState: pc.signalingState,
    });
    if (decision.action === 'ignore') {
      ignoreOffer = decision.ignoreOffer;
      return;
    }
    ignoreOffer = false;
    isSettingRemoteAnswerPending = description.type === 'answer';
    // Before applying it: ontrack fires inside setRemoteDescription and must know which stream is the screen.
    o.beforeApply(screen);
    try {
      // For the polite peer in glare this implicitly rolls back our own offer.
      await pc.setRemoteDescription(description);
      signals.markVerified();
    } finally {
      isSettingRemoteAnswerPending = false;
    }
    o.afterApply();
    if (decision.answer) {
      await o.beforeAnswer();
      await pc.setLocalDescription();
      await signals.sendLocalDescription();
    }
  }

  async function addCandidate(candidate: RTCIceCandidateInit): Promise<void> {
    try {
      await pc.addIceCandidate(candidate);
    } catch (err) {
      if (shouldReportCandidateError(ignoreOffer) && !disposed) console.warn('meriMeet: remote ICE candidate refused', err);
    }
  }

  return {
    applyDescription,
    addCandidate,
    dispose() {
      disposed = true;
      pc.onnegotiationneeded = null;
      pc.onicecandidate = null;
    },
  };
}
