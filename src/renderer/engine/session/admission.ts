/**
 * Getting into the meeting and staying in it: the join (with the lobby), the
 * resume after the socket comes back, the rejoin as a new peer when the place
 * is gone, and logging the account in again on the way. Media is peer to
 * peer, so none of this touches a connection that still works.
 */
import type { ServerMessage } from '@merimeet/signaling/protocol';
import { markJoinStep } from '../join-trace.js';
import { withoutEveryone } from '../roster.js';
import { SignalingError, type OutgoingMessage } from '../signaling-client.js';
import type { CallSession } from './call-session.js';
import type { TimerSlot } from './lifetime.js';

type Joined = Extract<ServerMessage, { type: 'room.joined' }>;

/** The presence the server should hold for us, as we see it now. */
export function presenceSnapshot(s: CallSession): OutgoingMessage {
  const l = s.store.get().local;
  return { type: 'presence.update', displayName: l.displayName, muted: l.muted, videoOff: l.videoOff, handRaised: l.handRaised };
}

export class Admission {
  readonly #s: CallSession;
  #resumeToken: string | null = null;
  /** The presence the server has from our last room.join (JSON of presenceSnapshot()). */
  #joinedWith: string | null = null;
  /** After a resume: peers we knew that the server has not re-announced yet. */
  readonly #unconfirmed = new Set<string>();
  readonly #staleTimer: TimerSlot;

  constructor(session: CallSession) {
    this.#s = session;
    this.#staleTimer = session.lifetime.slot();
  }

  /** The server re-announced this peer: it is still here. */
  confirmed(peerId: string): void {
    this.#unconfirmed.delete(peerId);
  }

  async join(): Promise<void> {
    const s = this.#s;
    const st = s.store.get();
    this.#joinedWith = JSON.stringify(presenceSnapshot(s));
    try {
      const reply = await s.signaling.request({
        type: 'room.join',
        meetingId: s.opts.meetingId,
        admissionKey: s.opts.keys.admissionKey,
        displayName: st.local.displayName,
        muted: st.local.muted,
        videoOff: st.local.videoOff,
        handRaised: st.local.handRaised,
      });
      if (s.ended) return;
      if (reply.type === 'room.joined') this.joined(reply);
      else if (reply.type === 'room.waiting') s.update((cur) => ({ ...cur, phase: 'lobby', meetingId: reply.meetingId }));
    } catch (err) {
      if (s.ended) return;
      if (err instanceof SignalingError && (err.code === 'disconnected' || err.code === 'not_connected')) return; // the resume after reconnect retries
      if (err instanceof SignalingError) return s.fail(err.code, err.retryAfterMs);
      console.error('meriMeet: joining failed', err);
      s.fail('internal');
    }
  }

  /** Admitted: at once, after the lobby, or again after a resume. */
  joined(m: Joined): void {
    const s = this.#s;
    if (s.ended) return;
    markJoinStep('admitted');
    const before = s.store.get();
    const resumed = m.resumed && before.local.peerId === m.peerId;
    if (!resumed && before.local.peerId !== null) {
      // A fresh admission under a new peer id: every old link is dead.
      s.dropEveryone();
      s.update((st) => ({ ...st, peers: [] }));
    }
    this.#resumeToken = m.resumeToken;
    s.turn.admitted(m.iceServers, m.iceTtlMs);
    s.update((st) => ({
      ...st,
      phase: 'in-call',
      error: null,
      offline: false,
      meetingId: m.meetingId,
      locked: m.locked,
      // The server sends the lobby again right after room.joined if anyone waits (after a
      // restart nobody does: they join again); whatever we showed before may be stale.
      lobby: resumed ? [] : st.lobby,
      local: { ...st.local, peerId: m.peerId, connection: 'connected' },
    }));
    s.setHost(m.hostId);
    // Before the roster: people in a meeting on the SFU get no mesh link at all.
    if (m.media === 'sfu') s.onSfu(m.feeds ?? [], m.screens ?? []);
    for (const info of m.peers) s.upsertPeer(info);
    if (resumed) this.#afterResume(m);
    // Presence flags may have changed in the lobby or while away, and a restarted
    // server resets them: say what they are now (unless the join just said it).
    const presence = presenceSnapshot(s);
    if (resumed || JSON.stringify(presence) !== this.#joinedWith) s.signaling.send(presence);
    this.#joinedWith = null;
    s.topology?.applyEncodings();
    s.meter.start();
  }

  #afterResume(m: Joined): void {
    const s = this.#s;
    // (The refresher gave every link the fresh credentials.) Signals for us may have
    // overflowed the server's outbox: redo what did not finish.
    s.topology?.restartIce('unconnected');
    // After a server restart, peers that never come back are never announced as left
    // (protocol §9.9): drop the ones not re-announced within the grace period.
    const listed = new Set(m.peers.map((p) => p.peerId));
    this.#unconfirmed.clear();
    for (const p of s.store.get().peers) if (!listed.has(p.peerId)) this.#unconfirmed.add(p.peerId);
    this.#staleTimer.clear();
    if (this.#unconfirmed.size > 0) {
      this.#staleTimer.arm(m.graceMs, () => {
        for (const id of this.#unconfirmed) s.departed(id, 'timeout');
        this.#unconfirmed.clear();
      });
    }
    s.flushOutbox();
  }

  /** The socket is back: take our place again (or ask again, from the lobby). */
  async resume(): Promise<void> {
    const s = this.#s;
    if (s.ended) return;
    if (s.opts.sessionToken) {
      await this.resumeAccount(s.opts.sessionToken);
      if (s.ended) return;
    }
    if (this.#resumeToken === null || s.store.get().local.peerId === null) {
      // Never admitted (the lobby loses its place on a drop, §9.5): ask again.
      s.update((cur) => ({ ...cur, phase: cur.phase === 'lobby' ? 'lobby' : 'connecting' }));
      await this.join();
      return;
    }
    try {
      const reply = await s.signaling.request({ type: 'room.resume', resumeToken: this.#resumeToken });
      if (reply.type === 'room.joined') this.joined(reply);
    } catch (err) {
      if (s.ended) return;
      // Unanswered on a socket still open (a busy server or page): ask again, or the call would
      // say "Reconnecting…" for good. The token stays valid, and resuming twice on one socket is harmless.
      if (err instanceof SignalingError && err.code === 'timeout' && s.signaling.state === 'open') {
        console.warn('meriMeet: the meeting server did not answer the resume; asking again');
        return this.resume();
      }
      // The socket went down again: its next open resumes.
      if (err instanceof SignalingError && ['disconnected', 'not_connected', 'timeout'].includes(err.code)) return;
      // The place is gone (grace period over, server restarted too long ago…): join again as a new peer.
      await this.#rejoin();
    }
  }

  /**
   * Logs this connection in again. If the session is gone (expired, logged out
   * elsewhere) the call goes on as a guest, but the person is told: a rejoin or
   * a rebuilt room would no longer recognise them as the owner, so the host
   * role could go to someone else.
   */
  async resumeAccount(token: string): Promise<void> {
    const s = this.#s;
    try {
      await s.signaling.request({ type: 'account.resume', token });
    } catch (err) {
      if (s.ended) return;
      if (err instanceof SignalingError && err.code === 'session_expired') s.warn({ code: 'session_expired' });
      // Anything else (the socket dropped again): the next resume logs in again.
      else console.warn('meriMeet: logging the account in again failed', err);
    }
  }

  async #rejoin(): Promise<void> {
    const s = this.#s;
    s.dropEveryone();
    this.#resumeToken = null;
    s.update(withoutEveryone);
    await this.join();
  }
}
