/**
 * A shared screen on one link, both ways. Ours is a second video track (and
 * its sound, if any) on transceivers of its own, announced under one stable
 * stream label; the peer's is the stream their MAC-verified description
 * claimed as the screen (screen-share.ts says how a track's role is told).
 */
import type { ScreenEncodingPolicy } from '../screen-share.js';
import { applyScreenEncoding } from './sender-encodings.js';

export interface LocalScreen {
  /** The stream id our screen is announced under (`a=msid`), once it first shared; else null. */
  readonly label: string | null;
  /** A screen is set to be shared (attaching the link puts it on the wire). */
  readonly sharing: boolean;
  isSender(sender: RTCRtpSender): boolean;
  /** Shares `stream`, or stops (null); the same stream again only applies the new encoding. */
  set(stream: MediaStream | null, encoding: ScreenEncodingPolicy): Promise<void>;
  /** Puts the screen's tracks on our screen transceivers (adding them the first time), or parks them. */
  apply(): Promise<void>;
  applyEncoding(): Promise<void>;
  dispose(): void;
}

/** @param attached whether the link sends its media yet (before that, attaching it calls apply()) */
export function createLocalScreen(pc: Pick<RTCPeerConnection, 'addTransceiver'>, attached: () => boolean): LocalScreen {
  let disposed = false;
  /** The screen we share, its encoding, and the transceivers it goes out on (kept and reused when sharing again). */
  let localScreen: MediaStream | null = null;
  let screenEncoding: ScreenEncodingPolicy | null = null;
  const screenTransceivers = new Map<string, RTCRtpTransceiver>();
  /**
   * The stream the screen is announced under (`a=msid`): one per link, kept
   * across shares. Re-labelling the reused transceiver with each capture's
   * own stream (setStreams) left the viewer without the second share in
   * Chromium 156 (screen-share.spec); a stable label does not depend on it.
   */
  let screenLabel: MediaStream | null = null;

  async function apply(): Promise<void> {
    if (!attached() || disposed) return;
    const stream = localScreen;
    for (const kind of ['video', 'audio'] as const) {
      const track = stream?.getTracks().find((t) => t.kind === kind) ?? null;
      const transceiver = screenTransceivers.get(kind);
      if (!stream || !track) {
        // Inactive, not removed: the next share reuses it instead of growing the SDP by a section each time.
        if (transceiver && transceiver.direction !== 'inactive') {
          transceiver.direction = 'inactive';
          await transceiver.sender.replaceTrack(null);
        }
        continue;
      }
      if (!transceiver) {
        screenLabel ??= new MediaStream();
        const init: RTCRtpTransceiverInit = { direction: 'sendonly', streams: [screenLabel] };
        if (kind === 'video' && screenEncoding) init.sendEncodings = [{ maxBitrate: screenEncoding.maxBitrate, maxFramerate: screenEncoding.maxFramerate, scaleResolutionDownBy: 1 }];
        screenTransceivers.set(kind, pc.addTransceiver(track, init));
      } else {
        transceiver.direction = 'sendonly';
        await transceiver.sender.replaceTrack(track);
      }
    }
    await applyEncoding();
  }

  const applyEncoding = () => (disposed ? Promise.resolve() : applyScreenEncoding(screenTransceivers.get('video')?.sender, screenEncoding));

  return {
    get label() {
      return screenLabel?.id ?? null;
    },
    get sharing() {
      return localScreen !== null;
    },
    isSender: (sender) => [...screenTransceivers.values()].some((t) => t.sender === sender),
    async set(stream, encoding) {
      screenEncoding = encoding;
      if (stream === localScreen) return applyEncoding();
      localScreen = stream;
      await apply(); // not attached yet: attaching the link does it
    },
    apply,
    applyEncoding,
    dispose() {
      disposed = true;
    },
  };
}

export interface RemoteScreen {
  /** The stream id the peer's description claims as its screen: set before applying it (ontrack fires inside setRemoteDescription). */
  claim(streamId: string | null): void;
  readonly claimed: string | null;
  /** A track of the claimed screen stream arrived. */
  trackArrived(stream: MediaStream, track: MediaStreamTrack): void;
  /** After a description was applied: a share that stopped is reported. */
  descriptionApplied(): void;
  /** The track is (or was) part of the peer's screen. */
  has(track: MediaStreamTrack): boolean;
}

export function createRemoteScreen(onRemoteScreen: (stream: MediaStream | null) => void): RemoteScreen {
  /** The peer's screen: the stream id its last verified description claimed, the stream once its tracks came, and whether it is shown. */
  let remoteScreenId: string | null = null;
  let remoteScreen: MediaStream | null = null;
  let remoteSharing = false;
  const remoteScreenTracks = new Set<MediaStreamTrack>();
  return {
    claim(id) {
      remoteScreenId = id;
    },
    get claimed() {
      return remoteScreenId;
    },
    trackArrived(stream, track) {
      remoteScreen = stream;
      remoteScreenTracks.add(track);
      if (track.kind === 'video') {
        remoteSharing = true;
        onRemoteScreen(stream);
      }
    },
    descriptionApplied() {
      // A share that stopped: its sections went inactive, which takes its tracks out of the stream.
      const sharing = remoteScreen !== null && remoteScreen.id === remoteScreenId && remoteScreen.getVideoTracks().length > 0;
      if (remoteSharing && !sharing) {
        remoteSharing = false;
        onRemoteScreen(null);
      }
    },
    has: (track) => remoteScreenTracks.has(track),
  };
}
