import { ERROR_TEXT } from '../messages.js';

/** Pre-join's choices for how to arrive: muted, camera off, through the relay only, with noise suppression. */
interface JoinTogglesProps {
  muted: boolean;
  videoOff: boolean;
  relayOnly: boolean;
  /** Noise suppression: on or off, whether it failed to start (the raw microphone is then sent), and the switch. */
  suppression: { on: boolean; failed: boolean; toggle: (on: boolean) => void };
  setMuted: (on: boolean) => void;
  setVideoOff: (on: boolean) => void;
  setRelayOnly: (on: boolean) => void;
}

export function JoinToggles(p: JoinTogglesProps) {
  const { muted, videoOff, relayOnly, setMuted, setVideoOff, setRelayOnly } = p;
  return (
    <>
      <div class="check">
        <input
          id="pj-noise"
          type="checkbox"
          checked={p.suppression.on}
          aria-describedby="pj-noise-hint"
          onChange={(e) => p.suppression.toggle(e.currentTarget.checked)}
        />
        <label for="pj-noise">Suppress background noise</label>
        <p id="pj-noise-hint" class="hint">
          Runs on this device only; your sound is not sent anywhere to be cleaned.
        </p>
        {p.suppression.failed ? (
          <p role="alert" class="alert">
            {ERROR_TEXT['noise_suppression_failed']}
          </p>
        ) : null}
      </div>
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
