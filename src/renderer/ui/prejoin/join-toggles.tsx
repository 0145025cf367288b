/** Pre-join's three choices for how to arrive: muted, camera off, through the relay only. */
interface JoinTogglesProps {
  muted: boolean;
  videoOff: boolean;
  relayOnly: boolean;
  setMuted: (on: boolean) => void;
  setVideoOff: (on: boolean) => void;
  setRelayOnly: (on: boolean) => void;
}

export function JoinToggles({ muted, videoOff, relayOnly, setMuted, setVideoOff, setRelayOnly }: JoinTogglesProps) {
  return (
    <>
      <div class="check">
        <input id="pj-muted" type="checkbox" checked={muted} onChange={(e) => setMuted(e.currentTarget.checked)} />
        <label for="pj-muted">Join muted</label>
      </div>
      <div class="check">
        <input id="pj-video-off" type="checkbox" checked={videoOff} onChange={(e) => setVideoOff(e.currentTarget.checked)} />
        <label for="pj-video-off">Join with camera off</label>
      </div>
      <div class="check">
        <input
          id="pj-relay-only"
          type="checkbox"
          checked={relayOnly}
          aria-describedby="pj-relay-only-hint"
          onChange={(e) => setRelayOnly(e.currentTarget.checked)}
        />
        <label for="pj-relay-only">Connect through the relay only</label>
        <p id="pj-relay-only-hint" class="hint">
          Hides your IP address from the others; media goes through the meeting’s relay server (still end-to-end encrypted).
        </p>
      </div>
    </>
  );
}
