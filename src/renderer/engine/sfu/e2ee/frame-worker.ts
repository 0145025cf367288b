/**
 * The dedicated worker that encrypts and decrypts media frames
 * (frame-worker-core.ts). Keys arrive by postMessage; frames arrive through
 * `rtctransform` events (RTCRtpScriptTransform) or as transferred
 * createEncodedStreams streams. Built as its own file by Vite
 * (`new Worker(new URL(…), { type: 'module' })` in frame-transforms.ts), which
 * the CSP allows as 'self'.
 */
import type { FromFrameWorker, ToFrameWorker, TransformRole } from './frame-worker-messages.js';
import { FrameWorkerCore } from './frame-worker-core.js';

/** The parts of a worker's global scope used here (the renderer is typed with the DOM library). */
interface FrameWorkerScope {
  postMessage(message: FromFrameWorker): void;
  onmessage: ((event: MessageEvent<ToFrameWorker>) => void) | null;
  onrtctransform: ((event: { transformer: { options: TransformRole; readable: ReadableStream; writable: WritableStream } }) => void) | null;
}

/** How often the page gets fresh counters and timings for stats(). */
const STATS_EVERY_MS = 500;

const scope = globalThis as unknown as FrameWorkerScope;
const core = new FrameWorkerCore((message) => scope.postMessage(message));
scope.onmessage = (event) => core.handle(event.data);
scope.onrtctransform = (event) => core.attach(event.transformer.options, event.transformer.readable, event.transformer.writable);
setInterval(() => scope.postMessage({ type: 'stats', stats: core.stats() }), STATS_EVERY_MS);
