import type { CallEngine } from '../../engine/call-state.js';
import { everyoneMayRecord, recorderIds } from '../../engine/recording/recording-consent.js';
import { useCallSelector } from '../hooks.js';
import { handText, RECORDING } from '../messages.js';
import { countRender } from '../render-count.js';
import { selectInCall, selectIsHost, selectLobby, selectLocked, selectRoster, shallowArrayEqual, type RosterRow } from './call-selectors.js';

/**
 * How this person's connection is secured, and the safety code to compare
 * with them aloud (safety-code.ts): the same digits on both screens mean no
 * one sits between you, not even someone who knows the meeting password.
 */
function Verification({ p }: { p: RosterRow }) {
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

function Row({ p, you, hostView, recording, engine }: { p: RosterRow; you: boolean; hostView: boolean; recording: boolean; engine: CallEngine }) {
  return (
    <li aria-label={p.displayName} class="person">
      <span class="person-name">
        {p.displayName}
        {you ? ' (you)' : ''}
      </span>
      <span class="tile-tags">
        {p.isHost ? <span class="tag">host</span> : null}
        {p.muted ? <span class="tag tag-muted">muted</span> : null}
        {p.handRaised ? <span class="tag tag-hand">{handText(p.handPlace)}</span> : null}
        {recording ? <span class="tag tag-recording">{RECORDING.tag}</span> : null}
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

/**
 * Who is here (and, for the host, who is waiting), with the host's controls
 * once in the call. Subscribed to the roster's rows (no levels, no stats),
 * the lobby and the lock.
 */
export function ParticipantsPanel({ engine, onClose }: { engine: CallEngine; onClose: () => void }) {
  countRender('ParticipantsPanel');
  const rows = useCallSelector(engine, selectRoster, shallowArrayEqual);
  const isHost = useCallSelector(engine, (s) => selectIsHost(s) && selectInCall(s));
  const lobby = useCallSelector(engine, selectLobby);
  const locked = useCallSelector(engine, selectLocked);
  const recorders = useCallSelector(engine, recorderIds, shallowArrayEqual);
  const allowAll = useCallSelector(engine, everyoneMayRecord);
  const everyone = rows.length;
  return (
    <aside class="panel" aria-label="Participants">
      <div class="panel-head">
        <h2>Participants ({everyone})</h2>
        <button type="button" class="small" onClick={onClose}>
          Close participants
        </button>
      </div>
      <div class="panel-body" tabIndex={0}>
        {isHost && lobby.length > 0 ? (
          <>
            <h3 id="lobby-title">Waiting to join ({lobby.length})</h3>
            <ul class="people" aria-labelledby="lobby-title">
              {lobby.map((w) => (
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
          {rows.map((p) => (
            <Row key={p.you ? '\u0000you' : p.peerId} p={p} you={p.you} hostView={isHost} recording={recorders.includes(p.peerId)} engine={engine} />
          ))}
        </ul>
      </div>
      {isHost ? (
        <div class="host-actions">
          <button type="button" aria-pressed={locked} onClick={() => engine.setLocked(!locked)}>
            Lock meeting
          </button>
          <button
            type="button"
            aria-pressed={allowAll}
            title={RECORDING.letEveryoneHint}
            onClick={() => void engine.setEveryoneMayRecord(!allowAll).catch((err: unknown) => console.warn('meriMeet: could not change who may record', err))}
          >
            {RECORDING.letEveryone}
          </button>
          <button type="button" class="danger" onClick={() => engine.endForAll()}>
            End meeting for all
          </button>
        </div>
      ) : null}
    </aside>
  );
}
