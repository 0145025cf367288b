/**
 * The camera and microphone on one link: ours, sent once the link attaches
 * (or swapped in later), and the peer's, gathered into one remote stream as
 * its tracks arrive. Tracks of the peer's screen go to link-screen.ts.
 */
import { remoteTrackRole } from '../screen-share.js';
import type { RemoteScreen } from './link-screen.js';

export interface LinkMediaOptions {
  pc: Pick<RTCPeerConnection, 'getTransceivers' | 'getSenders' | 'addTransceiver' | 'addTrack'>;
  /** The caller's stream; its tracks are sent (the link never stops them). */
  stream: MediaStream | null;
  remoteScreen: RemoteScreen;
  isScreenSender(sender: RTCRtpSender): boolean;
  onRemoteStream(stream: MediaStream): void;
  /** The encoding the camera should start with on a transceiver we open ourselves (sender-encodings.ts), or null. */
  initialVideoEncoding?(): RTCRtpEncodingParameters | null;
}

export interface LinkMedia {
  /** Our tracks are on the connection. */
  readonly attached: boolean;
  /** Puts our tracks on the connection (once). */
  attach(): void;
  /** Sends `track` for its kind from now on; resolves to false when not attached yet (attach() sends it). */
  replaceTrack(track: MediaStreamTrack): Promise<boolean>;
  /** A remote track arrived (RTCPeerConnection `track`). */
  onTrack(ev: RTCTrackEvent): void;
  dispose(): void;
}

export function createLinkMedia(o: LinkMediaOptions): LinkMedia {
  const { pc } = o;
  let disposed = false;
  let attached = false;
  let remoteStream: MediaStream | null = null;
  /** What we send, by kind: the stream's tracks, or what replaceTrack swapped in. */
  const localTracks = new Map<string, MediaStreamTrack>();
  for (const track of o.stream?.getTracks() ?? []) if (!localTracks.has(track.kind)) localTracks.set(track.kind, track);

  /**
   * Sends a camera or microphone track on a transceiver of its own kind.
   * addTrack takes the first idle transceiver of that kind, which can be the
   * one a peer's screen arrives on (when they have no camera): the peer's end
   * of that one only sends, so our camera would never reach them. Then we
   * open a new transceiver instead.
   *
   * A camera on a transceiver we open ourselves (we make the offer) starts
   * with its encoding: set only once connected, it reconfigured an encoder
   * already running at the capture's full size, and the first frame waited
   * for that (the call bench's trace: ~0.7 s from connected to first frame).
   */
  function sendTrack(track: MediaStreamTrack): void {
    const reused = pc
      .getTransceivers()
      .find((t) => t.receiver.track.kind === track.kind && t.sender.track === null && t.direction === 'recvonly' && t.currentDirection !== 'stopped');
    const streams = o.stream ? [o.stream] : [];
    const encoding = track.kind === 'video' ? (o.initialVideoEncoding?.() ?? null) : null;
    if (reused && o.remoteScreen.has(reused.receiver.track)) {
      pc.addTransceiver(track, { direction: 'sendrecv', streams, ...(encoding ? { sendEncodings: [encoding] } : {}) });
    } else if (!reused && encoding) pc.addTransceiver(track, { direction: 'sendrecv', streams, sendEncodings: [encoding] });
    else if (o.stream) pc.addTrack(track, o.stream);
    else pc.addTrack(track);
  }

  return {
    get attached() {
      return attached;
    },
    attach() {
      if (attached || disposed) return;
      attached = true;
      for (const track of localTracks.values()) sendTrack(track);
    },
    async replaceTrack(track) {
      localTracks.set(track.kind, track);
      if (!attached) return false; // attach() sends it
      const sender = pc.getSenders().find((s) => s.track?.kind === track.kind && !o.isScreenSender(s));
      if (sender) await sender.replaceTrack(track);
      else sendTrack(track); // a kind we did not send before: renegotiates
      return true;
    },
    onTrack(ev) {
      if (disposed) return;
      const labelled = ev.streams[0];
      const role = remoteTrackRole(labelled?.id, o.remoteScreen.claimed, remoteStream?.id);
      if (role === 'ignore') return;
      if (role === 'screen' && labelled) {
        o.remoteScreen.trackArrived(labelled, ev.track);
        return;
      }
      const stream = labelled ?? remoteStream ?? new MediaStream();
      if (!ev.streams[0] && !stream.getTracks().includes(ev.track)) stream.addTrack(ev.track);
      remoteStream = stream;
      o.onRemoteStream(stream);
    },
    dispose() {
      disposed = true;
    },
  };
}
