/**
 * Order checks for sealed streams (sealed-json.ts): each sender numbers its
 * messages within a random epoch (one per session). A receiver takes a
 * sender's messages only in increasing order, so a replayed or reordered
 * message is refused; a new epoch means the sender started a new session,
 * and an epoch once replaced is never accepted again.
 */
import type { StreamOrder } from './sealed-json.js';

/** Retired epochs remembered per sender (one per time they rejoined). */
const RETIRED_LIMIT = 64;

interface SenderOrder {
  epoch: string;
  lastSeq: number;
  retired: string[];
}

/** Returns `inOrder(sender, order)`: true if `order` comes after everything accepted from `sender` (and records it). */
export function createOrderCheck(): (sender: string, order: StreamOrder) => boolean {
  const senders = new Map<string, SenderOrder>();
  return (sender, order) => {
    const known = senders.get(sender);
    if (!known) {
      senders.set(sender, { epoch: order.epoch, lastSeq: order.seq, retired: [] });
      return true;
    }
    if (order.epoch === known.epoch) {
      if (order.seq <= known.lastSeq) return false; // replayed or reordered
      known.lastSeq = order.seq;
      return true;
    }
    if (known.retired.includes(order.epoch)) return false; // an earlier session's message
    known.retired.push(known.epoch);
    if (known.retired.length > RETIRED_LIMIT) known.retired.shift();
    known.epoch = order.epoch;
    known.lastSeq = order.seq;
    return true;
  };
}
