/**
 * What a session does with each message the server pushes (replies to its
 * own requests go to whoever asked; see signaling-client.ts).
 */
import type { ServerMessage } from '@merimeet/signaling/protocol';
import { reportAs } from '../failures.js';
import { isRecordingSignal } from '../recording/recording-notice.js';
import type { Admission } from './admission.js';
import type { CallSession } from './call-session.js';

export function handleServerMessage(s: CallSession, admission: Admission, m: ServerMessage): void {
  if (s.ended) return;
  switch (m.type) {
    case 'room.joined':
      return admission.joined(m); // pushed after the host admits us
    case 'room.waiting':
      if (s.store.get().phase !== 'in-call') s.update((st) => ({ ...st, phase: 'lobby' }));
      return;
    case 'room.peerJoined':
    case 'room.peerUpdated':
      admission.confirmed(m.peer.peerId);
      if (s.store.get().local.peerId !== null) s.upsertPeer(m.peer);
      return;
    case 'room.peerLeft':
      return s.departed(m.peerId, m.reason);
    case 'room.hostChanged':
      return s.setHost(m.hostId);
    case 'room.locked':
      return s.update((st) => ({ ...st, locked: m.locked }));
    case 'room.lobby':
      return s.update((st) => (st.local.isHost ? { ...st, lobby: m.waiting.map((w) => ({ peerId: w.peerId, displayName: w.displayName })) } : st));
    case 'room.denied':
      return s.end('denied');
    case 'room.removed':
      return s.end('removed');
    case 'room.ended':
      return s.end('ended');
    case 'room.muteRequested':
      return s.update((st) => ({ ...st, muteRequestedBy: m.by }));
    case 'signal':
      // Recording notices are the session's (end to end, checked against their direct copies); the rest is the topology's.
      if (isRecordingSignal(m.data)) return s.recording?.fromServer(m.from, m.data);
      return s.handleSignal(m.from, m.data);
    case 'sfu.moved':
      return s.onSfu([]);
    case 'sfu.feeds':
      return s.sfu?.setFeeds(m.feeds, m.screens ?? []);
    case 'sfu.offer':
      return s.sfu?.handleOffer({ jsep: { type: 'offer', sdp: m.jsep.sdp }, streams: m.streams }); // Janus renegotiated by itself
    case 'sfu.republish':
      return void s.sfu?.republish().catch(reportAs('publishing to the replaced SFU'));
    default:
      // ok/error/pong without a pending request, draining (the client handles it): nothing to do.
      return;
  }
}
