/**
 * The banners above the meeting's video (docs/ui-contract.md, "Meeting"):
 * each subscribes to the one slice it shows, so none of them renders on an
 * audio-level or stats tick.
 */
import { useEffect, useState } from 'preact/hooks';
import type { CallEngine } from '../../engine/call-state.js';
import { useCallSelector } from '../hooks.js';
import { CAMERA_LOST, OFFLINE, departureText, errorText } from '../messages.js';
import { countRender } from '../render-count.js';
import {
  selectIsHost,
  selectLastDeparture,
  selectLobby,
  selectMuteRequester,
  selectOfferedTransfers,
  selectOffline,
  selectShareStatus,
  selectWarning,
  shallowArrayEqual,
} from './call-selectors.js';
import { formatBytes } from './file-text.js';
import { SecurityNotices } from './security-notices.js';
import { CAMERA_FAILED } from './use-camera.js';

/** How long "Bob left the meeting." stays up. */
const DEPARTURE_NOTICE_MS = 8_000;

export interface BannersProps {
  engine: CallEngine;
  /** The camera stopped during the call. */
  cameraLost: boolean;
  /** A failed action of this person's (camera, share, file), or null. */
  actionError: string | null;
  onRetryCamera: () => void;
  onDismissAction: () => void;
  chatOpen: boolean;
  peopleOpen: boolean;
  onOpenChat: () => void;
}

export function MeetingBanners(props: BannersProps) {
  const { engine } = props;
  return (
    <>
      <ActionBanner {...props} />
      <SecurityNotices engine={engine} />
      <OfflineBanner engine={engine} />
      <WarningBanner engine={engine} />
      <DepartureNotice engine={engine} />
      <MuteRequest engine={engine} />
      {props.chatOpen ? null : <OfferedFiles engine={engine} onOpenChat={props.onOpenChat} />}
      <LobbyNotice engine={engine} peopleOpen={props.peopleOpen} />
      <ShareBanner engine={engine} />
    </>
  );
}

function ActionBanner({ cameraLost, actionError, onRetryCamera, onDismissAction }: BannersProps) {
  if (!cameraLost && !actionError) return null;
  return (
    <div class="banner">
      <p role="alert" class="alert">
        {cameraLost ? CAMERA_LOST : actionError}
      </p>
      {cameraLost || actionError === CAMERA_FAILED ? (
        <button type="button" class="small" onClick={onRetryCamera}>
          Try the camera again
        </button>
      ) : null}
      <button type="button" class="small" onClick={onDismissAction}>
        Dismiss
      </button>
    </div>
  );
}

function OfflineBanner({ engine }: { engine: CallEngine }) {
  countRender('OfflineBanner');
  if (!useCallSelector(engine, selectOffline)) return null;
  return (
    <div class="banner">
      <p role="alert" class="alert">
        {OFFLINE}
      </p>
      <button type="button" class="small" onClick={() => engine.retryNow()}>
        Try again
      </button>
    </div>
  );
}

function WarningBanner({ engine }: { engine: CallEngine }) {
  countRender('WarningBanner');
  const warning = useCallSelector(engine, selectWarning);
  if (warning === null) return null;
  return (
    <div class="banner">
      <p role="alert" class="alert">
        {errorText(warning)}
      </p>
      <button type="button" class="small" onClick={() => engine.dismissWarning()}>
        Dismiss
      </button>
    </div>
  );
}

/** The sentence for the latest departure, for a few seconds after it happened. */
function DepartureNotice({ engine }: { engine: CallEngine }) {
  countRender('DepartureNotice');
  const d = useCallSelector(engine, selectLastDeparture);
  const [shown, setShown] = useState<string | null>(null);
  useEffect(() => {
    if (d === null) return setShown(null);
    setShown(departureText(d));
    const timer = setTimeout(() => setShown(null), DEPARTURE_NOTICE_MS);
    return () => clearTimeout(timer);
  }, [d?.at, d?.peerId]);
  if (shown === null) return null;
  return (
    <p class="banner notice" role="status">
      {shown}
    </p>
  );
}

function MuteRequest({ engine }: { engine: CallEngine }) {
  countRender('MuteRequest');
  const requester = useCallSelector(engine, selectMuteRequester);
  if (requester === null) return null;
  return (
    <div class="banner prompt" aria-live="assertive">
      <p>{requester} asks you to mute your microphone.</p>
      <div class="actions">
        <button
          type="button"
          class="primary"
          onClick={() => {
            engine.setMuted(true);
            engine.dismissMuteRequest();
          }}
        >
          Mute
        </button>
        <button type="button" onClick={() => engine.dismissMuteRequest()}>
          Not now
        </button>
      </div>
    </div>
  );
}

/** While the chat is closed: files waiting for an answer. */
function OfferedFiles({ engine, onOpenChat }: { engine: CallEngine; onOpenChat: () => void }) {
  countRender('OfferedFiles');
  const offered = useCallSelector(engine, selectOfferedTransfers, shallowArrayEqual);
  if (offered.length === 0) return null;
  const first = offered[0]!;
  return (
    <div class="banner notice">
      <p role="status">
        {offered.length === 1
          ? `${first.peerName} wants to send you ${first.name} (${formatBytes(first.size)}).`
          : `${offered.length} files are waiting for you to accept or decline them.`}
      </p>
      <button type="button" class="small" onClick={onOpenChat}>
        Open chat
      </button>
    </div>
  );
}

/** For the host: who waits in the lobby. */
function LobbyNotice({ engine, peopleOpen }: { engine: CallEngine; peopleOpen: boolean }) {
  countRender('LobbyNotice');
  const isHost = useCallSelector(engine, selectIsHost);
  const lobby = useCallSelector(engine, selectLobby);
  if (!isHost || lobby.length === 0) return null;
  return (
    <p class="banner notice" aria-live="polite">
      {lobby.length === 1 ? `${lobby[0]!.displayName} is waiting to join.` : `${lobby.length} people are waiting to join.`}{' '}
      {peopleOpen ? '' : 'Open Participants to let them in.'}
    </p>
  );
}

/** Who shares, always in the page (a live region must exist before it speaks), and "Stop sharing" while you do. */
function ShareBanner({ engine }: { engine: CallEngine }) {
  countRender('ShareBanner');
  const shareStatus = useCallSelector(engine, selectShareStatus);
  const sharing = useCallSelector(engine, (s) => s.local.screen !== null);
  return (
    <div class={`banner share-banner${sharing || shareStatus ? '' : ' empty'}`}>
      <p role="status" aria-live="polite" class="share-status">
        {shareStatus}
      </p>
      {sharing ? (
        <button type="button" class="small danger" onClick={() => engine.stopScreenShare()}>
          Stop sharing
        </button>
      ) : null}
    </div>
  );
}
