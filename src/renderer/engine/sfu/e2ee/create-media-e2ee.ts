/**
 * The implementation of the MediaE2ee contract (media-e2ee.ts): our media
 * key ring as a sender (sender-key-ring.ts), the pairwise channel to each
 * member (pairwise-channel.ts), and the frame-crypto worker (frame-worker.ts)
 * that holds every key used on frames.
 *
 * - addMember: agree a pairwise key; ratchet our key forward at once (the
 *   members already here derive the step themselves); the newcomer gets the
 *   ratcheted key once the pair is trusted.
 * - removeMember: their keys are erased in the worker; a new random epoch goes
 *   to everyone left, and frames switch to it {@link EPOCH_SWITCH_DELAY_MS}
 *   later, the time the key needs to reach them through the relay.
 */
import * as v from 'valibot';
import { reportAs } from '../../failures.js';
import { createSerialQueues } from '../../serial.js';
import { attachFrameTransform, spawnFrameWorker } from './frame-transforms.js';
import type { FramePort, ToFrameWorker } from './frame-worker-messages.js';
import { KeySignal, isKeySignal } from './key-signals.js';
import type { CreateMediaE2ee, FrameCryptoStats, MediaE2ee, MediaE2eeEvents, MediaE2eeOptions } from './media-e2ee.js';
import { PairwiseChannels } from './pairwise-channel.js';
import { SenderKeyRing } from './sender-key-ring.js';

/** Measured on loopback a key message takes a few ms; 1 s covers a slow relay and stays well inside the 3 s. */
export const EPOCH_SWITCH_DELAY_MS = 1_000;

const NO_STATS: FrameCryptoStats = {
  encryptedFrames: 0,
  decryptedFrames: 0,
  droppedFrames: 0,
  encryptMs: { p50: 0, p95: 0 },
  decryptMs: { p50: 0, p95: 0 },
};

export const createMediaE2ee: CreateMediaE2ee = (options, events) => createMediaE2eeOn(spawnFrameWorker(), options, events);

/** The same, over a given worker port (tests run the worker's core in-process). */
export function createMediaE2eeOn(worker: FramePort, options: MediaE2eeOptions, events: MediaE2eeEvents): MediaE2ee {
  const ring = new SenderKeyRing();
  const members = new Set<string>();
  const gone = new Set<string>();
  const serial = createSerialQueues();
  let latest = NO_STATS;
  let closed = false;
  const post = (message: ToFrameWorker) => {
    if (!closed) worker.postMessage(message);
  };

  worker.onmessage = (event) => {
    const m = event.data;
    if (m.type === 'stats') latest = m.stats;
    else if (!gone.has(m.peerId)) events.onDecryptState(m.peerId, m.kind, m.state);
  };
  post({ type: 'send-key', key: ring.current, delayMs: 0 });

  const channels = PairwiseChannels.create(options, {
    onEstablished: (peerId) => void onRing(() => handOver(peerId)),
    onMediaKey: (peerId, key) => {
      if (!gone.has(peerId)) post({ type: 'receive-key', peerId, key });
      key.baseKey.fill(0);
    },
    onPeerTrust: (peerId, trust) => {
      if (!gone.has(peerId)) events.onPeerTrust(peerId, trust);
    },
  });

  /** Every change to our key and every handover, one at a time, in the order asked. */
  const onRing = (task: () => Promise<void>) => serial('ring', task).catch(reportAs('media-e2ee key ring'));
  /** Only to people the roster admitted (addMember), whoever else completes a handshake. */
  const handOver = async (peerId: string) => {
    if (closed || !members.has(peerId)) return;
    await (await channels).sendMediaKey(peerId, ring.current);
  };

  return {
    protectSender: (sender, kind) => attachFrameTransform(sender, worker, { role: 'send', kind }),
    protectReceiver: (receiver, peerId, kind) => attachFrameTransform(receiver, worker, { role: 'receive', kind, peerId }),
    addMember(peerId) {
      if (closed || members.has(peerId)) return;
      members.add(peerId);
      gone.delete(peerId);
      void onRing(async () => {
        post({ type: 'send-key', key: await ring.ratchet(), delayMs: 0 });
        // Their hello may have come before the roster told us about them.
        if ((await channels).isEstablished(peerId)) await handOver(peerId);
      });
      void serial(`signal:${peerId}`, async () => (await channels).open(peerId)).catch(reportAs('media-e2ee hello'));
    },
    removeMember(peerId) {
      if (closed || !members.delete(peerId)) return;
      gone.add(peerId);
      post({ type: 'forget-peer', peerId });
      void onRing(async () => {
        (await channels).close(peerId);
        const next = ring.newEpoch();
        post({ type: 'send-key', key: next, delayMs: EPOCH_SWITCH_DELAY_MS });
        const c = await channels;
        for (const m of members) if (c.isEstablished(m)) await c.sendMediaKey(m, next);
      });
    },
    isKeySignal,
    handleSignal(from, data) {
      if (closed || gone.has(from)) return;
      void serial(`signal:${from}`, async () => {
        const c = await channels;
        const parsed = v.safeParse(KeySignal, data);
        if (!parsed.success) return events.onPeerTrust(from, { securityProblem: { kind: 'forged', at: Date.now() } });
        if (parsed.output.kind === 'media-key-hello') await c.handleHello(from, parsed.output);
        else await c.handleMediaKey(from, parsed.output.sealed);
      }).catch(reportAs('media-e2ee signal'));
    },
    stats: () => latest,
    close() {
      if (closed) return;
      closed = true;
      ring.erase();
      worker.terminate();
    },
  };
}
