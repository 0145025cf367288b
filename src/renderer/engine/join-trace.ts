/**
 * Where a join spends its time, as User Timing marks (`merimeet.join.<step>`)
 * in the page's own timeline: the call bench reads them to break "click →
 * first remote frame" down (admission, keys, negotiation, media), and any
 * performance profile of the page shows them. Each step is marked once per
 * join, the first time it happens, so a 50-person call adds 12 marks, not
 * one per peer. Marks carry no data beyond their name.
 */
export const JOIN_STEPS = [
  'join-called', // CallEngine.join entered
  'keys-ready', // the session's derived keys (MAC, chat, files)
  'socket-ready', // the signaling socket is open (preconnected: at once)
  'admitted', // room.joined
  'link-created', // the first peer connection exists
  'hello-sent', // the first signed hello went to the server
  'hello-received', // the first peer's hello came back
  'offer-sent', // our first description went out (offer or answer)
  'description-received', // the first peer's description came in
  'connected', // the first peer connection is up (DTLS done)
  'remote-stream', // the first remote media arrived
] as const;

export type JoinStep = (typeof JOIN_STEPS)[number];

const PREFIX = 'merimeet.join.';
const marked = new Set<JoinStep>();

/** A new join: every step may be marked again. */
export function startJoinTrace(): void {
  marked.clear();
  if (typeof performance === 'undefined' || typeof performance.clearMarks !== 'function') return;
  for (const step of JOIN_STEPS) performance.clearMarks(PREFIX + step);
  markJoinStep('join-called');
}

export function markJoinStep(step: JoinStep): void {
  if (marked.has(step)) return;
  marked.add(step);
  if (typeof performance !== 'undefined' && typeof performance.mark === 'function') performance.mark(PREFIX + step);
}
