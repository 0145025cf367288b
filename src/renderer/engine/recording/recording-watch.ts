/**
 * What each participant says about their recording, as this client has
 * heard it, and the two ways the server could lie about it.
 *
 * Every notice reaches us twice: relayed by the server (`server`), and on
 * the sender's peer-to-peer data channel (`direct`), where the sender repeats
 * its latest notice every second. The direct copy is authenticated end to
 * end (DTLS under MAC-verified fingerprints, then the notice's own seal) and
 * the server never carries it. So:
 *   - a server that **forges** a notice (or replays an old one) is caught at
 *     once: it does not open, or it is older than what we have;
 *   - a server that **drops** a notice is caught when the direct copy shows
 *     a sequence number the server has not delivered within
 *     WITHHELD_GRACE_MS;
 *   - the indicator follows whichever authentic copy comes first, so a
 *     dropped relay never hides a recording.
 * The watch itself is pure: the caller opens frames (recording-notice.ts),
 * passes the clock, and calls check() on a timer.
 */
import type { StreamOrder } from '../sealed-json.js';
import type { RecordingNotice } from './recording-notice.js';

/** How long a relayed copy may lag the direct one before the server is said to have withheld it. */
export const WITHHELD_GRACE_MS = 3_000;
/** Retired epochs remembered per sender (one per time they rejoined). */
const RETIRED_LIMIT = 16;

export type NoticePath = 'server' | 'direct';

/** What the server did: sent a notice that is not authentic, or held one back. */
export interface NoticeProblem {
  kind: 'forged' | 'withheld';
  peerId: string;
}

interface Sender {
  epoch: string;
  seq: number;
  notice: RecordingNotice;
  /** The highest seq of this epoch the server delivered. */
  relayedSeq: number;
  /** The first direct seq the server had not delivered yet, and when we saw it. */
  pending: { seq: number; since: number } | null;
  retired: string[];
}

export interface RecordingWatch {
  /** An authentic notice from `peerId` (opened) on `path`; returns whether what they say changed. */
  accept(peerId: string, path: NoticePath, order: StreamOrder, notice: RecordingNotice, now: number): boolean;
  /** A frame in `peerId`'s name that did not open (bad seal, wrong sender, malformed). */
  refuse(peerId: string, path: NoticePath): void;
  /** Reports relayed copies overdue since `now - WITHHELD_GRACE_MS`, once each. */
  check(now: number): void;
  notice(peerId: string): RecordingNotice | null;
  /** Everyone whose latest notice says they record. */
  recorders(): string[];
  forget(peerId: string): void;
  /** Frames dropped on the direct path (only a participant could have made them). */
  readonly dropped: number;
}

export function createRecordingWatch(onProblem: (p: NoticeProblem) => void): RecordingWatch {
  const senders = new Map<string, Sender>();
  let dropped = 0;

  /** The sender's record for this epoch, or null if the epoch is one they left behind. */
  function current(peerId: string, order: StreamOrder, notice: RecordingNotice): { s: Sender; fresh: boolean } | null {
    const known = senders.get(peerId);
    if (known && known.epoch === order.epoch) return { s: known, fresh: false };
    if (known?.retired.includes(order.epoch)) return null;
    const retired = known ? [...known.retired, known.epoch].slice(-RETIRED_LIMIT) : [];
    const s: Sender = { epoch: order.epoch, seq: 0, notice, relayedSeq: 0, pending: null, retired };
    senders.set(peerId, s);
    return { s, fresh: true };
  }

  function refuse(peerId: string, path: NoticePath): void {
    if (path === 'server') onProblem({ kind: 'forged', peerId });
    else dropped++;
  }

  return {
    get dropped() {
      return dropped;
    },
    accept(peerId, path, order, notice, now) {
      const found = current(peerId, order, notice);
      // An old copy played back: only the server can have done that on its path.
      if (!found || order.seq < found.s.seq) {
        refuse(peerId, path);
        return false;
      }
      const { s } = found;
      if (path === 'server') {
        s.relayedSeq = Math.max(s.relayedSeq, order.seq);
        if (s.pending && s.pending.seq <= s.relayedSeq) s.pending = null;
      } else if (order.seq > s.relayedSeq && !s.pending) {
        s.pending = { seq: order.seq, since: now };
      }
      if (order.seq === s.seq) return false; // the other path's copy, or a repeat
      const changed = found.fresh || s.notice.recording !== notice.recording || s.notice.everyoneMayRecord !== notice.everyoneMayRecord;
      s.seq = order.seq;
      s.notice = notice;
      return changed;
    },
    refuse,
    check(now) {
      for (const [peerId, s] of senders) {
        if (s.pending && now - s.pending.since >= WITHHELD_GRACE_MS) {
          // Reported once; the next notice the server holds back is reported again.
          s.relayedSeq = Math.max(s.relayedSeq, s.pending.seq);
          s.pending = null;
          onProblem({ kind: 'withheld', peerId });
        }
      }
    },
    notice(peerId) {
      return senders.get(peerId)?.notice ?? null;
    },
    recorders() {
      return [...senders].filter(([, s]) => s.notice.recording).map(([id]) => id);
    },
    forget(peerId) {
      senders.delete(peerId);
    },
  };
}
