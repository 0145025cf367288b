/**
 * RNNoise (xiph's recurrent-network noise suppressor, compiled to WebAssembly
 * by @sapphi-red/web-noise-suppressor) as an AudioWorkletNode. The worklet
 * script and both wasm binaries are files of our own build (Vite emits them
 * beside index.html, `?url`), so nothing is fetched from anywhere else, and
 * the audio never leaves this device.
 */
import { loadRnnoise, RnnoiseWorkletNode } from '@sapphi-red/web-noise-suppressor';
import workletUrl from '@sapphi-red/web-noise-suppressor/rnnoiseWorklet.js?url';
import wasmUrl from '@sapphi-red/web-noise-suppressor/rnnoise.wasm?url';
import simdWasmUrl from '@sapphi-red/web-noise-suppressor/rnnoise_simd.wasm?url';

/** RNNoise works on 480-sample frames of 48 kHz audio; the package assumes that rate. */
export const RNNOISE_SAMPLE_RATE = 48_000;

/** The worklet's files, for the build checks (test/e2e) and the bench. */
export const RNNOISE_ASSETS = { workletUrl, wasmUrl, simdWasmUrl } as const;

/**
 * Loads the worklet into `ctx` and makes a mono RNNoise node. Rejects when
 * the script, the wasm or its compilation fails.
 *
 * The package's processor compiles the wasm inside the AudioWorklet scope and
 * never reports a failure there: its output just stays silent. So the binary
 * is compiled here first, where a refusal (a CSP without 'wasm-unsafe-eval',
 * a broken file) rejects and the caller can fall back to the raw microphone.
 */
export async function createRnnoiseNode(ctx: AudioContext): Promise<AudioWorkletNode> {
  const [wasmBinary] = await Promise.all([loadRnnoise({ url: wasmUrl, simdUrl: simdWasmUrl }), ctx.audioWorklet.addModule(workletUrl)]);
  await WebAssembly.compile(wasmBinary);
  const node = new RnnoiseWorkletNode(ctx, { wasmBinary, maxChannels: 1 });
  // One voice: a stereo microphone is mixed down, so no channel goes through unprocessed.
  node.channelCount = 1;
  node.channelCountMode = 'explicit';
  return node;
}

/** Frees the wasm state inside the worklet (the node alone would keep it). */
export function destroyRnnoiseNode(node: AudioWorkletNode): void {
  node.disconnect();
  if (node instanceof RnnoiseWorkletNode) node.destroy();
}
