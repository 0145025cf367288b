/**
 * Puts the frame-crypto worker (frame-worker.ts) between an RTCRtpSender or
 * RTCRtpReceiver and the network: `RTCRtpScriptTransform` where the browser
 * has it (Chromium ≥ 141, Firefox ≥ 117, Electron ≥ 39), otherwise
 * Chromium's `createEncodedStreams`, whose streams are transferred to the same
 * worker. The latter needs the RTCPeerConnection made with
 * `{ encodedInsertableStreams: true }`; the topology does that when
 * {@link needsEncodedInsertableStreams} says so.
 */
import type { FramePort, TransformRole } from './frame-worker-messages.js';

export class E2eeUnsupportedError extends Error {
  readonly code = 'e2ee_unsupported';
  constructor() {
    super('this browser has neither RTCRtpScriptTransform nor createEncodedStreams');
  }
}

type WithEncodedStreams = { createEncodedStreams?: () => { readable: ReadableStream; writable: WritableStream } };

const hasScriptTransform = () => typeof globalThis.RTCRtpScriptTransform === 'function';

/** Whether RTCPeerConnections must be made with `encodedInsertableStreams: true` for frames to be protected. */
export function needsEncodedInsertableStreams(): boolean {
  return !hasScriptTransform();
}

export function spawnFrameWorker(): FramePort {
  return new Worker(new URL('./frame-worker.ts', import.meta.url), { type: 'module', name: 'merimeet-frame-crypto' }) as FramePort & Worker;
}

/** From now on every frame through `target` goes through the worker (sealed or opened), or is dropped. */
export function attachFrameTransform(target: RTCRtpSender | RTCRtpReceiver, worker: FramePort, options: TransformRole): void {
  if (hasScriptTransform()) {
    target.transform = new RTCRtpScriptTransform(worker as unknown as Worker, options);
    return;
  }
  const legacy = target as unknown as WithEncodedStreams;
  if (typeof legacy.createEncodedStreams !== 'function') throw new E2eeUnsupportedError();
  const { readable, writable } = legacy.createEncodedStreams();
  worker.postMessage({ type: 'streams', options, readable, writable }, [readable as unknown as Transferable, writable as unknown as Transferable]);
}
