/**
 * Who may record and who does, read from the call state (pure; the engine
 * checks it before announcing, the UI shows it).
 *
 * The host decides: by default only the host records; the host's own
 * notice can let everyone record. That permission is read only from the
 * notice of the person the server names as host, so the server can move the
 * permission only by moving the host role, which it controls anyway
 * (docs/threat-model.md §3). It is enforced by each recorder's own client;
 * nothing can stop a participant filming their screen, but every recording
 * made with meriMeet is announced to everyone.
 */
import type { CallState } from '../call-state.js';

export function mayRecord(st: Pick<CallState, 'local' | 'hostId' | 'recording'>): boolean {
  if (st.local.isHost) return true;
  return st.hostId !== null && st.recording.others[st.hostId]?.everyoneMayRecord === true;
}

/** Whether the host lets everyone record (as this client knows it). */
export function everyoneMayRecord(st: Pick<CallState, 'local' | 'hostId' | 'recording'>): boolean {
  if (st.local.isHost) return st.recording.mine.everyoneMayRecord;
  return st.hostId !== null && st.recording.others[st.hostId]?.everyoneMayRecord === true;
}

/** Everyone recording now, this client first: peer ids of the people in the call. */
export function recorderIds(st: Pick<CallState, 'local' | 'peers' | 'recording'>): string[] {
  const ids = st.recording.mine.recording && st.local.peerId !== null ? [st.local.peerId] : [];
  for (const p of st.peers) if (st.recording.others[p.peerId]?.recording) ids.push(p.peerId);
  return ids;
}
