import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { screenEncodingFor } from '../screen-share.js';
import { createLocalScreen, createRemoteScreen } from './link-screen.js';

let streams = 0;
/** Enough of MediaStream for labels and screens (Node has none). */
class FakeStream {
  readonly id = `stream-${++streams}`;
  constructor(private tracks: FakeTrack[] = []) {}
  getTracks() {
    return this.tracks;
  }
  getVideoTracks() {
    return this.tracks.filter((t) => t.kind === 'video');
  }
  removeTrack(t: FakeTrack) {
    this.tracks = this.tracks.filter((x) => x !== t);
  }
}
class FakeTrack {
  constructor(readonly kind: 'audio' | 'video') {}
}
class FakeTransceiver {
  direction: RTCRtpTransceiverDirection;
  sender: { track: FakeTrack | null; replaceTrack(t: FakeTrack | null): Promise<void>; getParameters(): RTCRtpSendParameters };
  constructor(
    track: FakeTrack,
    readonly init: RTCRtpTransceiverInit,
  ) {
    this.direction = init.direction ?? 'sendrecv';
    this.sender = {
      track,
      async replaceTrack(t) {
        this.track = t;
      },
      getParameters: () => ({ encodings: [], transactionId: 't', codecs: [], headerExtensions: [], rtcp: {} }),
    };
  }
}

const asStream = (s: FakeStream) => s as unknown as MediaStream;
const asTrack = (t: FakeTrack) => t as unknown as MediaStreamTrack;

function localSetUp(attachedAtFirst = true) {
  const added: FakeTransceiver[] = [];
  const pc = {
    addTransceiver(track: FakeTrack, init: RTCRtpTransceiverInit) {
      const t = new FakeTransceiver(track, init);
      added.push(t);
      return t;
    },
  };
  let attached = attachedAtFirst;
  const screen = createLocalScreen(pc as unknown as Pick<RTCPeerConnection, 'addTransceiver'>, () => attached);
  return { screen, added, attach: () => (attached = true) };
}

describe('local screen', () => {
  beforeEach(() => {
    vi.stubGlobal('MediaStream', FakeStream);
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('sends video and sound on send-only transceivers of its own, under one label, at the screen encoding', async () => {
    const { screen, added } = localSetUp();
    const video = new FakeTrack('video');
    const p = screenEncodingFor(2);
    await screen.set(asStream(new FakeStream([video, new FakeTrack('audio')])), p);
    expect(added).toHaveLength(2);
    expect(added.map((t) => t.init.direction)).toEqual(['sendonly', 'sendonly']);
    const label = screen.label;
    expect(label).not.toBeNull();
    for (const t of added) expect((t.init.streams as unknown as FakeStream[]).map((s) => s.id)).toEqual([label]);
    expect(added[0]!.init.sendEncodings).toEqual([{ maxBitrate: p.maxBitrate, maxFramerate: p.maxFramerate, scaleResolutionDownBy: 1 }]);
    expect(screen.isSender(added[0]!.sender as unknown as RTCRtpSender)).toBe(true);
    expect(screen.isSender({} as RTCRtpSender)).toBe(false);
  });

  it('parks its transceivers when sharing stops and reuses them, and the label, for the next share', async () => {
    const { screen, added } = localSetUp();
    const p = screenEncodingFor(2);
    await screen.set(asStream(new FakeStream([new FakeTrack('video')])), p);
    const label = screen.label;
    await screen.set(null, p);
    expect(added[0]!.direction).toBe('inactive');
    expect(added[0]!.sender.track).toBeNull();
    expect(screen.label).toBe(label); // still claimed: the sections exist
    const second = new FakeTrack('video');
    await screen.set(asStream(new FakeStream([second])), p);
    expect(added).toHaveLength(1);
    expect(added[0]!.direction).toBe('sendonly');
    expect(added[0]!.sender.track).toBe(second);
    expect(screen.label).toBe(label);
  });

  it('waits for the link to attach before it adds anything', async () => {
    const { screen, added, attach } = localSetUp(false);
    await screen.set(asStream(new FakeStream([new FakeTrack('video')])), screenEncodingFor(2));
    expect(screen.sharing).toBe(true);
    expect(added).toEqual([]);
    attach();
    await screen.apply();
    expect(added).toHaveLength(1);
  });
});

describe('remote screen', () => {
  it("reports the peer's screen when its video arrives, and its end once a description takes the tracks away", () => {
    const shown: (MediaStream | null)[] = [];
    const remote = createRemoteScreen((s) => shown.push(s));
    const video = new FakeTrack('video');
    const audio = new FakeTrack('audio');
    const stream = new FakeStream([audio, video]);
    remote.claim(stream.id);
    remote.trackArrived(asStream(stream), asTrack(audio));
    expect(shown).toEqual([]); // its sound alone is not a screen to show
    remote.trackArrived(asStream(stream), asTrack(video));
    expect(shown).toEqual([stream]);
    remote.descriptionApplied(); // a renegotiation that keeps it: nothing to say
    expect(shown).toEqual([stream]);
    stream.removeTrack(video);
    remote.descriptionApplied();
    remote.descriptionApplied();
    expect(shown).toEqual([stream, null]);
    expect(remote.has(asTrack(audio))).toBe(true);
    expect(remote.has(asTrack(new FakeTrack('audio')))).toBe(false);
  });

  it('takes a screen as ended when the claim moves to another stream', () => {
    const shown: (MediaStream | null)[] = [];
    const remote = createRemoteScreen((s) => shown.push(s));
    const stream = new FakeStream([new FakeTrack('video')]);
    remote.claim(stream.id);
    remote.trackArrived(asStream(stream), asTrack(stream.getTracks()[0]!));
    remote.claim('another-stream');
    remote.descriptionApplied();
    expect(shown).toEqual([stream, null]);
    expect(remote.claimed).toBe('another-stream');
  });
});
