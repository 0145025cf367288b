/**
 * What the page and the frame-crypto worker (frame-worker.ts) tell each
 * other. Keys cross as bytes: a structured clone into the worker's memory,
 * nowhere else.
 */
import type { FrameCryptoStats, MediaKind } from './media-e2ee.js';
import type { MediaKey } from './media-key.js';

/** What a transform is for; RTCRtpScriptTransform carries it as its `options`. */
export type TransformRole = { role: 'send'; kind: MediaKind } | { role: 'receive'; kind: MediaKind; peerId: string };

export type ToFrameWorker =
  /** Encrypt with this key from `delayMs` from now (later than any earlier send-key). */
  | { type: 'send-key'; key: MediaKey; delayMs: number }
  | { type: 'receive-key'; peerId: string; key: MediaKey }
  | { type: 'forget-peer'; peerId: string }
  /** createEncodedStreams' streams, transferred (browsers without RTCRtpScriptTransform). */
  | { type: 'streams'; options: TransformRole; readable: ReadableStream; writable: WritableStream };

export type FromFrameWorker =
  | { type: 'decrypt-state'; peerId: string; kind: MediaKind; state: 'ok' | 'cant-decrypt' }
  | { type: 'stats'; stats: FrameCryptoStats };

/** Either end of the page–worker channel (a Worker, or the worker's own scope). */
export interface FramePort {
  postMessage(message: ToFrameWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<FromFrameWorker>) => void) | null;
  terminate(): void;
}
