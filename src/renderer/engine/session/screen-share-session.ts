/**
 * The screen this session shares: the engine takes the capture over, sends
 * it through the topology, and stops its tracks when sharing stops — by the
 * person, by the browser's own "Stop sharing" (which ends the video track),
 * or with the session.
 */
import type { CallError, CallState } from '../call-state.js';
import { reportFailure } from '../failures.js';
import type { MediaTopology } from '../media-topology.js';
import { prepareScreenStream } from '../screen-share.js';

/** What sharing needs of its session. */
export interface ScreenShareHost {
  update(fn: (st: CallState) => CallState): void;
  /** Something the person should know while the call goes on. */
  warn(warning: CallError): void;
  readonly topology: MediaTopology | null;
}

export class ScreenShare {
  #shared: { stream: MediaStream; off: () => void } | null = null;
  readonly #session: ScreenShareHost;

  constructor(session: ScreenShareHost) {
    this.#session = session;
  }

  get stream(): MediaStream | null {
    return this.#shared?.stream ?? null;
  }

  async start(stream: MediaStream): Promise<void> {
    const s = this.#session;
    if (this.#shared?.stream === stream) return;
    this.drop();
    prepareScreenStream(stream);
    const video = stream.getVideoTracks()[0];
    const onEnded = () => {
      if (this.#shared?.stream === stream) this.stop();
    };
    video?.addEventListener('ended', onEnded);
    this.#shared = { stream, off: () => video?.removeEventListener('ended', onEnded) };
    s.update((st) => ({ ...st, local: { ...st.local, screen: stream } }));
    try {
      await s.topology?.setScreen(stream);
    } catch (err) {
      // Nobody gets it (the topology cannot send a screen): the person must not think they share.
      if (this.#shared?.stream === stream) this.stop();
      throw err;
    }
    if (video?.readyState === 'ended') onEnded();
  }

  /** Stops sharing with everyone. */
  stop(): void {
    if (!this.drop()) return;
    // The capture is stopped already (nothing more is sent); a topology that could not renegotiate says so.
    this.#session.topology?.setScreen(null).catch((err: unknown) => {
      reportFailure('stopping the screen share', err);
      if ((err as { code?: unknown }).code === 'sfu_screen_failed') this.#session.warn({ code: 'sfu_screen_stop_failed' });
    });
    this.#session.update((st) => ({ ...st, local: { ...st.local, screen: null } }));
  }

  /** Stops the capture and forgets it; the topology is left as it is (the caller updates or closes it). */
  drop(): MediaStream | null {
    const shared = this.#shared;
    if (!shared) return null;
    this.#shared = null;
    shared.off();
    for (const t of shared.stream.getTracks()) t.stop();
    return shared.stream;
  }
}
