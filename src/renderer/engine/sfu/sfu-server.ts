/**
 * The SFU requests of our protocol (docs/protocol.md §5.6a), as the SFU
 * topology uses them: each returns what the server answered, or throws a
 * SignalingError with the server's code. Clients never reach Janus itself.
 */
import type { ServerMessage } from '@merimeet/signaling/protocol';
import { SignalingError, type OutgoingMessage } from '../signaling-client.js';

/** One media section of our receiving connection: whose media it carries, and whether it is their screen (protocol SfuStream). */
export interface SfuStream {
  mid: string;
  peerId: string;
  kind: 'audio' | 'video';
  screen?: boolean;
}

export interface SfuOffer {
  jsep: RTCSessionDescriptionInit & { type: 'offer'; sdp: string };
  streams: SfuStream[];
}

export interface SfuServer {
  /** `screen`: the mid of the offer's section that carries our shared screen (none: we share none). */
  publish(offer: { type: 'offer'; sdp: string }, screen?: string): Promise<RTCSessionDescriptionInit>;
  subscribe(feeds: string[]): Promise<SfuOffer>;
  start(answer: { type: 'answer'; sdp: string }): Promise<void>;
  trickle(pc: 'publisher' | 'subscriber', candidate: RTCIceCandidateInit | null): Promise<void>;
}

type Request = (message: OutgoingMessage) => Promise<ServerMessage>;

function expectReply<T extends ServerMessage['type']>(reply: ServerMessage, type: T): Extract<ServerMessage, { type: T }> {
  if (reply.type !== type) throw new SignalingError('bad_message', `the server answered with ${reply.type}, not ${type}`);
  return reply as Extract<ServerMessage, { type: T }>;
}

/** A candidate as the protocol takes it (only the fields it names; the browser adds others). */
function candidateField(c: RTCIceCandidateInit | null) {
  if (!c) return null;
  return {
    candidate: c.candidate ?? '',
    ...(c.sdpMid !== undefined ? { sdpMid: c.sdpMid } : {}),
    ...(c.sdpMLineIndex !== undefined ? { sdpMLineIndex: c.sdpMLineIndex } : {}),
    ...(c.usernameFragment !== undefined ? { usernameFragment: c.usernameFragment } : {}),
  };
}

export function sfuServerOver(request: Request): SfuServer {
  return {
    async publish(offer, screen) {
      return expectReply(await request({ type: 'sfu.publish', jsep: offer, ...(screen !== undefined ? { screen } : {}) }), 'sfu.answer').jsep;
    },
    async subscribe(feeds) {
      const reply = expectReply(await request({ type: 'sfu.subscribe', feeds }), 'sfu.offer');
      return { jsep: reply.jsep, streams: reply.streams };
    },
    async start(answer) {
      expectReply(await request({ type: 'sfu.start', jsep: answer }), 'ok');
    },
    async trickle(pc, candidate) {
      // An empty candidate string is the browser's "end of candidates" for one section: the protocol's null covers it.
      if (candidate && !candidate.candidate) return;
      expectReply(await request({ type: 'sfu.trickle', pc, candidate: candidateField(candidate) }), 'ok');
    },
  };
}
