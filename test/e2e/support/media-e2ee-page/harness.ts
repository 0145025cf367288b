/**
 * The page of test/e2e/media-e2ee.spec.ts, built by Vite with the project's
 * own vite.config.ts (so the frame-crypto worker is built and loaded the way
 * the app does it, under the app's CSP). One sender, Ada, protected by her
 * MediaE2ee, sends the same camera and microphone over three loopback
 * RTCPeerConnections:
 *   - to Bob, a member: his MediaE2ee opens the frames;
 *   - to Cy, whose MediaE2ee belongs to the same meeting but whom Ada never
 *     added: Cy has no key for Ada's frames;
 *   - to a probe with no decrypting transform, which records the encoded
 *     frames as they arrive (what an SFU would see).
 * Key signals travel between the MediaE2ee instances in-page (setTimeout 0).
 */
import { createMediaE2ee } from '../../../../src/renderer/engine/sfu/e2ee/create-media-e2ee.js';
import type { MediaE2ee, MediaKind } from '../../../../src/renderer/engine/sfu/e2ee/media-e2ee.js';

interface ProbeFrame {
  kind: MediaKind;
  type: string;
  length: number;
  head: number[];
}

const events: string[] = [];
const probeFrames: ProbeFrame[] = [];
const people = new Map<string, MediaE2ee>();
const t0 = performance.now();
const log = (line: string) => events.push(`${Math.round(performance.now() - t0)}ms ${line}`);

async function person(id: string, e2eKey: CryptoKey): Promise<MediaE2ee> {
  const e2ee = createMediaE2ee(
    { meetingId: 'harness', localPeerId: () => id, e2eKey, sendSignal: (to, data) => setTimeout(() => people.get(to)?.handleSignal(id, data), 0) },
    {
      onDecryptState: (peer, kind, state) => log(`${id} ${peer}/${kind} ${state}`),
      onPeerTrust: (peer, trust) => log(`${id} ${peer} ${'safetyCode' in trust ? 'code ' + trust.safetyCode : 'problem ' + trust.securityProblem.kind}`),
    },
  );
  people.set(id, e2ee);
  return e2ee;
}

async function link(stream: MediaStream, ada: MediaE2ee, receive: (receiver: RTCRtpReceiver, kind: MediaKind) => void, video: HTMLVideoElement, insertable = false) {
  const options = insertable ? ({ encodedInsertableStreams: true } as RTCConfiguration) : {};
  const [send, recv] = [new RTCPeerConnection(options), new RTCPeerConnection(options)];
  send.onicecandidate = (e) => void recv.addIceCandidate(e.candidate ?? undefined);
  recv.onicecandidate = (e) => void send.addIceCandidate(e.candidate ?? undefined);
  for (const track of stream.getTracks()) {
    const t = send.addTransceiver(track.clone(), { direction: 'sendonly' });
    if (track.kind === 'video') {
      const vp8 = RTCRtpSender.getCapabilities('video')!.codecs.filter((c) => c.mimeType === 'video/VP8');
      t.setCodecPreferences(vp8);
    }
    ada.protectSender(t.sender, track.kind as MediaKind);
  }
  const remote = new MediaStream();
  recv.ontrack = (e) => {
    receive(e.receiver, e.track.kind as MediaKind);
    remote.addTrack(e.track);
    video.srcObject = remote;
  };
  await send.setLocalDescription();
  await recv.setRemoteDescription(send.localDescription!);
  await recv.setLocalDescription();
  await send.setRemoteDescription(recv.localDescription!);
  return recv;
}

/** Records the first bytes of what arrives, with no decryption (createEncodedStreams in this thread). */
function probe(receiver: RTCRtpReceiver, kind: MediaKind) {
  const { readable, writable } = (receiver as unknown as { createEncodedStreams(): { readable: ReadableStream; writable: WritableStream } }).createEncodedStreams();
  const transform = new TransformStream<RTCEncodedVideoFrame, RTCEncodedVideoFrame>({
    transform(frame, out) {
      if (probeFrames.length < 400) probeFrames.push({ kind, type: (frame as { type?: string }).type ?? 'audio', length: frame.data.byteLength, head: Array.from(new Uint8Array(frame.data, 0, Math.min(24, frame.data.byteLength))) });
      out.enqueue(frame);
    },
  });
  void readable.pipeThrough(transform).pipeTo(writable);
}

let receivers: { bob: RTCPeerConnection; cy: RTCPeerConnection; probe: RTCPeerConnection | null } | null = null;

async function decodedFrames(pc: RTCPeerConnection): Promise<number> {
  let n = 0;
  for (const r of (await pc.getStats()).values()) if (r.type === 'inbound-rtp' && r.kind === 'video') n += r.framesDecoded ?? 0;
  return n;
}

const harness = {
  async start() {
    const e2eKey = await crypto.subtle.importKey('raw', crypto.getRandomValues(new Uint8Array(32)), 'HKDF', false, ['deriveKey', 'deriveBits']);
    const [ada, bob, cy] = [await person('ada', e2eKey), await person('bob', e2eKey), await person('cy', e2eKey)];
    ada.addMember('bob');
    bob.addMember('ada');
    cy.addMember('ada'); // Cy announces herself to Ada; Ada never adds her, so never hands her a key
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240, frameRate: 15 } });
    const el = (id: string) => document.getElementById(id) as HTMLVideoElement;
    receivers = {
      bob: await link(stream, ada, (r, k) => bob.protectReceiver(r, 'ada', k), el('bob')),
      cy: await link(stream, ada, (r, k) => cy.protectReceiver(r, 'ada', k), el('cy')),
      // Firefox has no createEncodedStreams: there the page runs without the probe.
      probe: 'createEncodedStreams' in RTCRtpReceiver.prototype ? await link(stream, ada, probe, el('probe'), true) : null,
    };
    log('started');
  },
  removeBob() {
    people.get('ada')!.removeMember('bob');
    log('ada removed bob');
  },
  async snapshot() {
    const r = receivers!;
    return {
      events: [...events],
      decoded: { bob: await decodedFrames(r.bob), cy: await decodedFrames(r.cy), probe: r.probe ? await decodedFrames(r.probe) : 0 },
      stats: { ada: people.get('ada')!.stats(), bob: people.get('bob')!.stats(), cy: people.get('cy')!.stats() },
      probeFrames: [...probeFrames],
    };
  },
};

(globalThis as unknown as { harness: typeof harness }).harness = harness;
document.body.dataset.ready = 'yes';
