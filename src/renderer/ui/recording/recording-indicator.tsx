/**
 * "Recording: Ada is recording this meeting." on every screen while anyone
 * records, this person included: from the end-to-end notices
 * (engine/recording/), never from the server's word.
 */
import type { CallState } from '../../engine/call-state.js';
import { recorderIds } from '../../engine/recording/recording-consent.js';
import { useCallSelector, type CallStore } from '../hooks.js';
import { recordingText } from '../messages.js';

export function selectRecordingText(st: CallState): string {
  const ids = recorderIds(st);
  const names = st.peers.filter((p) => ids.includes(p.peerId)).map((p) => p.displayName);
  return recordingText(names, st.local.peerId !== null && ids.includes(st.local.peerId));
}

export function RecordingIndicator({ engine }: { engine: CallStore }) {
  const text = useCallSelector(engine, selectRecordingText);
  if (text === '') return null;
  return (
    <p role="status" class="recording-indicator">
      <span class="recording-dot" aria-hidden="true" />
      {text}
    </p>
  );
}
