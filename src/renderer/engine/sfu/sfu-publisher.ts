/**
 * Our sending connection to the SFU: one audio and one video section (three
 * VP8 simulcast layers), and a second video section while we share a screen,
 * every frame sealed by the e2ee worker before it leaves
 * (MediaE2ee.protectSender). Sharing and stopping renegotiate this one
 * connection (Janus 1.1 multistream); the server is told which mid is the
 * screen, nothing else. Negotiated through our server
 * (`sfu.publish` → `sfu.answer`); Janus's candidates come in its answer, ours
 * go up with `sfu.trickle` once the server holds a handle for them.
 */
import type { MediaE2ee } from './e2ee/media-e2ee.js';
import { needsEncodedInsertableStreams } from './e2ee/frame-transforms.js';
import type { SfuServer } from './sfu-server.js';
import { reportAs, reportFailure } from '../failures.js';
import { screenEncodingFor } from '../screen-share.js';

/**
 * Highest layer first: Janus takes the first rid as the best one. The camera
 * is captured at 640×360 in an SFU meeting (SFU_CAPTURE), so the layers are
 * 360p, 180p and 90p (Chromium sends only as many as the size allows).
 */
export const SIMULCAST_LAYERS: RTCRtpEncodingParameters[] = [
  { rid: 'h', maxBitrate: 600_000, maxFramerate: 24 },
  { rid: 'm', maxBitrate: 200_000, maxFramerate: 24, scaleResolutionDownBy: 2 },
  { rid: 'l', maxBitrate: 80_000, maxFramerate: 15, scaleResolutionDownBy: 4 },
];

/** What the camera gives in an SFU meeting: every receiver decodes a layer of this, never more. */
export const SFU_CAPTURE: MediaTrackConstraints = { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24 } };

/**
 * The screen through the SFU: one copy up whatever the meeting's size (Janus
 * fans it out), one layer at full resolution (text stays sharp), so the
 * budget of a two-person mesh copy applies.
 */
export const SFU_SCREEN_ENCODING = screenEncodingFor(2);

export interface SfuPublisherOptions {
  iceServers: RTCIceServer[];
  relayOnly: boolean;
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
  /** A screen we share already (the meeting moved to the SFU while we share). */
  screen: MediaStreamTrack | null;
  e2ee: MediaE2ee;
  server: SfuServer;
  onState(state: RTCPeerConnectionState): void;
}

export class SfuPublisher {
  readonly #o: SfuPublisherOptions;
  readonly #pc: RTCPeerConnection;
  readonly #audio: RTCRtpTransceiver;
  readonly #video: RTCRtpTransceiver;
  /** The screen's section, made on the first share and kept (inactive) after it stops, so a new share reuses its mid. */
  #screen: RTCRtpTransceiver | null = null;
  /** Candidates found before the server holds our publisher handle (it refuses them until then). */
  #pending: (RTCIceCandidateInit | null)[] | null = [];
  #closed = false;

  constructor(options: SfuPublisherOptions) {
    this.#o = options;
    const config: RTCConfiguration & { encodedInsertableStreams?: boolean } = {
      iceServers: options.iceServers,
      bundlePolicy: 'max-bundle',
      ...(options.relayOnly ? { iceTransportPolicy: 'relay' as const } : {}),
      ...(needsEncodedInsertableStreams() ? { encodedInsertableStreams: true } : {}),
    };
    const pc = new RTCPeerConnection(config);
    this.#pc = pc;
    this.#audio = pc.addTransceiver(options.audio ?? 'audio', { direction: 'sendonly' });
    this.#video = pc.addTransceiver(options.video ?? 'video', { direction: 'sendonly', sendEncodings: SIMULCAST_LAYERS });
    // Before any frame is encoded: nothing leaves in clear, not even the first keyframe.
    options.e2ee.protectSender(this.#audio.sender, 'audio');
    options.e2ee.protectSender(this.#video.sender, 'video');
    if (options.screen) this.#addScreen(options.screen);
    pc.onicecandidate = (e) => this.#trickle(e.candidate ? e.candidate.toJSON() : null);
    pc.onconnectionstatechange = () => {
      if (!this.#closed) options.onState(pc.connectionState);
    };
  }

  get state(): RTCPeerConnectionState {
    return this.#pc.connectionState;
  }

  /** Offers our media to the SFU and applies its answer (again after a change of what we send). */
  async publish(): Promise<void> {
    const offer = await this.#pc.createOffer();
    await this.#pc.setLocalDescription(offer);
    const screen = this.#screen?.direction === 'sendonly' ? (this.#screen.mid ?? undefined) : undefined;
    const answer = await this.#o.server.publish({ type: 'offer', sdp: this.#pc.localDescription?.sdp ?? offer.sdp ?? '' }, screen);
    if (this.#closed) return;
    await this.#pc.setRemoteDescription(answer);
    const pending = this.#pending;
    this.#pending = null;
    for (const candidate of pending ?? []) this.#send(candidate);
  }

  /**
   * Shares this screen track (null: stops) and renegotiates. If the SFU does
   * not take the new offer, the connection goes back to what it was: camera
   * and microphone carry on, and the error (code `sfu_screen_failed`) says
   * the screen did not go out (or, stopping, may still show).
   */
  async setScreen(track: MediaStreamTrack | null): Promise<void> {
    if (this.#closed) return;
    const screen = this.#screen;
    if (track === null && (!screen || screen.direction === 'inactive')) return;
    if (track && !screen) this.#addScreen(track);
    else if (screen) {
      await screen.sender.replaceTrack(track);
      screen.direction = track ? 'sendonly' : 'inactive';
    }
    try {
      await this.publish();
    } catch (err) {
      if (this.#closed) return;
      await this.#rollBack(track !== null);
      throw new SfuScreenError(track ? 'start' : 'stop', err);
    }
  }

  /** Before any frame is encoded: nothing of the screen leaves in clear either. */
  #addScreen(track: MediaStreamTrack): void {
    const screen = this.#pc.addTransceiver(track, { direction: 'sendonly', sendEncodings: [{ maxBitrate: SFU_SCREEN_ENCODING.maxBitrate, maxFramerate: SFU_SCREEN_ENCODING.maxFramerate, scaleResolutionDownBy: 1 }] });
    this.#o.e2ee.protectSender(screen.sender, 'video');
    this.#screen = screen;
  }

  /** A refused renegotiation: back to the last description the SFU agreed to; a screen that did not start sends nothing. */
  async #rollBack(starting: boolean): Promise<void> {
    if (this.#pc.signalingState === 'have-local-offer') await this.#pc.setLocalDescription({ type: 'rollback' });
    if (!starting || !this.#screen) return;
    this.#screen.direction = 'inactive';
    await this.#screen.sender.replaceTrack(null).catch((err: unknown) => reportFailure('taking back a screen the SFU refused', err));
  }

  async replaceTrack(track: MediaStreamTrack): Promise<void> {
    await (track.kind === 'audio' ? this.#audio : this.#video).sender.replaceTrack(track);
  }

  setIceServers(servers: RTCIceServer[]): void {
    this.#pc.setConfiguration({ ...this.#pc.getConfiguration(), iceServers: servers });
  }

  /** Our microphone's level as sent (0..1), or null before it is measured. */
  async localAudioLevel(): Promise<number | null> {
    const report = await this.#audio.sender.getStats();
    let level: number | null = null;
    report.forEach((r: { type?: string; kind?: string; audioLevel?: number }) => {
      if (r.type === 'media-source' && r.kind === 'audio' && typeof r.audioLevel === 'number') level = r.audioLevel;
    });
    return level;
  }

  getStats(): Promise<RTCStatsReport> {
    return this.#pc.getStats();
  }

  close(): void {
    this.#closed = true;
    this.#pc.onicecandidate = null;
    this.#pc.onconnectionstatechange = null;
    this.#pc.close();
  }

  #trickle(candidate: RTCIceCandidateInit | null): void {
    if (this.#closed) return;
    if (this.#pending) this.#pending.push(candidate);
    else this.#send(candidate);
  }

  #send(candidate: RTCIceCandidateInit | null): void {
    void this.#o.server.trickle('publisher', candidate).catch(reportAs('sending a publisher candidate to the SFU'));
  }
}

/** Sharing (or stopping) the screen through the SFU failed; the camera and microphone were left as they were. */
export class SfuScreenError extends Error {
  readonly code = 'sfu_screen_failed';
  constructor(
    readonly action: 'start' | 'stop',
    readonly reason: unknown,
  ) {
    super(`the SFU did not take the offer to ${action} sharing the screen: ${String((reason as { code?: unknown })?.code ?? reason)}`);
  }
}
