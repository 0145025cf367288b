import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServerMessage } from '@merimeet/signaling/protocol';
import { createCallEngine, type CallEngineDeps } from './call-engine.js';
import type { CallEngine, JoinOptions } from './call-state.js';
import type { PeerLink, PeerLinkOptions } from './mesh/peer-link.js';
import type { ScreenEncodingPolicy } from './screen-share.js';
import { SignalingError, type ConnectionState, type OpenInfo, type OutgoingMessage, type SignalingConnection } from './signaling-client.js';
import { LEVEL_INTERVAL_MS, SPEAKER_SILENCE_HOLD_MS } from './stats.js';
import { TURN_AUTH_RETRY_DELAYS_MS } from './turn-auth-retry.js';

const ME = '1111111111111111';
const A = 'aaaaaaaaaaaaaaaa';
const B = 'bbbbbbbbbbbbbbbb';
const C = 'cccccccccccccccc';
const MEETING = 'abc-defg-hjk';

type Reply = ServerMessage | SignalingError;

class FakeSignaling implements SignalingConnection {
  state: ConnectionState = 'idle';
  sent: OutgoingMessage[] = [];
  requested: OutgoingMessage[] = [];
  replies: Partial<Record<string, Reply | ((m: OutgoingMessage) => Reply)>> = {};
  closed = false;
  private msgL = new Set<(m: ServerMessage) => void>();
  private stateL = new Set<(s: ConnectionState, d: { closeCode?: number }) => void>();
  private openL = new Set<(i: OpenInfo) => void>();
  async connect() {
    this.state = 'open';
  }
  async request(m: OutgoingMessage): Promise<ServerMessage> {
    this.requested.push(m);
    if (this.state !== 'open') throw new SignalingError('not_connected', 'down');
    const r = this.replies[m.type];
    const reply = typeof r === 'function' ? r(m) : r;
    if (reply === undefined) return { type: 'ok' };
    if (reply instanceof SignalingError) throw reply;
    return reply;
  }
  send(m: OutgoingMessage) {
    if (this.state !== 'open') return false;
    this.sent.push(m);
    return true;
  }
  onMessage(l: (m: ServerMessage) => void) {
    this.msgL.add(l);
    return () => this.msgL.delete(l);
  }
  onState(l: (s: ConnectionState, d: { closeCode?: number }) => void) {
    this.stateL.add(l);
    return () => this.stateL.delete(l);
  }
  onOpen(l: (i: OpenInfo) => void) {
    this.openL.add(l);
    return () => this.openL.delete(l);
  }
  close() {
    this.closed = true;
    this.state = 'closed';
  }
  retries = 0;
  retryNow() {
    this.retries++;
  }
  // test controls
  push(m: ServerMessage) {
    for (const l of [...this.msgL]) l(m);
  }
  drop() {
    this.state = 'reconnecting';
    for (const l of [...this.stateL]) l('reconnecting', { closeCode: 1006 });
  }
  reopen() {
    this.state = 'open';
    for (const l of [...this.stateL]) l('open', {});
    for (const l of [...this.openL]) l({ reconnected: true });
  }
}

class FakeLink implements PeerLink {
  state: PeerLink['state'] = 'connecting';
  closed = false;
  signals: unknown[] = [];
  chatFrames: string[] = [];
  fileFrames: (string | ArrayBuffer)[] = [];
  readonly files = {
    open: true,
    bufferedAmount: 0,
    send: (frame: string | ArrayBuffer) => {
      this.fileFrames.push(frame);
      return true;
    },
    drained: async () => undefined,
  };
  restarts = 0;
  iceServers: RTCIceServer[];
  policies: unknown[] = [];
  constructor(readonly opts: PeerLinkOptions) {
    this.iceServers = opts.iceServers;
  }
  get remoteId() {
    return this.opts.remoteId;
  }
  async handleSignal(d: unknown) {
    this.signals.push(d);
  }
  sendChat(f: string) {
    this.chatFrames.push(f);
    return true;
  }
  controlFrames: string[] = [];
  sendControl(f: string) {
    this.controlFrames.push(f);
    return true;
  }
  async replaceTrack() {}
  screens: { stream: MediaStream | null; encoding: ScreenEncodingPolicy }[] = [];
  async setScreen(stream: MediaStream | null, encoding: ScreenEncodingPolicy) {
    this.screens.push({ stream, encoding });
  }
  async setVideoPolicy(p: unknown) {
    this.policies.push(p);
  }
  setIceServers(s: RTCIceServer[]) {
    this.iceServers = s;
  }
  /** What the "network" does when this link restarts ICE (a relay that refuses again, say). */
  onRestart: (() => void) | null = null;
  restartIce() {
    this.restarts++;
    this.onRestart?.();
  }
  async getStats() {
    return null;
  }
  negotiatedFingerprints() {
    return null;
  }
  level: number | null = 0;
  async getAudioLevel() {
    return this.level;
  }
  /** Our microphone as this link sends it. */
  localLevel: number | null = null;
  async getLocalAudioLevel() {
    return this.localLevel;
  }
  localLevelMeasurable(): boolean | null {
    return this.localLevel === null ? null : true;
  }
  close() {
    this.closed = true;
  }
}

const peer = (peerId: string, displayName = peerId.slice(0, 1).toUpperCase()) => ({ peerId, displayName, muted: false, videoOff: false, handRaised: false });

function joined(over: Partial<Extract<ServerMessage, { type: 'room.joined' }>> = {}): Extract<ServerMessage, { type: 'room.joined' }> {
  return {
    type: 'room.joined',
    meetingId: MEETING,
    peerId: ME,
    hostId: A,
    locked: false,
    peers: [peer(A)],
    iceServers: [{ urls: ['turn:127.0.0.1:3478'], username: 'u', credential: 'c' }],
    resumeToken: 'token-1',
    resumed: false,
    graceMs: 30_000,
    ...over,
  };
}

function fakeTrack(kind: 'audio' | 'video') {
  let constraints: MediaTrackConstraints = {};
  return {
    kind,
    enabled: true,
    readyState: 'live',
    stop: vi.fn(),
    getSettings: () => ({ height: typeof constraints.height === 'object' ? constraints.height.ideal : 720 }),
    getConstraints: () => constraints,
    applyConstraints: async (c: MediaTrackConstraints) => void (constraints = c),
  } as unknown as MediaStreamTrack;
}
function fakeStream() {
  const audio = fakeTrack('audio');
  const video = fakeTrack('video');
  return {
    audio,
    video,
    stream: { getTracks: () => [audio, video], getAudioTracks: () => [audio], getVideoTracks: () => [video] } as unknown as MediaStream,
  };
}

let sig: FakeSignaling;
let links: FakeLink[];
let engine: CallEngine;
let keys: JoinOptions['keys'];

/** An engine over the fake signaling `sig`, recording every link it makes into `made`. */
function engineWithFakes(made: FakeLink[], over: Partial<CallEngineDeps> = {}): CallEngine {
  return createCallEngine({
    createSignaling: () => sig,
    createLink: (o) => {
      const l = new FakeLink(o);
      made.push(l);
      return l;
    },
    statsIntervalMs: 1e9,
    levelIntervalMs: 1e9,
    ...over,
  });
}

beforeEach(async () => {
  sig = new FakeSignaling();
  links = [];
  engine = engineWithFakes(links);
  const e2eKey = await crypto.subtle.importKey('raw', new Uint8Array(32).fill(7), 'HKDF', false, ['deriveKey', 'deriveBits']);
  keys = { admissionKey: 'A'.repeat(43), verifier: 'B'.repeat(43), e2eKey };
});
afterEach(async () => {
  await engine.leave();
});

const linkTo = (id: string) => links.find((l) => l.remoteId === id && !l.closed);
const opts = (over: Partial<JoinOptions> = {}): JoinOptions => ({
  serverUrl: 'wss://x/ws',
  meetingId: MEETING,
  keys,
  displayName: ' Me ',
  stream: null,
  muted: false,
  videoOff: false,
  ...over,
});

async function joinedCall(over: Partial<JoinOptions> = {}, reply = joined()) {
  sig.replies['room.join'] = reply;
  await engine.join(opts(over));
}

describe('joining', () => {
  it('joins: sends the admission key, never the e2e key, and goes in-call with links to existing peers', async () => {
    await joinedCall();
    const join = sig.requested.find((m) => m.type === 'room.join');
    expect(join).toEqual({ type: 'room.join', meetingId: MEETING, admissionKey: keys.admissionKey, displayName: 'Me', muted: false, videoOff: false, handRaised: false });
    const st = engine.getState();
    expect(st.phase).toBe('in-call');
    expect(st.local.peerId).toBe(ME);
    expect(st.hostId).toBe(A);
    expect(st.peers.map((p) => [p.peerId, p.isHost])).toEqual([[A, true]]);
    expect(linkTo(A)?.opts.localId).toBe(ME);
    expect(linkTo(A)?.iceServers).toEqual([{ urls: ['turn:127.0.0.1:3478'], username: 'u', credential: 'c' }]);
    expect(linkTo(A)?.policies.length).toBeGreaterThan(0);
    // The join carried the presence; nothing changed since, so nothing more is sent.
    expect(sig.sent.filter((m) => m.type === 'presence.update')).toEqual([]);
  });

  it('sends the presence again when it changed while the join was on its way', async () => {
    sig.replies['room.join'] = () => {
      engine.setMuted(true); // clicked while connecting: not sendable yet
      return joined();
    };
    await engine.join(opts());
    expect(sig.sent).toContainEqual({ type: 'presence.update', displayName: 'Me', muted: true, videoOff: false, handRaised: false });
  });

  it('logs in with the session token first', async () => {
    await joinedCall({ sessionToken: 'T'.repeat(43) });
    expect(sig.requested.map((m) => m.type)).toEqual(['account.resume', 'room.join']);
  });

  it('applies mute and camera-off to the tracks at join', async () => {
    const { stream, audio, video } = fakeStream();
    await joinedCall({ stream, muted: true, videoOff: true });
    expect(audio.enabled).toBe(false);
    expect(video.enabled).toBe(false);
    expect(engine.getState().local).toMatchObject({ muted: true, videoOff: true, stream });
  });

  it('fails with the server’s code (the UI turns it into words)', async () => {
    sig.replies['room.join'] = new SignalingError('wrong_key', 'no');
    await engine.join(opts());
    expect(engine.getState()).toMatchObject({ phase: 'failed', error: { code: 'wrong_key' } });
    expect(sig.closed).toBe(true);
  });

  it('waits in the lobby, then is admitted by a pushed room.joined', async () => {
    sig.replies['room.join'] = { type: 'room.waiting', meetingId: MEETING, hostPresent: true };
    await engine.join(opts());
    expect(engine.getState().phase).toBe('lobby');
    sig.push(joined({ peers: [peer(A), peer(B)] }));
    expect(engine.getState().phase).toBe('in-call');
    expect(links.map((l) => l.remoteId)).toEqual([A, B]);
  });

  it('ends on denial', async () => {
    sig.replies['room.join'] = { type: 'room.waiting', meetingId: MEETING, hostPresent: true };
    await engine.join(opts());
    sig.push({ type: 'room.denied', meetingId: MEETING });
    expect(engine.getState()).toMatchObject({ phase: 'ended', endReason: 'denied' });
  });
});

describe('preconnecting on the pre-join screen', () => {
  function counting() {
    const made: { url: string; sig: FakeSignaling }[] = [];
    engine = createCallEngine({
      createSignaling: (url) => {
        const f = new FakeSignaling();
        f.replies['room.join'] = joined();
        made.push({ url, sig: f });
        return f;
      },
      createLink: (o) => new FakeLink(o),
      statsIntervalMs: 1e9,
      levelIntervalMs: 1e9,
    });
    return made;
  }

  it('joins over the socket opened ahead, without opening another', async () => {
    const made = counting();
    engine.preconnect('wss://x/ws');
    engine.preconnect('wss://x/ws'); // again: still one socket
    expect(made).toHaveLength(1);
    await engine.join(opts());
    expect(made).toHaveLength(1);
    expect(made[0]!.sig.requested.some((m) => m.type === 'room.join')).toBe(true);
    expect(engine.getState().phase).toBe('in-call');
  });

  it('closes a socket opened for another server and connects to the one joined', async () => {
    const made = counting();
    engine.preconnect('wss://other/ws');
    await engine.join(opts());
    expect(made.map((m) => [m.url, m.sig.closed])).toEqual([
      ['wss://other/ws', true],
      ['wss://x/ws', false],
    ]);
  });

  it('does not reuse a socket that dropped while waiting', async () => {
    const made = counting();
    engine.preconnect('wss://x/ws');
    made[0]!.sig.drop();
    await engine.join(opts());
    expect(made).toHaveLength(2);
    expect(made[0]!.sig.closed).toBe(true);
  });

  it('closes the unused socket when the person backs out (leave without a join)', async () => {
    const made = counting();
    engine.preconnect('wss://x/ws');
    await engine.leave();
    expect(made[0]!.sig.closed).toBe(true);
  });
});

describe('peers', () => {
  it('peerJoined → the peer appears with a link; a second peerJoined is an update', async () => {
    await joinedCall();
    sig.push({ type: 'room.peerJoined', peer: peer(B, 'Bea') });
    expect(engine.getState().peers.map((p) => p.displayName)).toEqual(['A', 'Bea']);
    expect(linkTo(B)).toBeDefined();
    sig.push({ type: 'room.peerJoined', peer: { ...peer(B, 'Bea'), handRaised: true } });
    expect(links.filter((l) => l.remoteId === B)).toHaveLength(1);
    expect(engine.getState().peers[1]).toMatchObject({ handRaised: true });
  });

  it('peerUpdated updates presence', async () => {
    await joinedCall();
    sig.push({ type: 'room.peerUpdated', peer: { ...peer(A, 'Ann'), muted: true } });
    expect(engine.getState().peers[0]).toMatchObject({ displayName: 'Ann', muted: true });
  });

  it('peerLeft → link closed and peer gone; unknown peers are ignored', async () => {
    await joinedCall();
    const link = linkTo(A)!;
    sig.push({ type: 'room.peerLeft', peerId: C, reason: 'left' });
    expect(engine.getState().peers).toHaveLength(1);
    sig.push({ type: 'room.peerLeft', peerId: A, reason: 'left' });
    expect(link.closed).toBe(true);
    expect(engine.getState().peers).toEqual([]);
  });

  it('re-applies the bitrate policy when the meeting grows', async () => {
    await joinedCall();
    const link = linkTo(A)!;
    // The policy follows the camera's fitting to the meeting (capture-fit.ts), which is async.
    const latest = () => (link.policies.at(-1) as { maxBitrate: number } | undefined)?.maxBitrate;
    await vi.waitFor(() => expect(latest()).toBe(1_500_000));
    sig.push({ type: 'room.peerJoined', peer: peer(B) });
    sig.push({ type: 'room.peerJoined', peer: peer(C) });
    await vi.waitFor(() => expect(latest()).toBe(600_000));
  });

  it('routes signals to the sender\'s link, holding early ones until the peer is known', async () => {
    await joinedCall();
    sig.push({ type: 'signal', from: A, data: { kind: 'candidate', candidate: null } });
    expect(linkTo(A)!.signals).toHaveLength(1);
    sig.push({ type: 'signal', from: B, data: { x: 1 } });
    sig.push({ type: 'room.peerJoined', peer: peer(B) });
    expect(linkTo(B)!.signals).toEqual([{ x: 1 }]);
  });

  it('sends a link\'s signals to its peer', async () => {
    await joinedCall();
    linkTo(A)!.opts.sendSignal({ kind: 'candidate', candidate: null });
    expect(sig.sent).toContainEqual({ type: 'signal', to: A, data: { kind: 'candidate', candidate: null } });
  });
});

describe('host', () => {
  it('hostChanged moves the host flag; the lobby shows only for the host', async () => {
    await joinedCall();
    sig.push({ type: 'room.lobby', waiting: [{ peerId: C, displayName: 'Cy' }] });
    expect(engine.getState().lobby).toEqual([]); // not host
    sig.push({ type: 'room.hostChanged', hostId: ME });
    expect(engine.getState().local.isHost).toBe(true);
    expect(engine.getState().peers[0]!.isHost).toBe(false);
    sig.push({ type: 'room.lobby', waiting: [{ peerId: C, displayName: 'Cy' }] });
    expect(engine.getState().lobby).toEqual([{ peerId: C, displayName: 'Cy' }]);
    engine.admit(C);
    engine.setLocked(true);
    sig.push({ type: 'room.locked', locked: true });
    expect(engine.getState().locked).toBe(true);
    expect(sig.requested.slice(-2)).toEqual([{ type: 'host.admit', peerId: C }, { type: 'host.lock', locked: true }]);
    sig.push({ type: 'room.hostChanged', hostId: A });
    expect(engine.getState().lobby).toEqual([]);
    expect(engine.getState().local.isHost).toBe(false);
  });

  it('shows a mute request without muting', async () => {
    await joinedCall();
    sig.push({ type: 'room.muteRequested', by: A });
    expect(engine.getState()).toMatchObject({ muteRequestedBy: A, local: { muted: false } });
    engine.dismissMuteRequest();
    expect(engine.getState().muteRequestedBy).toBeNull();
  });

  it('a host command the server refuses is not silent: the person is told it did not happen', async () => {
    await joinedCall();
    sig.push({ type: 'room.hostChanged', hostId: ME });
    sig.replies['host.remove'] = new SignalingError('forbidden', 'not the host');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    engine.remove(A);
    await vi.waitFor(() => expect(engine.getState().warning).toEqual({ code: 'host_refused' }));
    expect(warn).toHaveBeenCalledWith('meriMeet: host command host.remove failed', expect.any(SignalingError));
    warn.mockRestore();
  });

  it('a join refused for too many attempts carries when to try again', async () => {
    sig.replies['room.join'] = new SignalingError('rate_limited', 'slow down', 7_000);
    await engine.join(opts());
    expect(engine.getState()).toMatchObject({ phase: 'failed', error: { code: 'rate_limited', retryAfterMs: 7_000 } });
  });

  it('removed and ended end the call and close every link', async () => {
    await joinedCall();
    sig.push({ type: 'room.removed', meetingId: MEETING });
    expect(engine.getState()).toMatchObject({ phase: 'ended', endReason: 'removed', peers: [] });
    expect(links.every((l) => l.closed)).toBe(true);
  });
});

describe('presence', () => {
  it('mute disables the audio track and tells the others', async () => {
    const { stream, audio, video } = fakeStream();
    await joinedCall({ stream });
    engine.setMuted(true);
    expect(audio.enabled).toBe(false);
    engine.setVideoOff(true);
    expect(video.enabled).toBe(false);
    engine.setHandRaised(true);
    expect(sig.sent.slice(-3)).toEqual([
      { type: 'presence.update', muted: true },
      { type: 'presence.update', videoOff: true },
      { type: 'presence.update', handRaised: true },
    ]);
    expect(engine.getState().local).toMatchObject({ muted: true, videoOff: true, handRaised: true });
  });

  it('a camera turned on later joins the local stream (own tile, and stopped with it), replacing an ended one', async () => {
    const tracks: MediaStreamTrack[] = [fakeTrack('audio'), { ...fakeTrack('video'), readyState: 'ended' } as unknown as MediaStreamTrack];
    const stream = {
      getTracks: () => [...tracks],
      getAudioTracks: () => tracks.filter((t) => t.kind === 'audio'),
      getVideoTracks: () => tracks.filter((t) => t.kind === 'video'),
      addTrack: (t: MediaStreamTrack) => tracks.push(t),
      removeTrack: (t: MediaStreamTrack) => tracks.splice(tracks.indexOf(t), 1),
    } as unknown as MediaStream;
    await joinedCall({ stream });
    const camera = fakeTrack('video');
    await engine.replaceTrack(camera);
    expect(engine.getState().local.stream).toBe(stream);
    expect(stream.getVideoTracks()).toEqual([camera]);
    expect(stream.getAudioTracks()).toHaveLength(1);
    engine.setVideoOff(true);
    expect(camera.enabled).toBe(false);
  });
});

describe('reconnect', () => {
  it('keeps media while the socket is down, then resumes with the latest token', async () => {
    await joinedCall();
    const link = linkTo(A)!;
    link.state = 'connected';
    sig.drop();
    expect(engine.getState().phase).toBe('reconnecting');
    expect(link.closed).toBe(false);
    expect(engine.getState().peers).toHaveLength(1);

    // Signals produced meanwhile (an ICE restart) wait for the resume.
    link.opts.sendSignal({ kind: 'candidate', candidate: null });
    engine.setMuted(true); // not sent now; the full presence goes after the resume

    sig.replies['room.resume'] = joined({ resumed: true, resumeToken: 'token-2', peers: [peer(A), peer(B)], iceServers: [{ urls: ['turn:new'] }] });
    sig.reopen();
    await vi.waitFor(() => expect(engine.getState().phase).toBe('in-call'));
    expect(sig.requested.at(-1)).toEqual({ type: 'room.resume', resumeToken: 'token-1' });
    expect(link.closed).toBe(false);
    expect(link.iceServers).toEqual([{ urls: ['turn:new'] }]);
    expect(linkTo(B)).toBeDefined();
    expect(sig.sent).toContainEqual({ type: 'signal', to: A, data: { kind: 'candidate', candidate: null } });
    expect(sig.sent.at(-1)).toMatchObject({ type: 'presence.update', muted: true });

    // The next resume uses the newer token.
    sig.drop();
    sig.replies['room.resume'] = joined({ resumed: true, resumeToken: 'token-3' });
    sig.reopen();
    await vi.waitFor(() => expect(sig.requested.at(-1)).toEqual({ type: 'room.resume', resumeToken: 'token-2' }));
  });

  it('restarts ICE on links that were not connected', async () => {
    await joinedCall();
    sig.drop();
    sig.replies['room.resume'] = joined({ resumed: true });
    sig.reopen();
    await vi.waitFor(() => expect(linkTo(A)!.restarts).toBe(1));
  });

  it('rejoins as a new peer when the resume fails', async () => {
    await joinedCall();
    const old = linkTo(A)!;
    sig.drop();
    sig.replies['room.resume'] = new SignalingError('resume_failed', 'gone');
    sig.replies['room.join'] = joined({ peerId: '2222222222222222', resumeToken: 'token-9' });
    sig.reopen();
    await vi.waitFor(() => expect(engine.getState().local.peerId).toBe('2222222222222222'));
    expect(engine.getState().phase).toBe('in-call');
    expect(old.closed).toBe(true);
    expect(linkTo(A)!.opts.localId).toBe('2222222222222222');
    expect(sig.requested.filter((m) => m.type === 'room.join')).toHaveLength(2);
  });

  it('asks again when the resume goes unanswered on a socket still open, rather than stay "reconnecting"', async () => {
    await joinedCall();
    sig.drop();
    let asked = 0;
    sig.replies['room.resume'] = () => (++asked === 1 ? new SignalingError('timeout', 'no answer') : joined({ resumed: true, resumeToken: 'token-2' }));
    sig.reopen();
    await vi.waitFor(() => expect(engine.getState().phase).toBe('in-call'));
    expect(sig.requested.filter((m) => m.type === 'room.resume')).toEqual([
      { type: 'room.resume', resumeToken: 'token-1' },
      { type: 'room.resume', resumeToken: 'token-1' },
    ]);
  });

  it('a lobby guest asks again after a reconnect', async () => {
    sig.replies['room.join'] = { type: 'room.waiting', meetingId: MEETING, hostPresent: false };
    await engine.join(opts());
    sig.drop();
    sig.reopen();
    await vi.waitFor(() => expect(sig.requested.filter((m) => m.type === 'room.join')).toHaveLength(2));
    expect(engine.getState().phase).toBe('lobby');
  });
});

describe('surviving outages', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('after a server restart, the meeting converges: nobody twice, presence and host as the others say, lost peers dropped after the grace period', async () => {
    await joinedCall({}, joined({ peers: [peer(A), peer(B), peer(C)], hostId: A }));
    sig.push({ type: 'room.lobby', waiting: [] });
    vi.useFakeTimers();
    sig.drop();
    // The restarted server rebuilds the room as people come back: only B is back so far, and B is host now.
    sig.replies['room.resume'] = joined({ resumed: true, peers: [peer(B)], hostId: B, graceMs: 5_000 });
    sig.reopen();
    await vi.waitFor(() => expect(engine.getState().phase).toBe('in-call'));
    expect(engine.getState().hostId).toBe(B);
    // A comes back (a peerJoined for a known id is an update), muted, and takes host back as the owner.
    sig.push({ type: 'room.peerJoined', peer: { ...peer(A), muted: true } });
    sig.push({ type: 'room.hostChanged', hostId: A });
    const st = engine.getState();
    expect(st.peers.map((p) => p.peerId)).toEqual([A, B, C]);
    expect(st.peers.find((p) => p.peerId === A)).toMatchObject({ muted: true, isHost: true });
    expect(links.filter((l) => !l.closed).map((l) => l.remoteId).sort()).toEqual([A, B, C]);
    // C never comes back: gone once the grace period has passed, its link closed.
    await vi.advanceTimersByTimeAsync(5_000);
    expect(engine.getState().peers.map((p) => p.peerId)).toEqual([A, B]);
    expect(links.find((l) => l.remoteId === C)!.closed).toBe(true);
    expect(engine.getState().lastDeparture).toMatchObject({ peerId: C, displayName: 'C', reason: 'timeout' });
    // Our own presence went to the new server.
    expect(sig.sent.at(-1)).toMatchObject({ type: 'presence.update', displayName: 'Me' });
  });

  it('says who left and why; rejoining as a new peer is not anyone leaving', async () => {
    await joinedCall({}, joined({ peers: [peer(A, 'Ada'), peer(B, 'Bob')] }));
    expect(engine.getState().lastDeparture).toBeNull();
    sig.push({ type: 'room.peerLeft', peerId: B, reason: 'timeout' });
    expect(engine.getState().lastDeparture).toMatchObject({ peerId: B, displayName: 'Bob', reason: 'timeout' });
    const first = engine.getState().lastDeparture;
    sig.push({ type: 'room.peerLeft', peerId: B, reason: 'left' }); // unknown by now: nothing new
    expect(engine.getState().lastDeparture).toBe(first);
    sig.drop();
    sig.replies['room.resume'] = new SignalingError('resume_failed', 'gone');
    sig.replies['room.join'] = joined({ peerId: '2222222222222222', peers: [peer(A, 'Ada')] });
    sig.reopen();
    await vi.waitFor(() => expect(engine.getState().local.peerId).toBe('2222222222222222'));
    expect(engine.getState().lastDeparture).toBe(first);
  });

  it('clears a stale lobby on resume (the server sends it again if anyone still waits)', async () => {
    await joinedCall({}, joined({ hostId: ME }));
    sig.push({ type: 'room.lobby', waiting: [{ peerId: C, displayName: 'Carol' }] });
    expect(engine.getState().lobby).toHaveLength(1);
    sig.drop();
    sig.replies['room.resume'] = joined({ resumed: true, hostId: ME });
    sig.reopen();
    await vi.waitFor(() => expect(engine.getState().phase).toBe('in-call'));
    expect(engine.getState().lobby).toEqual([]);
  });

  it('tells the user when the server stays unreachable, retries on request, and clears by itself', async () => {
    vi.useFakeTimers();
    await joinedCall();
    sig.drop();
    await vi.advanceTimersByTimeAsync(7_000);
    expect(engine.getState()).toMatchObject({ phase: 'reconnecting', offline: false });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(engine.getState().offline).toBe(true);
    engine.retryNow();
    expect(sig.retries).toBe(1);
    sig.replies['room.resume'] = joined({ resumed: true });
    sig.reopen();
    await vi.waitFor(() => expect(engine.getState()).toMatchObject({ phase: 'in-call', offline: false }));
  });

  it('says when the sign-in expired on reconnect instead of silently going on as a guest', async () => {
    await joinedCall({ sessionToken: 'T'.repeat(43) });
    expect(engine.getState().warning).toBeNull();
    sig.drop();
    sig.replies['account.resume'] = new SignalingError('session_expired', 'gone');
    sig.replies['room.resume'] = joined({ resumed: true });
    sig.reopen();
    await vi.waitFor(() => expect(engine.getState().phase).toBe('in-call'));
    expect(engine.getState().warning?.code).toBe('session_expired');
    engine.dismissWarning();
    expect(engine.getState().warning).toBeNull();
  });

  it('a network failure of account.resume is not reported as an expired sign-in', async () => {
    sig.replies['account.resume'] = new SignalingError('timeout', 'slow');
    await joinedCall({ sessionToken: 'T'.repeat(43) });
    expect(engine.getState()).toMatchObject({ phase: 'in-call', warning: null });
  });
});

describe('TURN', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  const turn = (username: string) => [{ urls: ['turn:127.0.0.1:3478?transport=udp'], username, credential: 'c' }];

  it('relay only: every link is made with iceTransportPolicy relay', async () => {
    await joinedCall({ relayOnly: true });
    expect(linkTo(A)!.opts.iceTransportPolicy).toBe('relay');
    expect(engine.getState().warning).toBeNull();
  });

  it('without relay only, links use every candidate', async () => {
    await joinedCall();
    expect(linkTo(A)!.opts.iceTransportPolicy).toBeUndefined();
  });

  it('relay only against a server with no TURN warns that nobody can connect', async () => {
    await joinedCall({ relayOnly: true }, joined({ iceServers: [] }));
    expect(engine.getState().warning?.code).toBe('no_relay');
  });

  const refreshes = () => sig.requested.filter((m) => m.type === 'ice.refresh').length;
  const refuse = (id: string) => linkTo(id)!.opts.events.onIceServerError?.(401, 'turn:127.0.0.1:3478?transport=udp');

  it('other ICE server errors (an unreachable relay) are left to the watchdog', async () => {
    vi.useFakeTimers();
    await joinedCall();
    linkTo(A)!.opts.events.onIceServerError?.(701, 'turn:127.0.0.1:3478');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(engine.getState().warning).toBeNull();
    expect(refreshes()).toBe(0);
  });

  it('stale credentials refused (401): fresh ones, one request for the whole burst, an ICE restart on each refused link, nobody bothered', async () => {
    vi.useFakeTimers();
    let n = 0;
    sig.replies['ice.refresh'] = () => ({ type: 'ice.servers', iceServers: turn(`fresh-${++n}`), iceTtlMs: 600_000 });
    await joinedCall({}, joined({ peers: [peer(A), peer(B), peer(C)], iceServers: turn('expired'), iceTtlMs: 600_000 }));
    refuse(A);
    refuse(A); // its other relay URL
    refuse(B);
    await vi.advanceTimersByTimeAsync(TURN_AUTH_RETRY_DELAYS_MS[0]! - 1);
    expect(refreshes()).toBe(0); // the burst is gathered first
    await vi.advanceTimersByTimeAsync(1);
    expect(refreshes()).toBe(1);
    expect(linkTo(A)!.iceServers).toEqual(turn('fresh-1'));
    expect(linkTo(C)!.iceServers).toEqual(turn('fresh-1'));
    expect([linkTo(A)!.restarts, linkTo(B)!.restarts, linkTo(C)!.restarts]).toEqual([1, 1, 0]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(refreshes()).toBe(1);
    expect(engine.getState().warning).toBeNull();
  });

  it('fresh credentials refused too (a secret that differs from the relay\'s): a few attempts, then people are told, and no loop', async () => {
    vi.useFakeTimers();
    await joinedCall({}, joined({ iceServers: turn('signed-with-the-wrong-secret') }));
    linkTo(A)!.onRestart = () => refuse(A); // every new allocation is refused at once
    const start = Date.now();
    const askedAt: number[] = [];
    sig.replies['ice.refresh'] = () => {
      askedAt.push(Date.now() - start);
      return { type: 'ice.servers', iceServers: turn('signed-with-the-wrong-secret'), iceTtlMs: 3_600_000 };
    };
    refuse(A);
    const total = TURN_AUTH_RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    await vi.advanceTimersByTimeAsync(total - 1);
    expect(engine.getState().warning).toBeNull(); // still trying
    await vi.advanceTimersByTimeAsync(1);
    expect(askedAt).toEqual([1_000, 5_000, 15_000]);
    expect(engine.getState().warning).toMatchObject({ code: 'turn_auth' });
    // The link's watchdog keeps restarting, and the relay keeps refusing: nobody asks any more.
    for (let i = 0; i < 50; i++) {
      refuse(A);
      await vi.advanceTimersByTimeAsync(12_000);
    }
    expect(askedAt).toHaveLength(TURN_AUTH_RETRY_DELAYS_MS.length);
    expect(linkTo(A)!.restarts).toBe(TURN_AUTH_RETRY_DELAYS_MS.length);
  });

  it('a server that cannot hand out fresh credentials: people are told after the first try', async () => {
    vi.useFakeTimers();
    sig.replies['ice.refresh'] = new SignalingError('bad_message', 'unknown type');
    await joinedCall();
    refuse(A);
    await vi.advanceTimersByTimeAsync(TURN_AUTH_RETRY_DELAYS_MS[0]!);
    expect(refreshes()).toBe(1);
    expect(engine.getState().warning).toMatchObject({ code: 'turn_auth' });
    refuse(A);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(refreshes()).toBe(1);
  });

  it('a resume brings fresh credentials, so a refusal after it gets its own attempts', async () => {
    vi.useFakeTimers();
    sig.replies['ice.refresh'] = () => ({ type: 'ice.servers', iceServers: turn('wrong'), iceTtlMs: 3_600_000 });
    await joinedCall({}, joined({ iceServers: turn('wrong') }));
    linkTo(A)!.onRestart = () => refuse(A);
    refuse(A);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(refreshes()).toBe(TURN_AUTH_RETRY_DELAYS_MS.length);
    linkTo(A)!.onRestart = null;
    sig.replies['room.resume'] = joined({ resumed: true, iceServers: turn('after-resume') });
    sig.drop();
    sig.reopen();
    await vi.advanceTimersByTimeAsync(0);
    refuse(A);
    await vi.advanceTimersByTimeAsync(TURN_AUTH_RETRY_DELAYS_MS[0]!);
    expect(refreshes()).toBe(TURN_AUTH_RETRY_DELAYS_MS.length + 1);
  });

  it('refreshes TURN credentials before they expire and restarts ICE on relayed links', async () => {
    vi.useFakeTimers();
    let n = 0;
    sig.replies['ice.refresh'] = () => ({ type: 'ice.servers', iceServers: turn(`fresh-${++n}`), iceTtlMs: 600_000 });
    await joinedCall({}, joined({ peers: [peer(A), peer(B)], iceServers: turn('first'), iceTtlMs: 600_000 }));
    // A is relayed, B is direct.
    const stats = { rttMs: 1, lossRate: 0, inboundKbps: 1, outboundKbps: 1, videoCodec: null, audioCodec: null, dtlsState: 'connected', srtpCipher: 'x' };
    (engine as unknown as { getState(): { peers: { stats: unknown }[] } }).getState().peers[0]!.stats = { ...stats, relayed: true };
    (engine as unknown as { getState(): { peers: { stats: unknown }[] } }).getState().peers[1]!.stats = { ...stats, relayed: false };
    await vi.advanceTimersByTimeAsync(449_000);
    expect(sig.requested.filter((m) => m.type === 'ice.refresh')).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_000); // 3/4 of 600 s
    expect(sig.requested.filter((m) => m.type === 'ice.refresh')).toHaveLength(1);
    expect(linkTo(A)!.iceServers).toEqual(turn('fresh-1'));
    expect(linkTo(B)!.iceServers).toEqual(turn('fresh-1'));
    expect(linkTo(A)!.restarts).toBe(1);
    expect(linkTo(B)!.restarts).toBe(0);
    // And again, on the new credentials' schedule.
    await vi.advanceTimersByTimeAsync(450_000);
    expect(sig.requested.filter((m) => m.type === 'ice.refresh')).toHaveLength(2);
    expect(linkTo(B)!.iceServers).toEqual(turn('fresh-2'));
  });

  it('stops asking a server that does not know ice.refresh', async () => {
    vi.useFakeTimers();
    sig.replies['ice.refresh'] = new SignalingError('bad_message', 'unknown type');
    await joinedCall({}, joined({ iceServers: turn('first'), iceTtlMs: 120_000 }));
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sig.requested.filter((m) => m.type === 'ice.refresh')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(sig.requested.filter((m) => m.type === 'ice.refresh')).toHaveLength(1);
  });

  it('does not schedule refreshes without TURN or without a lifetime', async () => {
    vi.useFakeTimers();
    await joinedCall({}, joined({ iceServers: turn('first') })); // no iceTtlMs: an older server
    await vi.advanceTimersByTimeAsync(24 * 3600_000);
    expect(sig.requested.filter((m) => m.type === 'ice.refresh')).toHaveLength(0);
  });
});

describe('end-to-end verification', () => {
  const peerA = () => engine.getState().peers.find((p) => p.peerId === A)!;

  it('marks a peer verified once connected, and failed when details in its name are refused before that', async () => {
    await joinedCall();
    expect(peerA().verification).toBe('pending');
    linkTo(A)!.opts.events.onSecurityError({ kind: 'forged', verified: false });
    expect(peerA()).toMatchObject({ verification: 'failed', connection: 'failed', securityProblem: { kind: 'forged' } });
  });

  it('keeps a verified connection verified when a replayed signal is refused later', async () => {
    await joinedCall();
    linkTo(A)!.opts.events.onStateChange('connected');
    expect(peerA().verification).toBe('verified');
    linkTo(A)!.opts.events.onSecurityError({ kind: 'replayed', verified: true });
    expect(peerA()).toMatchObject({ verification: 'verified', connection: 'connected', securityProblem: { kind: 'replayed' } });
  });

  it('replaces the link when the peer starts a new one, and hands the new link their hello', async () => {
    await joinedCall();
    const old = linkTo(A)!;
    old.opts.events.onStateChange('connected');
    const hello = { kind: 'hello', nonce: 'new', mac: 'm' };
    old.opts.events.onRemoteRestart(hello);
    expect(old.closed).toBe(true);
    const fresh = linkTo(A)!;
    expect(fresh).not.toBe(old);
    expect(fresh.signals).toEqual([hello]);
    expect(peerA()).toMatchObject({ verification: 'pending', connection: 'connecting', stream: null });
  });

  it('gives every link the meeting id its MACs are bound to', async () => {
    await joinedCall();
    expect(linkTo(A)!.opts.meetingId).toBe(MEETING);
  });
});

describe('screen sharing', () => {
  /** A getDisplayMedia stream: a video track that can end (the browser's own "Stop sharing"), and tab audio. */
  function fakeScreen() {
    const video = Object.assign(new EventTarget(), { kind: 'video', contentHint: '', readyState: 'live', stop: vi.fn() });
    const audio = Object.assign(new EventTarget(), { kind: 'audio', contentHint: '', readyState: 'live', stop: vi.fn() });
    const stream = { id: 'screen-1', getTracks: () => [video, audio], getVideoTracks: () => [video], getAudioTracks: () => [audio] } as unknown as MediaStream;
    const end = () => {
      video.readyState = 'ended';
      video.dispatchEvent(new Event('ended'));
    };
    return { stream, video, audio, end };
  }
  const lastScreen = (id: string) => linkTo(id)!.screens.at(-1);

  it('sends the screen to every link as a sharp, low-frame-rate detail track, and shows it as ours', async () => {
    await joinedCall({}, joined({ peers: [peer(A), peer(B)] }));
    const screen = fakeScreen();
    await engine.shareScreen(screen.stream);
    expect(screen.video.contentHint).toBe('detail');
    for (const id of [A, B]) {
      expect(lastScreen(id)).toEqual({ stream: screen.stream, encoding: expect.objectContaining({ scaleResolutionDownBy: 1, degradationPreference: 'maintain-resolution' }) });
    }
    const { encoding } = lastScreen(A)!;
    const camera = linkTo(A)!.policies.at(-1) as { maxBitrate: number; maxFramerate: number };
    expect(encoding.maxFramerate).toBeLessThan(camera.maxFramerate);
    expect(encoding.maxBitrate).toBeGreaterThan(camera.maxBitrate);
    expect(engine.getState().local.screen).toBe(screen.stream);
  });

  it('sends it to someone who joins later, and lowers it for everyone as the meeting grows', async () => {
    await joinedCall();
    const screen = fakeScreen();
    await engine.shareScreen(screen.stream);
    const before = lastScreen(A)!.encoding;
    sig.push({ type: 'room.peerJoined', peer: peer(B) });
    sig.push({ type: 'room.peerJoined', peer: peer(C) });
    expect(lastScreen(C)?.stream).toBe(screen.stream);
    const after = lastScreen(A)!.encoding;
    expect(after.maxBitrate).toBeLessThan(before.maxBitrate);
    expect(lastScreen(A)!.stream).toBe(screen.stream);
  });

  it('stops for everyone when the browser ends the capture, and shares again afterwards', async () => {
    await joinedCall();
    const first = fakeScreen();
    await engine.shareScreen(first.stream);
    first.end();
    expect(lastScreen(A)?.stream).toBeNull();
    expect(first.audio.stop).toHaveBeenCalled(); // the tab's sound stops with the picture
    expect(engine.getState().local.screen).toBeNull();
    const second = fakeScreen();
    await engine.shareScreen(second.stream);
    expect(lastScreen(A)?.stream).toBe(second.stream);
    first.end(); // a stale capture ending again changes nothing
    expect(lastScreen(A)?.stream).toBe(second.stream);
  });

  it('stops from the controls: the capture ends and the links stop sending it', async () => {
    await joinedCall();
    const screen = fakeScreen();
    await engine.shareScreen(screen.stream);
    engine.stopScreenShare();
    expect(screen.video.stop).toHaveBeenCalled();
    expect(screen.audio.stop).toHaveBeenCalled();
    expect(lastScreen(A)?.stream).toBeNull();
    expect(engine.getState().local.screen).toBeNull();
  });

  it('a new screen replaces the one shared before, whose capture stops', async () => {
    await joinedCall();
    const first = fakeScreen();
    const second = fakeScreen();
    await engine.shareScreen(first.stream);
    await engine.shareScreen(second.stream);
    expect(first.video.stop).toHaveBeenCalled();
    expect(second.video.stop).not.toHaveBeenCalled();
    expect(lastScreen(A)?.stream).toBe(second.stream);
  });

  it('stops the capture when leaving, and refuses (stopping it) outside a meeting', async () => {
    await joinedCall();
    const screen = fakeScreen();
    await engine.shareScreen(screen.stream);
    await engine.leave();
    expect(screen.video.stop).toHaveBeenCalled();
    expect(engine.getState().local.screen).toBeNull();
    const late = fakeScreen();
    await expect(engine.shareScreen(late.stream)).rejects.toThrow('not in a meeting');
    expect(late.video.stop).toHaveBeenCalled();
  });

  it('shows a peer\'s screen while their link says it comes, and forgets it when their link is replaced', async () => {
    await joinedCall();
    const screen = fakeScreen().stream;
    const link = linkTo(A)!;
    link.opts.events.onRemoteScreen?.(screen);
    expect(engine.getState().peers[0]!.screen).toBe(screen);
    link.opts.events.onRemoteScreen?.(null);
    expect(engine.getState().peers[0]!.screen).toBeNull();
    link.opts.events.onRemoteScreen?.(screen);
    link.opts.events.onRemoteRestart({ kind: 'hello', nonce: 'n2', mac: 'm' });
    expect(engine.getState().peers[0]!.screen).toBeNull();
  });
});

describe('active speaker', () => {
  it('highlights the peer whose audio is loud, and never one who is muted', async () => {
    const made: FakeLink[] = [];
    engine = engineWithFakes(made, { levelIntervalMs: 5 });
    await joinedCall({}, joined({ peers: [peer(A), { ...peer(B), muted: true }] }));
    const [toA, toB] = [made.find((l) => l.remoteId === A)!, made.find((l) => l.remoteId === B)!];
    toA.level = 0.01;
    toB.level = 0.9; // muted: whatever arrives is not speech we should highlight
    await new Promise((r) => setTimeout(r, 60));
    expect(engine.getState().activeSpeakerId).toBeNull();
    toA.level = 0.3;
    await vi.waitFor(() => expect(engine.getState().activeSpeakerId).toBe(A));
    expect(engine.getState().peers.find((p) => p.peerId === A)!.audioLevel).toBeGreaterThan(0.1);
  });

  describe('with the level clock under test control', () => {
    let made: FakeLink[];
    beforeEach(() => {
      vi.useFakeTimers();
      made = [];
      engine = engineWithFakes(made, { levelIntervalMs: LEVEL_INTERVAL_MS });
    });
    afterEach(() => {
      vi.useRealTimers();
    });
    const tick = (n = 1) => vi.advanceTimersByTimeAsync(n * LEVEL_INTERVAL_MS);

    it('highlights us when our own microphone is the loud one, from what a link sends', async () => {
      await joinedCall({}, joined({ peers: [peer(A)] }));
      made[0]!.level = 0.01;
      made[0]!.localLevel = 0.3;
      await tick();
      expect(engine.getState().activeSpeakerId).toBe(ME);
      expect(engine.getState().local.audioLevel).toBeGreaterThan(0.1);
    });

    it('our own mute clears our highlight at once, without waiting for a tick', async () => {
      await joinedCall({}, joined({ peers: [peer(A)] }));
      made[0]!.localLevel = 0.3;
      await tick();
      expect(engine.getState().activeSpeakerId).toBe(ME);
      engine.setMuted(true);
      await vi.advanceTimersByTimeAsync(0); // the level reads only (no interval tick)
      expect(engine.getState().activeSpeakerId).toBeNull();
      await tick(4);
      expect(engine.getState().activeSpeakerId).toBeNull(); // muted: never the speaker
    });

    it('a peer who mutes stops being the speaker as soon as we hear of it', async () => {
      await joinedCall({}, joined({ peers: [peer(A)] }));
      made[0]!.level = 0.3;
      await tick();
      expect(engine.getState().activeSpeakerId).toBe(A);
      sig.push({ type: 'room.peerUpdated', peer: { ...peer(A), muted: true } });
      await vi.advanceTimersByTimeAsync(0);
      expect(engine.getState().activeSpeakerId).toBeNull();
    });

    it('silence clears the highlight after SPEAKER_SILENCE_HOLD_MS (and the meter falling)', async () => {
      await joinedCall({}, joined({ peers: [peer(A)] }));
      made[0]!.level = 0.3;
      await tick();
      made[0]!.level = 0;
      await tick(4); // a pause between sentences
      expect(engine.getState().activeSpeakerId).toBe(A);
      // The smoothed level needs some ticks to fall under the threshold, then the hold runs.
      await vi.advanceTimersByTimeAsync(SPEAKER_SILENCE_HOLD_MS + 4_000);
      expect(engine.getState().activeSpeakerId).toBeNull();
    });
  });
});

describe('chat', () => {
  it('sends encrypted frames to every link and receives them, counting unread', async () => {
    await joinedCall();
    sig.push({ type: 'room.peerJoined', peer: peer(B) });
    await engine.sendChat('hello');
    expect(linkTo(A)!.chatFrames).toHaveLength(1);
    expect(linkTo(B)!.chatFrames).toEqual(linkTo(A)!.chatFrames);
    expect(linkTo(A)!.chatFrames[0]).not.toContain('hello');
    expect(engine.getState().chat).toMatchObject([{ text: 'hello', mine: true, fromPeerId: ME }]);
    expect(engine.getState().unreadChat).toBe(0);

    // A frame sealed by A arrives on A's link.
    const { createChatChannel } = await import('./chat-channel.js');
    const { deriveChatKey } = await import('./chat-crypto.js');
    const a = createChatChannel({ key: await deriveChatKey(keys.e2eKey), meetingId: MEETING, localPeerId: () => A });
    const frames: string[] = [];
    await a.send('hi back', 'A', [{ remoteId: ME, sendChat: (f) => (frames.push(f), true) }]);
    linkTo(A)!.opts.events.onChatFrame(frames[0]!);
    await vi.waitFor(() => expect(engine.getState().chat).toHaveLength(2));
    expect(engine.getState().chat[1]).toMatchObject({ text: 'hi back', fromPeerId: A, mine: false });
    expect(engine.getState().unreadChat).toBe(1);
    engine.markChatRead();
    expect(engine.getState().unreadChat).toBe(0);

    // The same frame on B's link claims the wrong sender: dropped.
    linkTo(B)!.opts.events.onChatFrame(frames[0]!);
    await new Promise((r) => setTimeout(r, 20));
    expect(engine.getState().chat).toHaveLength(2);
  });
});

describe('files', () => {
  it('offers a file to everyone with a link, sealed, and fails their transfers when they leave', async () => {
    await joinedCall();
    sig.push({ type: 'room.peerJoined', peer: peer(B) });
    engine.sendFile(new File(['secret plans'], 'plans.txt'), 'everyone');
    await vi.waitFor(() => expect(linkTo(B)!.fileFrames).toHaveLength(1));
    expect(linkTo(A)!.fileFrames).toHaveLength(1);
    expect(String(linkTo(A)!.fileFrames[0])).not.toContain('plans');
    expect(engine.getState().transfers.map((t) => [t.peerId, t.state])).toEqual([
      [A, 'waiting'],
      [B, 'waiting'],
    ]);
    sig.push({ type: 'room.peerLeft', peerId: B, reason: 'left' });
    expect(engine.getState().transfers.find((t) => t.peerId === B)).toMatchObject({ state: 'failed', error: 'peer_left' });
  });

  it('refuses to send when nobody can receive', async () => {
    await joinedCall({}, joined({ peers: [] }));
    expect(() => engine.sendFile(new File(['x'], 'x.txt'), 'everyone')).toThrow(/nobody/);
  });
});

describe('leaving', () => {
  it('sends room.leave, closes links and stops nothing it does not own', async () => {
    const { stream, audio, video } = fakeStream();
    await joinedCall({ stream });
    await engine.leave();
    expect(sig.requested.at(-1)).toEqual({ type: 'room.leave' });
    expect(engine.getState()).toMatchObject({ phase: 'ended', endReason: 'left', peers: [], chat: [] });
    expect(links.every((l) => l.closed)).toBe(true);
    expect(sig.closed).toBe(true);
    expect(audio.stop).not.toHaveBeenCalled();
    expect(video.stop).not.toHaveBeenCalled();
  });

  it('leaves no timer behind: ending the session cancels everything it started', async () => {
    vi.useFakeTimers();
    try {
      const timed = engineWithFakes(links, { statsIntervalMs: 2_000, levelIntervalMs: 250 });
      sig.replies['room.join'] = joined({ iceTtlMs: 3_600_000 });
      await timed.join(opts());
      sig.drop(); // arms the offline notice
      expect(vi.getTimerCount()).toBeGreaterThanOrEqual(4); // stats, levels, TURN refresh, offline notice
      await timed.leave();
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('can join again after leaving', async () => {
    await joinedCall();
    await engine.leave();
    sig = new FakeSignaling();
    engine = createCallEngine({ createSignaling: () => sig, createLink: (o) => new FakeLink(o), statsIntervalMs: 1e9, levelIntervalMs: 1e9 });
    await joinedCall();
    expect(engine.getState().phase).toBe('in-call');
  });

  it('publishes immutable snapshots', async () => {
    const seen: unknown[] = [];
    engine.subscribe((s) => seen.push(s));
    await joinedCall();
    const first = engine.getState();
    sig.push({ type: 'room.peerJoined', peer: peer(B) });
    expect(engine.getState()).not.toBe(first);
    expect(first.peers).toHaveLength(1);
    expect(new Set(seen).size).toBe(seen.length);
  });
});
