/**
 * What the desktop shell learns from a call, as pure functions of the engine's
 * state: the tray's view of the call, and the notifications worth showing
 * while the window is hidden (someone joined, someone wrote). The platform
 * decides whether to show them (main shows them only while the window is
 * hidden or in the background).
 */
import type { CallState } from '../engine/call-state.js';
import type { PlatformCallState } from '../platform/platform.js';

export function trayCallState(state: CallState | null): PlatformCallState {
  if (state === null || state.phase === 'ended' || state.phase === 'failed' || state.phase === 'idle') {
    return { inCall: false, muted: false, cameraOff: false, sharing: false, meetingId: null };
  }
  return {
    inCall: true,
    muted: state.local.muted,
    cameraOff: state.local.videoOff,
    sharing: state.local.screen !== null,
    meetingId: state.meetingId,
  };
}

export interface CallNotification {
  kind: 'joined' | 'message';
  title: string;
  body: string;
}

const MAX_BODY = 140;

/** Notifications for what changed from `before` to `after`: new participants, new messages from others. */
export function callNotifications(before: CallState, after: CallState): CallNotification[] {
  const out: CallNotification[] = [];
  const known = new Set(before.peers.map((p) => p.peerId));
  for (const peer of after.peers) {
    if (!known.has(peer.peerId)) out.push({ kind: 'joined', title: `${peer.displayName} joined`, body: 'meriMeet' });
  }
  const seen = new Set(before.chat.map((m) => m.id));
  for (const message of after.chat) {
    if (message.mine || seen.has(message.id)) continue;
    const body = message.text.length > MAX_BODY ? `${message.text.slice(0, MAX_BODY - 1)}…` : message.text;
    out.push({ kind: 'message', title: message.fromName, body });
  }
  return out;
}
