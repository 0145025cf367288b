/**
 * Our sending connection to the SFU: one audio and one video section (three
 * VP8 simulcast layers), every frame sealed by the e2ee worker before it
 * leaves (MediaE2ee.protectSender). Negotiated through our server
 * (`sfu.publish` → `sfu.answer`); Janus's candidates come in its answer, ours
 * go up with `sfu.trickle` once the server holds a handle for them.
 */
import type { MediaE2ee } from './e2ee/media-e2ee.js';
import { needsEncodedInsertableStreams } from './e2ee/frame-transforms.js';
import type { SfuServer } from './sfu-server.js';
import { reportAs } from '../failures.js';

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

export interface SfuPublisherOptions {
  iceServers: RTCIceServer[];
  relayOnly: boolean;
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
  e2ee: MediaE2ee;
  server: SfuServer;
  onState(state: RTCPeerConnectionState): void;
}

export class SfuPublisher {
  readonly #o: SfuPublisherOptions;
  readonly #pc: RTCPeerConnection;
  readonly #audio: RTCRtpTransceiver;
  readonly #video: RTCRtpTransceiver;
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
    const answer = await this.#o.server.publish({ type: 'offer', sdp: this.#pc.localDescription?.sdp ?? offer.sdp ?? '' });
    if (this.#closed) return;
    await this.#pc.setRemoteDescription(answer);
    const pending = this.#pending;
    this.#pending = null;
    for (const candidate of pending ?? []) this.#send(candidate);
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
