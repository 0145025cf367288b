/**
 * Our receiving connection from the SFU: Janus offers one section per
 * forwarded track, the server says whose each is (SfuOffer.streams), and we
 * answer (`sfu.start`). Every receiver's frames are opened with the keys of
 * the person the section carries, or dropped (MediaE2ee.protectReceiver): a
 * server that lies about whose section is whose gets frames that do not
 * open, never frames shown under the wrong name.
 *
 * Offers come one at a time (the topology serialises them), from our own
 * `sfu.subscribe` or from Janus when a publisher it forwards leaves.
 *
 * A section the server marks `screen` is reported as that person's screen,
 * apart from their camera and microphone. A lying server can only swap the
 * labels of one person's own sections: the frames still open only with that
 * person's keys.
 */
import { reportAs } from '../failures.js';
import type { MediaE2ee } from './e2ee/media-e2ee.js';
import { needsEncodedInsertableStreams } from './e2ee/frame-transforms.js';
import type { SfuOffer, SfuServer, SfuStream } from './sfu-server.js';
import { mediaChanges, type ReceivedSection } from './sfu-media-changes.js';

export interface SfuSubscriberOptions {
  iceServers: RTCIceServer[];
  relayOnly: boolean;
  e2ee: MediaE2ee;
  server: SfuServer;
  onState(state: RTCPeerConnectionState): void;
  /**
   * What changed in each person's media as received: `stream` their camera
   * and microphone, `screen` the screen they share (null: nothing of that is
   * forwarded to us any more). A field left out did not change.
   */
  onMedia(changes: Map<string, SfuPeerMedia>): void;
}

export interface SfuPeerMedia {
  stream?: MediaStream | null;
  screen?: MediaStream | null;
}

export class SfuSubscriber {
  readonly #o: SfuSubscriberOptions;
  #pc: RTCPeerConnection | null = null;
  /** Whose keys each receiver's transform opens frames with. */
  readonly #protectedFor = new WeakMap<RTCRtpReceiver, string>();
  /** What we last reported per person: a new MediaStream only when their tracks change. */
  readonly #shown = new Map<string, { stream: MediaStream; trackIds: string[] }>();
  /** The screen we last reported per person (null: reported none; absent: never reported, a mesh's may still show). */
  readonly #shownScreen = new Map<string, { stream: MediaStream; trackId: string } | null>();
  /** Tracks whose packets have started to arrive (a track is muted until its first packet). */
  readonly #flowing = new WeakSet<MediaStreamTrack>();
  /** The streams of the last offer, for reporting again when a track starts to flow. */
  #byMid = new Map<string, SfuStream>();
  #pending: (RTCIceCandidateInit | null)[] | null = [];
  #closed = false;

  constructor(options: SfuSubscriberOptions) {
    this.#o = options;
  }

  get state(): RTCPeerConnectionState {
    return this.#pc?.connectionState ?? 'new';
  }

  /** Applies an offer from the SFU and answers it; media follows. */
  async handleOffer(offer: SfuOffer): Promise<void> {
    if (this.#closed) return;
    const pc = this.#pc ?? this.#create();
    await pc.setRemoteDescription(offer.jsep);
    const byMid = new Map(offer.streams.map((s) => [s.mid, s]));
    this.#byMid = byMid;
    for (const t of pc.getTransceivers()) {
      const stream = t.mid === null ? undefined : byMid.get(t.mid);
      if (!stream) continue;
      this.#protect(t.receiver, stream);
      this.#watchFlow(pc, t.receiver.track);
    }
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    if (this.#closed) return;
    await this.#o.server.start({ type: 'answer', sdp: pc.localDescription?.sdp ?? answer.sdp ?? '' });
    const pending = this.#pending;
    this.#pending = null;
    for (const candidate of pending ?? []) this.#send(candidate);
    this.#report(pc, byMid);
  }

  /** A receiver's frames are opened with this person's keys from now on. */
  #protect(receiver: RTCRtpReceiver, stream: SfuStream): void {
    const current = this.#protectedFor.get(receiver);
    if (current === stream.peerId) return;
    // Janus reuses a section of someone who left for someone new: only a script transform can be swapped.
    if (current !== undefined && needsEncodedInsertableStreams()) return;
    this.#o.e2ee.protectReceiver(receiver, stream.peerId, stream.kind);
    this.#protectedFor.set(receiver, stream.peerId);
  }

  /**
   * A person's media is reported once packets of it arrive, not when the offer
   * names it: until then the mesh (during the move) still shows them, rather
   * than a tile with nothing in it.
   */
  #watchFlow(pc: RTCPeerConnection, track: MediaStreamTrack): void {
    if (!track.muted) this.#flowing.add(track);
    if (this.#flowing.has(track)) return;
    track.addEventListener(
      'unmute',
      () => {
        this.#flowing.add(track);
        if (!this.#closed) this.#report(pc, this.#byMid);
      },
      { once: true },
    );
  }

  #report(pc: RTCPeerConnection, byMid: Map<string, SfuStream>): void {
    const sections: ReceivedSection[] = [];
    const trackById = new Map<string, MediaStreamTrack>();
    for (const t of pc.getTransceivers()) {
      const stream = t.mid === null ? undefined : byMid.get(t.mid);
      if (!stream || t.currentDirection === 'inactive' || t.currentDirection === 'stopped') continue;
      const track = t.receiver.track;
      trackById.set(track.id, track);
      sections.push({ peerId: stream.peerId, screen: stream.screen === true, flowing: this.#flowing.has(track), trackId: track.id });
    }
    const shown = {
      camera: new Map([...this.#shown].map(([peerId, s]) => [peerId, s.trackIds])),
      screen: new Map([...this.#shownScreen].map(([peerId, s]) => [peerId, s ? s.trackId : null])),
    };
    const changes = new Map<string, SfuPeerMedia>();
    const streamOf = (ids: string[]) => new MediaStream(ids.map((id) => trackById.get(id)!));
    for (const [peerId, c] of mediaChanges(sections, shown)) {
      const patch: SfuPeerMedia = {};
      if (c.camera === null) this.#shown.delete(peerId);
      if (c.camera) this.#shown.set(peerId, { stream: streamOf(c.camera), trackIds: c.camera });
      if (c.camera !== undefined) patch.stream = this.#shown.get(peerId)?.stream ?? null;
      if (c.screen === null) this.#shownScreen.set(peerId, null);
      if (c.screen) this.#shownScreen.set(peerId, { stream: streamOf([c.screen]), trackId: c.screen });
      if (c.screen !== undefined) patch.screen = this.#shownScreen.get(peerId)?.stream ?? null;
      changes.set(peerId, patch);
    }
    if (changes.size > 0) this.#o.onMedia(changes);
  }

  /** The receivers carrying this person's media (for their level and stats). */
  receiversOf(peerId: string): RTCRtpReceiver[] {
    const shown = this.#shown.get(peerId);
    if (!shown || !this.#pc) return [];
    const ids = new Set(shown.stream.getTracks().map((t) => t.id));
    const screen = this.#shownScreen.get(peerId);
    if (screen) ids.add(screen.trackId);
    return this.#pc.getReceivers().filter((r) => ids.has(r.track.id));
  }

  setIceServers(servers: RTCIceServer[]): void {
    this.#pc?.setConfiguration({ ...this.#pc.getConfiguration(), iceServers: servers });
  }

  close(): void {
    this.#closed = true;
    if (!this.#pc) return;
    this.#pc.onicecandidate = null;
    this.#pc.onconnectionstatechange = null;
    this.#pc.close();
  }

  #create(): RTCPeerConnection {
    const o = this.#o;
    const config: RTCConfiguration & { encodedInsertableStreams?: boolean } = {
      iceServers: o.iceServers,
      bundlePolicy: 'max-bundle',
      ...(o.relayOnly ? { iceTransportPolicy: 'relay' as const } : {}),
      ...(needsEncodedInsertableStreams() ? { encodedInsertableStreams: true } : {}),
    };
    const pc = new RTCPeerConnection(config);
    pc.onicecandidate = (e) => this.#trickle(e.candidate ? e.candidate.toJSON() : null);
    pc.onconnectionstatechange = () => {
      if (!this.#closed) o.onState(pc.connectionState);
    };
    this.#pc = pc;
    return pc;
  }

  #trickle(candidate: RTCIceCandidateInit | null): void {
    if (this.#closed) return;
    if (this.#pending) this.#pending.push(candidate);
    else this.#send(candidate);
  }

  #send(candidate: RTCIceCandidateInit | null): void {
    void this.#o.server.trickle('subscriber', candidate).catch(reportAs('sending a subscriber candidate to the SFU'));
  }
}
