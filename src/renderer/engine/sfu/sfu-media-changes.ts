/**
 * What changed in each person's media on our receiving connection from the
 * SFU, split into their camera and microphone (`stream`) and their shared
 * screen (`screen`), from the sections the server named and which of them
 * flow. Pure: SfuSubscriber turns the track ids into MediaStreams.
 */

/** One section of our receiving connection, as the last offer names it. */
export interface ReceivedSection {
  peerId: string;
  /** The server marks it as the person's screen (sfu.offer `screen: true`). */
  screen: boolean;
  /** Packets of it have started to arrive (a track is muted until then). */
  flowing: boolean;
  trackId: string;
}

/** What we reported last: per person, their camera's track ids, and their screen's (null: reported none). */
export interface ShownMedia {
  camera: ReadonlyMap<string, readonly string[]>;
  screen: ReadonlyMap<string, string | null>;
}

/** Per person that changed: new track ids (null: nothing of that is forwarded any more). A field left out did not change. */
export interface MediaChange {
  camera?: string[] | null;
  screen?: string | null;
}

export function mediaChanges(sections: readonly ReceivedSection[], shown: ShownMedia): Map<string, MediaChange> {
  const camera = new Map<string, string[]>();
  const screens = new Map<string, string>();
  /** People with a screen section in the offer, flowing or not yet. */
  const screenListed = new Set<string>();
  for (const s of sections) {
    if (s.screen) screenListed.add(s.peerId);
    if (!s.flowing) continue;
    if (s.screen) screens.set(s.peerId, s.trackId);
    else camera.set(s.peerId, [...(camera.get(s.peerId) ?? []), s.trackId]);
  }
  const changes = new Map<string, MediaChange>();
  const change = (peerId: string, patch: MediaChange) => changes.set(peerId, { ...changes.get(peerId), ...patch });
  for (const [peerId, ids] of camera) {
    const sorted = [...ids].sort();
    if (shown.camera.get(peerId)?.join(' ') !== sorted.join(' ')) change(peerId, { camera: sorted });
  }
  for (const peerId of shown.camera.keys()) if (!camera.has(peerId)) change(peerId, { camera: null });
  for (const [peerId, trackId] of screens) if (shown.screen.get(peerId) !== trackId) change(peerId, { screen: trackId });
  for (const peerId of new Set([...shown.screen.keys(), ...changes.keys()])) {
    if (screens.has(peerId)) continue;
    const before = shown.screen.get(peerId);
    // A screen that stopped goes. One we never reported (a mesh's copy may be on screen during the move)
    // goes once their media arrives here without one, not while ours is on its way.
    if (typeof before === 'string' || (before === undefined && !screenListed.has(peerId))) change(peerId, { screen: null });
  }
  return changes;
}
