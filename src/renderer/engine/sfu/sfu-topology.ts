/**
 * Media through the SFU (Janus VideoRoom, driven by our server): one
 * connection up (SfuPublisher) and one down (SfuSubscriber), whatever the
 * meeting's size, with every frame end-to-end encrypted (sfu/e2ee/).
 * Implements MediaTopology beside the mesh (mesh/mesh-topology.ts).
 *
 * - Keys: each member the roster admits is a member of the e2ee key ring;
 *   key-exchange signals go through the server's `signal` relay, MAC'd and
 *   sealed, and the safety code comes from the pairwise agreement.
 * - Chat goes through the same relay, sealed as in a mesh (chat-channel.ts).
 * - Who we receive: everyone publishing (`sfu.feeds`), audio and video,
 *   and the screen of whoever shares one (`sfu.feeds`' `screens`: a change
 *   there re-subscribes, and the server adds or drops that one stream).
 * - Our screen: one more section on our sending connection (SfuPublisher).
 * - Files too: a paced pipe per person over the relay (relayed-files.ts).
 */
import { reportAs, reportFailure } from '../failures.js';
import type { ChatSender } from '../chat-channel.js';
import type { FramePipe } from '../files/file-transfers.js';
import type { AudioLevels, MediaTopology, MediaTopologyEvents, PeerReport } from '../media-topology.js';
import { createSerialQueues } from '../serial.js';
import { recordsOf } from '../stats.js';
import type { CreateMediaE2ee, MediaE2ee } from './e2ee/media-e2ee.js';
import { SFU_CAPTURE, SfuPublisher } from './sfu-publisher.js';
import type { SfuOffer, SfuServer } from './sfu-server.js';
import { SfuSubscriber } from './sfu-subscriber.js';
import { isRelayedChat, relayedChat } from './relayed-chat.js';
import { isRelayedFileSignal, RelayedFiles } from './relayed-files.js';

export interface SfuTopologyOptions {
  meetingId: string;
  localId: () => string | null;
  iceServers: () => RTCIceServer[];
  relayOnly: boolean;
  /** The caller's camera/microphone stream (the topology never stops its tracks). */
  stream: MediaStream | null;
  /** Tracks swapped in since the call started (they replace the stream's). */
  replaced: ReadonlyMap<string, MediaStreamTrack>;
  /** The screen the session shares now (the meeting may move to the SFU while it does). */
  screen: () => MediaStream | null;
  e2eKey: CryptoKey;
  server: SfuServer;
  sendSignal: (to: string, data: unknown) => void;
  /** Relays a file signal now, or returns false if the socket is down (never kept for later: relayed-files.ts). */
  sendFileSignal: (to: string, data: unknown) => boolean;
  createE2ee: CreateMediaE2ee;
  events: MediaTopologyEvents;
}

export interface SfuTopology extends MediaTopology {
  readonly kind: 'sfu';
  /** Publishes our media (again, on fresh connections, if it was published before). */
  publish(): Promise<void>;
  /** The SFU was replaced: fresh connections, and who publishes there comes in the next `sfu.feeds`. */
  republish(): Promise<void>;
  /** Who publishes now, and which of them a screen too: we receive all of it. */
  setFeeds(feeds: string[], screens: string[]): void;
  /** Janus renegotiated our receiving connection by itself. */
  handleOffer(offer: SfuOffer): void;
  /** Whether our own media is published in the SFU the server has now. */
  isPublishedIn(feeds: string[]): boolean;
  /** Whether a signal is one of ours (media keys, relayed chat and files); anything else is a mesh link's. */
  takesSignal(data: unknown): boolean;
}

export function createSfuTopology(options: SfuTopologyOptions): SfuTopology {
  return new SfuMedia(options);
}

class SfuMedia implements SfuTopology {
  readonly kind = 'sfu' as const;
  readonly #o: SfuTopologyOptions;
  readonly #e2ee: MediaE2ee;
  readonly #members = new Set<string>();
  /** Per person, the kinds of their media whose frames do not open now. */
  readonly #cantDecrypt = new Map<string, Set<'audio' | 'video'>>();
  readonly #serial = createSerialQueues();
  #publisher: SfuPublisher | null = null;
  #subscriber: SfuSubscriber | null = null;
  /** Who we asked the SFU for, and whose screens that brought; who publishes now, and who shares a screen. */
  #subscribed: string[] = [];
  #subscribedScreens: string[] = [];
  #feeds: string[] = [];
  #screens: string[] = [];
  /** The screen we share through the SFU (null: none). */
  #screen: MediaStream | null;
  #closed = false;
  readonly #files: RelayedFiles;

  constructor(options: SfuTopologyOptions) {
    this.#o = options;
    this.#screen = options.screen();
    this.#files = new RelayedFiles({
      send: options.sendFileSignal,
      isMember: (peerId) => this.#members.has(peerId),
      onFrame: (peerId, frame) => options.events.onFileFrame(peerId, frame),
      onProblem: (err) => reportFailure('relaying a file', err),
    });
    this.#e2ee = options.createE2ee(
      { meetingId: options.meetingId, localPeerId: () => options.localId() ?? '', e2eKey: options.e2eKey, sendSignal: options.sendSignal },
      {
        onDecryptState: (peerId, kind, state) => this.#decryptState(peerId, kind, state),
        onPeerTrust: (peerId, trust) => {
          if (!this.#members.has(peerId)) return;
          if ('safetyCode' in trust) options.events.onPeerMedia(peerId, { safetyCode: trust.safetyCode, verification: 'verified' });
          else options.events.onPeerMedia(peerId, { securityProblem: trust.securityProblem, verification: 'failed' });
        },
      },
    );
  }

  // ---- Members ----

  addPeer(peerId: string): void {
    if (this.#closed || this.#members.has(peerId) || peerId === this.#o.localId()) return;
    this.#members.add(peerId);
    this.#e2ee.addMember(peerId);
    this.#o.events.onPeerMedia(peerId, { connection: 'connecting' });
    // They may already publish (the feeds can come before the roster names them).
    if (this.#feeds.includes(peerId)) this.setFeeds(this.#feeds, this.#screens);
  }

  #decryptState(peerId: string, kind: 'audio' | 'video', state: 'ok' | 'cant-decrypt'): void {
    if (!this.#members.has(peerId)) return;
    const kinds = this.#cantDecrypt.get(peerId) ?? new Set();
    if (state === 'ok') kinds.delete(kind);
    else kinds.add(kind);
    this.#cantDecrypt.set(peerId, kinds);
    this.#o.events.onPeerMedia(peerId, { cantDecrypt: [...kinds].sort() });
  }

  removePeer(peerId: string): void {
    this.#cantDecrypt.delete(peerId);
    if (!this.#members.delete(peerId)) return;
    this.#files.removePeer(peerId);
    this.#e2ee.removeMember(peerId);
  }

  removeAll(): void {
    for (const id of [...this.#members]) this.removePeer(id);
  }

  has(peerId: string): boolean {
    return this.#members.has(peerId);
  }

  takesSignal(data: unknown): boolean {
    return this.#e2ee.isKeySignal(data) || isRelayedChat(data) || isRelayedFileSignal(data);
  }

  handleSignal(from: string, data: unknown): void {
    if (this.#e2ee.isKeySignal(data)) return this.#e2ee.handleSignal(from, data);
    if (isRelayedChat(data)) return void (this.#members.has(from) && this.#o.events.onChatFrame(from, data.frame));
    if (isRelayedFileSignal(data)) return this.#files.handleSignal(from, data);
    // A mesh negotiation still in flight when the meeting moved: its link is gone.
    reportFailure('a signal the SFU topology does not take', new Error(`kind ${String((data as { kind?: unknown })?.kind).slice(0, 24)}`));
  }

  // ---- Publishing and receiving ----

  publish(): Promise<void> {
    // One queue for both connections: a republish closes the receiving one, which a subscribe may be using.
    return this.#serial('sfu', async () => {
      if (this.#closed) return;
      this.#publisher?.close();
      this.#subscriber?.close();
      this.#subscriber = null;
      this.#subscribed = [];
      this.#subscribedScreens = [];
      const video = this.#track('video');
      if (video && video.readyState !== 'ended') await video.applyConstraints({ ...video.getConstraints(), ...SFU_CAPTURE }).catch(reportAs('fitting the camera to the SFU'));
      const publisher = new SfuPublisher({
        iceServers: this.#o.iceServers(),
        relayOnly: this.#o.relayOnly,
        audio: this.#track('audio'),
        video,
        screen: this.#liveScreenTrack(),
        e2ee: this.#e2ee,
        server: this.#o.server,
        onState: (state) => this.#publisherState(state),
      });
      this.#publisher = publisher;
      await publisher.publish();
    });
  }

  republish(): Promise<void> {
    this.#feeds = [];
    this.#screens = [];
    return this.publish();
  }

  isPublishedIn(feeds: string[]): boolean {
    const me = this.#o.localId();
    return this.#publisher !== null && me !== null && feeds.includes(me);
  }

  setFeeds(feeds: string[], screens: string[]): void {
    this.#feeds = feeds;
    this.#screens = screens;
    void this.#serial('sfu', () => this.#resubscribe()).catch(reportAs('subscribing to the SFU'));
  }

  handleOffer(offer: SfuOffer): void {
    void this.#serial('sfu', async () => {
      await this.#subscriberFor().handleOffer(offer);
    }).catch(reportAs('answering the SFU'));
  }

  async #resubscribe(): Promise<void> {
    if (this.#closed) return;
    const me = this.#o.localId();
    const wanted = this.#feeds.filter((id) => id !== me && this.#members.has(id)).sort();
    const screens = wanted.filter((id) => this.#screens.includes(id));
    if (wanted.join() === this.#subscribed.join() && screens.join() === this.#subscribedScreens.join()) return;
    if (wanted.length === 0 && this.#subscribed.length === 0) return;
    const offer = await this.#o.server.subscribe(wanted);
    this.#subscribed = wanted;
    this.#subscribedScreens = screens;
    const subscriber = this.#subscriberFor();
    await subscriber.handleOffer(offer);
    // Someone added to a receiving connection that is already up gets no state change of it: say where it is now.
    this.#subscriberState(subscriber.state);
  }

  #subscriberFor(): SfuSubscriber {
    if (this.#subscriber) return this.#subscriber;
    const subscriber = new SfuSubscriber({
      iceServers: this.#o.iceServers(),
      relayOnly: this.#o.relayOnly,
      e2ee: this.#e2ee,
      server: this.#o.server,
      onState: (state) => this.#subscriberState(state),
      onMedia: (changes) => {
        for (const [peerId, patch] of changes) if (this.#members.has(peerId)) this.#o.events.onPeerMedia(peerId, patch);
      },
    });
    this.#subscriber = subscriber;
    return subscriber;
  }

  #publisherState(state: RTCPeerConnectionState): void {
    if (state === 'failed') reportFailure('the connection to the SFU', new Error('publisher connection failed'));
  }

  #subscriberState(state: RTCPeerConnectionState): void {
    const connection = state === 'connected' ? 'connected' : state === 'failed' ? 'failed' : state === 'disconnected' ? 'reconnecting' : 'connecting';
    for (const id of this.#subscribed) this.#o.events.onPeerMedia(id, { connection });
  }

  #track(kind: 'audio' | 'video'): MediaStreamTrack | null {
    return this.#o.replaced.get(kind) ?? (kind === 'audio' ? this.#o.stream?.getAudioTracks()[0] : this.#o.stream?.getVideoTracks()[0]) ?? null;
  }

  // ---- What we send ----

  async replaceTrack(track: MediaStreamTrack): Promise<void> {
    await this.#publisher?.replaceTrack(track);
  }

  /**
   * Shares this screen through the SFU (null: stops), renegotiating our
   * sending connection; queued with the rest of the SFU's negotiations. A
   * refusal leaves camera and microphone as they were and throws
   * SfuScreenError (`sfu_screen_failed`).
   */
  setScreen(stream: MediaStream | null): Promise<void> {
    this.#screen = stream;
    return this.#serial('sfu', async () => {
      if (this.#closed || this.#screen !== stream) return;
      await this.#publisher?.setScreen(this.#liveScreenTrack());
    });
  }

  #liveScreenTrack(): MediaStreamTrack | null {
    const track = this.#screen?.getVideoTracks()[0];
    return track && track.readyState !== 'ended' ? track : null;
  }

  /** Simulcast layers are fixed; the SFU picks what each receiver gets. */
  applyEncodings(): void {}

  setIceServers(servers: RTCIceServer[]): void {
    this.#publisher?.setIceServers(servers);
    this.#subscriber?.setIceServers(servers);
  }

  /** A connection to the SFU that does not come back is made afresh (the SFU cannot restart ICE for us). */
  restartIce(): void {
    if (this.#publisher?.state === 'failed' || this.#subscriber?.state === 'failed') void this.publish().then(() => this.setFeeds(this.#feeds, this.#screens)).catch(reportAs('publishing again'));
  }

  // ---- Data ----

  chatSenders(): Iterable<ChatSender> {
    return [...this.#members].map((remoteId) => ({
      remoteId,
      sendChat: (frame: string) => {
        this.#o.sendSignal(remoteId, relayedChat(frame));
        return true;
      },
    }));
  }

  /**
   * No direct channel to anyone in an SFU meeting: recording notices go through
   * the relay only (sealed; a forged or replayed one is still refused), so a
   * server that drops one cannot be caught here as it is in a mesh.
   */
  sendControl(): number {
    return 0;
  }

  /** No direct channel in an SFU meeting: files go through the relay, paced (relayed-files.ts). */
  filePipe(peerId: string): FramePipe | null {
    return this.#files.pipeTo(peerId);
  }

  // ---- Meters ----

  async readReports(): Promise<Map<string, PeerReport>> {
    const reports = new Map<string, PeerReport>();
    const subscriber = this.#subscriber;
    if (!subscriber) return reports;
    await Promise.all(
      [...this.#members].map(async (id) => {
        const receivers = subscriber.receiversOf(id);
        if (receivers.length === 0) return;
        const read = (r: RTCRtpReceiver) => r.getStats().catch((err: unknown) => void reportFailure('reading an SFU receiver’s stats', err));
        const records = (await Promise.all(receivers.map(read))).flatMap((r) => (r ? recordsOf(r) : []));
        reports.set(id, { records, fingerprints: null, safetyCodeFromTopology: true });
      }),
    );
    return reports;
  }

  async readAudioLevels(): Promise<AudioLevels> {
    const remote = new Map<string, number | null>();
    for (const id of this.#members) {
      const audio = this.#subscriber?.receiversOf(id).find((r) => r.track.kind === 'audio');
      // The audio-level header extension is written by the sender before encryption and forwarded by Janus as is.
      remote.set(id, audio ? (audio.getSynchronizationSources()[0]?.audioLevel ?? 0) : null);
    }
    const local = (await this.#publisher?.localAudioLevel().catch(reportAs('reading our microphone level'))) ?? null;
    return { local, remote, localMeasurable: local === null ? null : true };
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#publisher?.close();
    this.#subscriber?.close();
    this.#files.close();
    this.#e2ee.close();
  }
}
