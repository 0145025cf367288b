import type { CallEngine, CallState, Participant } from '../../engine/call-state.js';

/**
 * How this person's connection is secured, and the safety code to compare
 * with them aloud (safety-code.ts): the same digits on both screens mean no
 * one sits between you, not even someone who knows the meeting password.
 */
function Verification({ p }: { p: Participant }) {
  if (p.verification === 'failed') {
    return <p class="person-security unverified">Not verified: connection details in {p.displayName}'s name were refused.</p>;
  }
  if (p.safetyCode === null) return <p class="person-security">Safety code: available once connected.</p>;
  return (
    <p class="person-security">
      Safety code with {p.displayName}: <span class="mono safety-code">{p.safetyCode}</span>
      <span class="hint"> — read it aloud together; if {p.displayName} sees different digits, someone is in between.</span>
    </p>
  );
}

function Row({ p, you, hostView, engine }: { p: Participant; you: boolean; hostView: boolean; engine: CallEngine }) {
  return (
    <li aria-label={p.displayName} class="person">
      <span class="person-name">
        {p.displayName}
        {you ? ' (you)' : ''}
      </span>
      <span class="tile-tags">
        {p.isHost ? <span class="tag">host</span> : null}
        {p.muted ? <span class="tag tag-muted">muted</span> : null}
        {p.handRaised ? <span class="tag tag-hand">hand raised</span> : null}
      </span>
      {you ? null : <Verification p={p} />}
      {hostView && !you ? (
        <span class="person-actions">
          {p.muted ? null : (
            <button type="button" class="small" onClick={() => engine.askToMute(p.peerId)}>
              Ask {p.displayName} to mute
            </button>
          )}
          <button type="button" class="small danger" onClick={() => engine.remove(p.peerId)}>
            Remove {p.displayName}
          </button>
        </span>
      ) : null}
    </li>
  );
}

/** Who is here (and, for the host, who is waiting), with the host's controls. */
export function ParticipantsPanel({ state, engine, isHost, onClose }: { state: CallState; engine: CallEngine; isHost: boolean; onClose: () => void }) {
  const everyone = 1 + state.peers.length;
  const local = { ...state.local, peerId: state.local.peerId ?? '' };
  return (
    <aside class="panel" aria-label="Participants">
      <div class="panel-head">
        <h2>Participants ({everyone})</h2>
        <button type="button" class="small" onClick={onClose}>
          Close participants
        </button>
      </div>
      <div class="panel-body" tabIndex={0}>
        {isHost && state.lobby.length > 0 ? (
          <>
            <h3 id="lobby-title">Waiting to join ({state.lobby.length})</h3>
            <ul class="people" aria-labelledby="lobby-title">
              {state.lobby.map((w) => (
                <li key={w.peerId} class="person">
                  <span class="person-name">{w.displayName}</span>
                  <span class="person-actions">
                    <button type="button" class="small primary" onClick={() => engine.admit(w.peerId)}>
                      Admit {w.displayName}
                    </button>
                    <button type="button" class="small" onClick={() => engine.deny(w.peerId)}>
                      Deny {w.displayName}
                    </button>
                  </span>
                </li>
              ))}
            </ul>
          </>
        ) : null}
        <h3 id="in-call-title" class="sr-only">
          In the meeting
        </h3>
        <ul class="people" aria-labelledby="in-call-title">
          <Row p={local} you hostView={isHost} engine={engine} />
          {state.peers.map((p) => (
            <Row key={p.peerId} p={p} you={false} hostView={isHost} engine={engine} />
          ))}
        </ul>
      </div>
      {isHost ? (
        <div class="host-actions">
          <button type="button" aria-pressed={state.locked} onClick={() => engine.setLocked(!state.locked)}>
            Lock meeting
          </button>
          <button type="button" class="danger" onClick={() => engine.endForAll()}>
            End meeting for all
          </button>
        </div>
      ) : null}
    </aside>
  );
}
