import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MediaTopology } from '../media-topology.js';
import type { PeerLink, PeerLinkOptions } from './peer-link.js';
import type { VideoEncodingPolicy } from '../bitrate-policy.js';
import { resetFailureCounts, failureCounts } from '../failures.js';
import { createMeshTopology, type MeshOptions } from './mesh-topology.js';

/** Just enough of a link to see what the mesh asks of it. */
function fakeLink(o: PeerLinkOptions) {
  const calls: string[] = [];
  const link = {
    remoteId: o.remoteId,
    state: 'connecting' as PeerLink['state'],
    options: o,
    calls,
    signals: [] as unknown[],
    failScreen: false,
    closed: false,
    handleSignal: async (d: unknown) => void link.signals.push(d),
    sendChat: () => true,
    files: { open: true, bufferedAmount: 0, send: () => true, drained: async () => undefined },
    replaceTrack: async (t: MediaStreamTrack) => void calls.push(`track:${t.kind}`),
    setScreen: async (s: MediaStream | null) => {
      if (link.failScreen) throw new Error('setParameters refused');
      calls.push(s ? 'screen' : 'no-screen');
    },
    policies: [] as VideoEncodingPolicy[],
    setVideoPolicy: async (p: VideoEncodingPolicy) => {
      calls.push('policy');
      link.policies.push(p);
    },
    setIceServers: () => void calls.push('ice-servers'),
    restartIce: () => void calls.push('restart'),
    getStats: async () => null,
    negotiatedFingerprints: () => null,
    getAudioLevel: async () => 0.25,
    getLocalAudioLevel: async () => 0.5,
    localLevelMeasurable: () => true,
    close: () => void (link.closed = true),
  };
  return link;
}
type FakeLink = ReturnType<typeof fakeLink>;

/** A camera track whose size follows what it was last asked for, as a real one's does. */
function cameraTrack(height: number) {
  let constraints: MediaTrackConstraints = { height: { ideal: height } };
  const track = {
    kind: 'video',
    readyState: 'live',
    getConstraints: () => constraints,
    getSettings: () => ({ height: (constraints.height as ConstrainULongRange).ideal }),
    applyConstraints: vi.fn(async (c: MediaTrackConstraints) => void (constraints = c)),
  };
  return track as typeof track & MediaStreamTrack;
}

function mesh(over: Partial<MeshOptions> = {}) {
  const links: FakeLink[] = [];
  const events = {
    onPeerMedia: vi.fn(),
    onChatFrame: vi.fn(),
    onFileFrame: vi.fn(),
    onControlFrame: vi.fn(),
    onRelayRefused: vi.fn(),
    onPeerRestarted: vi.fn(),
    onScreenNotSent: vi.fn(),
  };
  let me: string | null = 'me';
  const topology: MediaTopology = createMeshTopology({
    meetingId: 'm',
    localId: () => me,
    iceServers: () => [{ urls: 'turn:x' }],
    relayOnly: false,
    stream: null,
    sdpMacKey: {} as CryptoKey,
    callSize: () => links.filter((l) => !l.closed).length + 1,
    sendSignal: vi.fn(),
    events,
    createLink: (o) => {
      const l = fakeLink(o);
      links.push(l);
      return l as unknown as PeerLink;
    },
    ...over,
  });
  const live = (id: string) => links.find((l) => l.remoteId === id && !l.closed);
  return { topology, links, live, events, setMe: (id: string | null) => (me = id) };
}

afterEach(() => resetFailureCounts());

describe('the full mesh', () => {
  it('makes one link per person, none to ourselves, none before we have a peer id', () => {
    const m = mesh();
    m.topology.addPeer('a');
    m.topology.addPeer('a');
    m.topology.addPeer('me');
    expect(m.links.map((l) => l.remoteId)).toEqual(['a']);
    m.setMe(null);
    m.topology.addPeer('b');
    expect(m.links).toHaveLength(1);
  });

  it('keeps signals that outrun the peer’s announcement, and hands them over in order', () => {
    const m = mesh();
    m.topology.handleSignal('a', 1);
    m.topology.handleSignal('a', 2);
    m.topology.addPeer('a');
    m.topology.handleSignal('a', 3);
    expect(m.live('a')!.signals).toEqual([1, 2, 3]);
  });

  it('keeps at most 64 early signals per sender (a flood from the server costs little)', () => {
    const m = mesh();
    for (let i = 0; i < 200; i++) m.topology.handleSignal('a', i);
    m.topology.addPeer('a');
    expect(m.live('a')!.signals).toHaveLength(64);
  });

  it('a link made later sends the replaced camera and the shared screen too', async () => {
    const m = mesh();
    m.topology.addPeer('a');
    await m.topology.replaceTrack(cameraTrack(360));
    await m.topology.setScreen({} as MediaStream);
    m.topology.addPeer('b');
    await Promise.resolve();
    expect(m.live('b')!.calls).toEqual(expect.arrayContaining(['track:video', 'screen']));
  });

  it('captures the camera at the size the meeting sends, so no link scales it again', async () => {
    const camera = cameraTrack(720);
    const m = mesh();
    await m.topology.replaceTrack(camera);
    for (const id of ['a', 'b', 'c']) m.topology.addPeer(id);
    m.topology.applyEncodings();
    await vi.waitFor(() => expect(m.live('c')!.policies.length).toBeGreaterThan(0));
    // Four people: the 360p tier, asked of the camera once, then sent as captured by every link.
    expect(camera.applyConstraints).toHaveBeenLastCalledWith(expect.objectContaining({ height: { ideal: 360 } }));
    for (const id of ['a', 'b', 'c']) expect(m.live(id)!.policies.at(-1)).toMatchObject({ targetHeight: 360, sourceHeight: 360, scaleResolutionDownBy: 1 });
  });

  it('a share that fails for one person says who; a failed stop is only counted', async () => {
    const m = mesh();
    m.topology.addPeer('a');
    m.topology.addPeer('b');
    m.live('b')!.failScreen = true;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await m.topology.setScreen({} as MediaStream);
    expect(m.events.onScreenNotSent).toHaveBeenCalledOnce();
    expect(m.events.onScreenNotSent.mock.calls[0]![0]).toBe('b');
    await m.topology.setScreen(null);
    expect(m.events.onScreenNotSent).toHaveBeenCalledOnce();
    expect(failureCounts().get('stopping the screen on a link')).toBe(1);
    warn.mockRestore();
  });

  it('a peer who starts a new link replaces ours, and the new one gets their hello', () => {
    const m = mesh();
    m.topology.addPeer('a');
    const first = m.live('a')!;
    first.options.events.onRemoteRestart({ kind: 'hello' });
    expect(first.closed).toBe(true);
    expect(m.events.onPeerRestarted).toHaveBeenCalledWith('a');
    expect(m.live('a')!.signals).toEqual([{ kind: 'hello' }]);
  });

  it('reports a relay refusal (401) and leaves other ICE errors to the watchdog', () => {
    const m = mesh();
    m.topology.addPeer('a');
    m.live('a')!.options.events.onIceServerError?.(701, 'turn:x');
    m.live('a')!.options.events.onIceServerError?.(401, 'turn:x');
    expect(m.events.onRelayRefused).toHaveBeenCalledTimes(1);
  });

  it('connected means verified; a refused signal before that means failed', () => {
    const m = mesh();
    m.topology.addPeer('a');
    const ev = m.live('a')!.options.events;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    ev.onSecurityError({ kind: 'forged', verified: false });
    ev.onStateChange('connected');
    expect(m.events.onPeerMedia.mock.calls.map((c) => c[1])).toEqual([
      { securityProblem: expect.objectContaining({ kind: 'forged' }), verification: 'failed', connection: 'failed' },
      { connection: 'connected', verification: 'verified' },
    ]);
    warn.mockRestore();
  });

  it('restarts ICE for the people asked, or for every connection that is not up', () => {
    const m = mesh();
    m.topology.addPeer('a');
    m.topology.addPeer('b');
    m.live('a')!.state = 'connected';
    m.topology.restartIce('unconnected');
    m.topology.restartIce(['a', 'nobody']);
    expect(m.live('a')!.calls.filter((c) => c === 'restart')).toHaveLength(1);
    expect(m.live('b')!.calls.filter((c) => c === 'restart')).toHaveLength(1);
  });

  it('reads our level from the first link that can say, and each peer’s level', async () => {
    const m = mesh();
    m.topology.addPeer('a');
    m.topology.addPeer('b');
    const levels = await m.topology.readAudioLevels();
    expect(levels.local).toBe(0.5);
    expect([...levels.remote]).toEqual([
      ['a', 0.25],
      ['b', 0.25],
    ]);
  });

  it('a level that cannot be read is "not known", and counted', async () => {
    const m = mesh();
    m.topology.addPeer('a');
    m.live('a')!.getAudioLevel = async () => {
      throw new Error('closing');
    };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect((await m.topology.readAudioLevels()).remote.get('a')).toBeNull();
    expect(failureCounts().get('reading a peer’s audio level')).toBe(1);
    warn.mockRestore();
  });

  it('closing closes every link and forgets early signals', () => {
    const m = mesh();
    m.topology.addPeer('a');
    m.topology.handleSignal('b', 1);
    m.topology.close();
    expect(m.links.every((l) => l.closed)).toBe(true);
    expect(m.topology.has('a')).toBe(false);
    m.setMe('me');
    m.topology.addPeer('b');
    expect(m.live('b')!.signals).toEqual([]);
  });
});
