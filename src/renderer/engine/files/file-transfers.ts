/**
 * File transfers over the mesh, peer to peer (file-protocol.ts says what
 * goes on the wire; file-crypto.ts how it is sealed).
 *
 * Sending reads the file slice by slice, so nothing holds the whole file:
 * a chunk goes out only while the channel's send buffer is below a high-water
 * mark (bufferedAmountLowThreshold wakes the sender) and while the receiver
 * has acknowledged all but CREDIT_WINDOW_BYTES of what was sent (so a slow
 * disk on the receiving side bounds the receiver's memory too).
 *
 * Receiving writes nothing before the person accepts; then each chunk is
 * checked (its transfer, its index — out-of-order chunks fail the transfer —
 * its AES-GCM tag, the size offered) and streamed into a sink (disk), while
 * its content hash (content-hash.ts, SHA-256 per block) is computed. Only
 * when it matches the one the sender computed is the file
 * offered for saving; on any failure, cancel, or the sender leaving, the sink
 * is discarded: nothing half-saved stays behind.
 */
import { newTransferId, openControl } from './file-crypto.js';
import { sanitizeFileName } from './file-name.js';
import type { FileTransfer, FileTransfers, FileTransfersOptions } from './file-transfer-types.js';
import { onChunk, onControl } from './file-receiving.js';
import { createOrderCheck } from '../stream-order.js';
import { ACTIVE, createTransferCore } from './transfer-core.js';
import { reportAs } from '../failures.js';

// The public surface stays here, so importers need not know how it is split.
export type { FileSink, FileTransfer, FileTransfers, FileTransfersOptions, FramePipe, TransferError, TransferState } from './file-transfer-types.js';
export { HIGH_WATER_BYTES, STALL_MS } from './transfer-core.js';

export function createFileTransfers(o: FileTransfersOptions): FileTransfers {
  const core = createTransferCore(o);
  const { outgoing, incoming, order, control, changed, finishIn, finishOut, failIn, serially, now } = core;
  const inOrder = createOrderCheck();

  return {
    list: core.all,
    send(file, peerIds) {
      const made: FileTransfer[] = [];
      for (const peerId of peerIds) {
        const t: FileTransfer = {
          id: newTransferId(),
          direction: 'out',
          peerId,
          peerName: o.nameOf(peerId),
          // Shown to the sender too without bidi overrides or control characters (file-name.ts).
          name: sanitizeFileName(file.name),
          size: file.size,
          type: file.type,
          state: 'waiting',
          bytes: 0,
          bytesPerSecond: 0,
          error: null,
          url: null,
        };
        outgoing.set(t.id, { t, file, acked: 0, startedAt: 0, wake: null });
        order.push(t.id);
        made.push({ ...t });
        void control(peerId, { t: 'offer', id: t.id, name: file.name, size: file.size, type: file.type });
      }
      changed();
      return made;
    },
    async accept(id) {
      const inc = incoming.get(id);
      if (!inc || inc.t.state !== 'offered') return;
      inc.t.state = 'receiving';
      changed();
      try {
        inc.sink = await o.createSink(inc.t.name, inc.t.size);
      } catch {
        return failIn(inc, 'storage');
      }
      if (inc.t.state !== 'receiving') return void inc.sink.discard().catch(reportAs('discarding a received file'));
      inc.startedAt = inc.heardAt = now();
      core.watchForStalls();
      await control(inc.t.peerId, { t: 'accept', id });
    },
    decline(id) {
      const inc = incoming.get(id);
      if (!inc || inc.t.state !== 'offered') return;
      finishIn(inc, 'declined');
      void control(inc.t.peerId, { t: 'decline', id });
    },
    cancel(id) {
      const out = outgoing.get(id);
      const inc = incoming.get(id);
      const t = out?.t ?? inc?.t;
      if (!t || !ACTIVE.has(t.state)) return;
      if (out) finishOut(out, 'cancelled');
      if (inc) finishIn(inc, 'cancelled');
      void control(t.peerId, { t: 'cancel', id, reason: 'cancelled' });
    },
    dismiss(id) {
      const out = outgoing.get(id);
      const inc = incoming.get(id);
      if (!out && !inc) return;
      if ((out && ACTIVE.has(out.t.state)) || (inc && ACTIVE.has(inc.t.state))) this.cancel(id);
      if (inc?.t.url) URL.revokeObjectURL(inc.t.url);
      void inc?.sink?.discard().catch(reportAs('discarding a received file'));
      outgoing.delete(id);
      incoming.delete(id);
      order.splice(order.indexOf(id), 1);
      changed();
    },
    receive(peerId, frame) {
      if (core.closed) return Promise.resolve();
      return serially(`in:${peerId}`, async () => {
        if (typeof frame !== 'string') return onChunk(core, peerId, frame);
        const opened = await openControl(o.key, core.ctxFrom(peerId), frame);
        if (!opened || !inOrder(peerId, opened.order)) return; // forged, replayed or reordered: dropped
        await onControl(core, peerId, opened.payload);
      });
    },
    peerGone(peerId) {
      for (const out of outgoing.values()) if (out.t.peerId === peerId) finishOut(out, 'failed', 'peer_left');
      for (const inc of incoming.values()) if (inc.t.peerId === peerId) finishIn(inc, 'failed', 'peer_left');
    },
    close() {
      core.closed = true;
      core.stopTimers();
      for (const out of outgoing.values()) {
        out.t.state = ACTIVE.has(out.t.state) ? 'cancelled' : out.t.state;
        out.wake?.();
      }
      for (const inc of incoming.values()) {
        if (inc.t.url) URL.revokeObjectURL(inc.t.url);
        void inc.sink?.discard().catch(reportAs('discarding a received file'));
      }
      outgoing.clear();
      incoming.clear();
      order.length = 0;
    },
  };
}
