/**
 * The microphone as it is sent: raw track → Web Audio → (RNNoise) → the track
 * the call carries. The sent track stays the same when noise suppression is
 * turned on or off (the graph is rewired), so the call needs no replaceTrack
 * and no renegotiation for it. Everything runs in this page: no audio goes
 * anywhere to be processed.
 *
 * If the worklet cannot be loaded, `failure` says so (code
 * 'noise_suppression_failed', words in ui/messages.ts) and the raw sound
 * goes through unprocessed; if even an AudioContext cannot be made, the raw
 * track itself is what is sent.
 */
import { reportAs, reportFailure } from '../failures.js';
import { createRnnoiseNode, destroyRnnoiseNode, RNNOISE_SAMPLE_RATE } from './rnnoise-node.js';

export const NOISE_SUPPRESSION_FAILED = 'noise_suppression_failed';

export interface MicrophoneProcessing {
  /** What to send and show in the level meter. */
  readonly track: MediaStreamTrack;
  /** Whether RNNoise is in the path right now. */
  suppressing(): boolean;
  /** Turns suppression on or off; resolves false when it was wanted and could not start (the raw sound is sent). */
  setSuppression(on: boolean): Promise<boolean>;
  /** Stops the raw microphone, the sent track and the audio graph. */
  stop(): void;
}

/** What the sent track is when no audio graph could be made: the raw microphone itself. */
function rawOnly(raw: MediaStreamTrack): MicrophoneProcessing {
  return {
    track: raw,
    suppressing: () => false,
    setSuppression: async (on) => !on,
    stop: () => raw.stop(),
  };
}

class SuppressedMicrophone implements MicrophoneProcessing {
  readonly track: MediaStreamTrack;
  readonly #raw: MediaStreamTrack;
  readonly #ctx: AudioContext;
  readonly #source: MediaStreamAudioSourceNode;
  readonly #destination: MediaStreamAudioDestinationNode;
  #node: AudioWorkletNode | null = null;
  #loading: Promise<AudioWorkletNode | null> | null = null;
  #wanted = false;
  #stopped = false;
  readonly #resume = () => void this.#ctx.resume().catch(reportAs('starting the microphone processing'));

  constructor(raw: MediaStreamTrack, ctx: AudioContext) {
    this.#raw = raw;
    this.#ctx = ctx;
    this.#source = ctx.createMediaStreamSource(new MediaStream([raw]));
    this.#destination = ctx.createMediaStreamDestination();
    this.#destination.channelCount = 1;
    const sent = this.#destination.stream.getAudioTracks()[0];
    if (!sent) throw new Error('the audio graph made no track');
    this.track = sent;
    this.#source.connect(this.#destination);
    // Autoplay policy: a context made before any click may start suspended, and would send silence.
    this.#resume();
    window.addEventListener('pointerdown', this.#resume);
    window.addEventListener('keydown', this.#resume);
  }

  suppressing(): boolean {
    return this.#wanted && this.#node !== null;
  }

  async setSuppression(on: boolean): Promise<boolean> {
    this.#wanted = on;
    if (!on) {
      this.#wire(null);
      return true;
    }
    const node = await this.#loadOnce();
    // Turned off (or stopped) while loading: leave the graph as the last call asked.
    if (this.#wanted && !this.#stopped) this.#wire(node);
    return node !== null;
  }

  /** Gives the graph up without stopping the raw microphone, which is then sent as it is. */
  detachRaw(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    window.removeEventListener('pointerdown', this.#resume);
    window.removeEventListener('keydown', this.#resume);
    this.#source.disconnect();
    if (this.#node) destroyRnnoiseNode(this.#node);
    this.track.stop();
    void this.#ctx.close().catch(reportAs('closing the microphone processing'));
  }

  stop(): void {
    this.detachRaw();
    this.#raw.stop();
  }

  /** source → node → destination, or source → destination when `node` is null. */
  #wire(node: AudioWorkletNode | null): void {
    this.#source.disconnect();
    this.#node?.disconnect();
    if (node) {
      this.#source.connect(node);
      node.connect(this.#destination);
    } else {
      this.#source.connect(this.#destination);
    }
  }

  /** One load per microphone; a failed one is tried again the next time suppression is turned on. */
  #loadOnce(): Promise<AudioWorkletNode | null> {
    if (this.#node) return Promise.resolve(this.#node);
    this.#loading ??= createRnnoiseNode(this.#ctx).then(
      (node) => {
        node.addEventListener('processorerror', (event) => {
          // The processor threw while running: back to the raw sound.
          reportFailure('running noise suppression', event);
          this.#node = null;
          this.#wire(null);
        });
        this.#node = node;
        return node;
      },
      (err: unknown) => {
        reportFailure('loading noise suppression', err);
        this.#loading = null;
        return null;
      },
    );
    return this.#loading;
  }
}

/**
 * Puts `raw` through the audio graph, with RNNoise when `suppress` is true.
 * `failed` is true when suppression was asked for and could not start.
 */
export async function processMicrophone(raw: MediaStreamTrack, suppress: boolean): Promise<{ processing: MicrophoneProcessing; failed: boolean }> {
  let mic: SuppressedMicrophone;
  let ctx: AudioContext;
  try {
    ctx = new AudioContext({ sampleRate: RNNOISE_SAMPLE_RATE, latencyHint: 'interactive' });
    mic = new SuppressedMicrophone(raw, ctx);
  } catch (err) {
    reportFailure('making the microphone audio graph', err);
    return { processing: rawOnly(raw), failed: suppress };
  }
  if (!(await runsOrMayStillRun(ctx))) {
    // A graph that never runs sends silence: the others would hear nothing at all.
    reportFailure('starting the microphone audio graph', new Error(`the audio context stays ${ctx.state}`));
    mic.detachRaw();
    return { processing: rawOnly(raw), failed: suppress };
  }
  const started = await mic.setSuppression(suppress);
  return { processing: mic, failed: !started };
}

/** How long a context the page may start is given to run (Chromium's start in a few ms). */
const CONTEXT_START_MS = 1_000;

/**
 * Whether the audio graph runs, or is only waiting for the person's first
 * click (the autoplay policy: it is resumed then). A context that is allowed
 * to start and still does not run cannot: measured in headless Firefox 153
 * with no audio output device, it stays 'suspended' for good.
 */
async function runsOrMayStillRun(ctx: AudioContext): Promise<boolean> {
  if (ctx.state === 'running') return true;
  const nav = navigator as Navigator & { getAutoplayPolicy?: (type: 'audiocontext') => string; userActivation?: { hasBeenActive: boolean } };
  const allowedNow = nav.getAutoplayPolicy?.('audiocontext') === 'allowed' || nav.userActivation?.hasBeenActive === true;
  if (!allowedNow) return true;
  await Promise.race([ctx.resume(), new Promise((resolve) => setTimeout(resolve, CONTEXT_START_MS))]);
  // Read again after the await: resume() moves the state on.
  return (ctx.state as AudioContextState) === 'running';
}
