/**
 * What the session shows while its socket comes and goes. Media is peer to
 * peer: a dropped socket only changes the phase; still down after
 * OFFLINE_NOTICE_MS, the person is told (and offered "Try again"); back up,
 * the admission resumes our place.
 */
import type { Admission } from './admission.js';
import type { CallSession } from './call-session.js';
import { handleServerMessage } from './server-messages.js';

/** Reconnecting this long means the network (or the server) is really gone: tell the person. */
export const OFFLINE_NOTICE_MS = 8_000;

/** WebSocket close code: the same participant resumed on another connection. */
const CLOSE_REPLACED = 4010;

export function watchSocket(s: CallSession, admission: Admission): void {
  const { signaling } = s;
  const offline = s.lifetime.slot();
  const listeners = [
    signaling.onMessage((m) => handleServerMessage(s, admission, m)),
    signaling.onState((state, detail) => {
      if (s.ended) return;
      if (state === 'reconnecting') {
        const phase = s.store.get().phase;
        if (phase === 'in-call' || phase === 'lobby') s.update((st) => ({ ...st, phase: 'reconnecting' }));
        offline.armIfIdle(OFFLINE_NOTICE_MS, () => {
          if (signaling.state !== 'open') s.update((st) => ({ ...st, offline: true }));
        });
      } else if (state === 'open') {
        offline.clear();
        if (s.store.get().offline) s.update((st) => ({ ...st, offline: false }));
      } else if (state === 'closed') {
        s.fail(detail.closeCode === CLOSE_REPLACED ? 'replaced' : 'disconnected');
      }
    }),
    signaling.onOpen(({ reconnected }) => {
      if (reconnected) void admission.resume();
    }),
  ];
  for (const off of listeners) s.lifetime.add(off);
}
