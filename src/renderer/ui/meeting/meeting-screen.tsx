import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { CallEngine, CallPhase, CallState, EndReason } from '../../engine/call-state.js';
import { displayMediaOptions } from '../../engine/screen-share.js';
import { useCallState, useFocusOnMount } from '../hooks.js';
import { CAMERA_LOST, OFFLINE, departureText, errorText, reconnectingTo } from '../messages.js';
import { presenters, sharingText } from '../share-text.js';
import { isTextField, matchShortcut, type ShortcutAction } from '../shortcuts.js';
import { ChatPanel } from './chat-panel.js';
import { ControlsBar } from './controls-bar.js';
import { formatBytes } from './file-text.js';
import { FileTransfersSection, type FileRecipient } from './file-transfers-section.js';
import { ParticipantsPanel } from './participants-panel.js';
import { SecurityNotices } from './security-notices.js';
import { useFileDrop } from './use-file-drop.js';
import { VideoGrid } from './video-grid.js';

export interface MeetingProps {
  call: { engine: CallEngine; stream: MediaStream | null } | null;
  /** A failure before the engine could report one (engine failed to load, join threw). */
  startError: string | null;
  meetingId: string;
  sinkId: string;
  cameraId: string;
  onEnded: (reason: EndReason | null) => void;
  onRetry: () => void;
  onHome: () => void;
  /** Screen capture through the platform (platform.ts); without it there is no "Share screen". */
  getDisplayMedia?: (options: DisplayMediaStreamOptions) => Promise<MediaStream>;
  /** Call controls from outside the page (desktop tray, global shortcut); returns an unsubscribe. */
  subscribeControls?: (listener: (control: 'mic' | 'camera' | 'leave') => void) => () => void;
}

const STATUS: Partial<Record<CallPhase, string>> = {
  idle: 'Connecting…',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  lobby: 'Waiting for the host to let you in…',
};

export function MeetingScreen(props: MeetingProps) {
  if (props.call === null || props.startError !== null) {
    return <JoinFailed message={props.startError ?? 'Could not join the meeting.'} onRetry={props.onRetry} onHome={props.onHome} />;
  }
  return <InMeeting {...props} engine={props.call.engine} />;
}

function JoinFailed({ message, onRetry, onHome }: { message: string; onRetry: () => void; onHome: () => void }) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  return (
    <main class="screen screen-left">
      <div class="card">
        <h1 ref={heading} tabIndex={-1}>
          Could not join
        </h1>
        <p role="alert" class="alert">
          {message}
        </p>
        <div class="actions">
          <button type="button" class="primary" onClick={onRetry}>
            Try again
          </button>
          <button type="button" onClick={onHome}>
            Home
          </button>
        </div>
      </div>
    </main>
  );
}

function useCameraLost(state: CallState, engine: CallEngine): [boolean, () => void] {
  const [lost, setLost] = useState(false);
  const track = state.local.stream?.getVideoTracks()[0];
  useEffect(() => {
    if (!track) return;
    const onEnded = () => {
      setLost(true);
      // The call goes on: others see the avatar instead of a frozen frame.
      engine.setVideoOff(true);
    };
    if (track.readyState === 'ended') onEnded();
    track.addEventListener('ended', onEnded);
    return () => track.removeEventListener('ended', onEnded);
  }, [track, engine]);
  return [lost, () => setLost(false)];
}

const SHARE_FAILED = 'Your screen could not be shared.';
const CAMERA_FAILED = 'Your camera could not be started.';

/** How long "Bob left the meeting." stays up. */
const DEPARTURE_NOTICE_MS = 8_000;

/** The sentence for the latest departure, for a few seconds after it happened. */
function useDeparture(state: CallState): string | null {
  const [shown, setShown] = useState<string | null>(null);
  const d = state.lastDeparture;
  useEffect(() => {
    if (d === null) return setShown(null);
    setShown(departureText(d));
    const timer = setTimeout(() => setShown(null), DEPARTURE_NOTICE_MS);
    return () => clearTimeout(timer);
  }, [d?.at, d?.peerId]);
  return shown;
}

function InMeeting(props: MeetingProps & { engine: CallEngine }) {
  const { engine, onEnded } = props;
  const state = useCallState(engine);
  const [chatOpen, setChatOpen] = useState(false);
  const [peopleOpen, setPeopleOpen] = useState(false);
  const [pinnedId, setPinnedId] = useState<string | null>(null);
  const [cameraLost, clearCameraLost] = useCameraLost(state, engine);
  const [actionError, setActionError] = useState<string | null>(null);
  const departure = useDeparture(state);
  const toolbar = useRef<HTMLDivElement>(null);
  const [fileRecipient, setFileRecipient] = useState<FileRecipient>('everyone');
  // A chosen person who left falls back to everyone (the select shows the same).
  const recipientPeer = state.peers.find((p) => p.peerId === fileRecipient) ?? null;
  const sendFiles = useCallback(
    (files: File[]) => {
      for (const file of files) engine.sendFile(file, recipientPeer ? [recipientPeer.peerId] : 'everyone');
    },
    [engine, recipientPeer],
  );
  const drop = useFileDrop((files) => {
    setChatOpen(true); // where the transfers show
    try {
      sendFiles(files);
    } catch {
      setActionError('There is nobody in the meeting to send a file to yet.');
    }
  });
  const offered = state.transfers.filter((t) => t.state === 'offered');

  const isHost = state.local.isHost || (state.hostId !== null && state.hostId === state.local.peerId);

  useEffect(() => {
    if (state.phase === 'ended') onEnded(state.endReason);
  }, [state.phase, state.endReason, onEnded]);

  // Reading the chat clears the unread count.
  useEffect(() => {
    if (chatOpen && state.unreadChat > 0) engine.markChatRead();
  }, [chatOpen, state.unreadChat, engine]);

  // A pinned person who left is unpinned.
  useEffect(() => {
    if (pinnedId !== null && !state.peers.some((p) => p.peerId === pinnedId)) setPinnedId(null);
  }, [pinnedId, state.peers]);

  const restoreFocus = (which: 'chat' | 'participants') => {
    requestAnimationFrame(() => {
      const name = which === 'chat' ? 'Chat' : 'Participants';
      const button = Array.from(toolbar.current?.querySelectorAll('button') ?? []).find((b) => b.textContent?.startsWith(name));
      button?.focus();
    });
  };

  const turnCameraOn = useCallback(async () => {
    const track = state.local.stream?.getVideoTracks()[0];
    if (track && track.readyState === 'live') return engine.setVideoOff(false);
    // No camera, or it stopped: open one now and hand it to the call.
    try {
      const fresh = await navigator.mediaDevices.getUserMedia({ video: props.cameraId ? { deviceId: { ideal: props.cameraId } } : true });
      const newTrack = fresh.getVideoTracks()[0];
      if (!newTrack) throw new Error('no video track');
      await engine.replaceTrack(newTrack);
      engine.setVideoOff(false);
      clearCameraLost();
      setActionError(null);
    } catch {
      setActionError(CAMERA_FAILED);
    }
  }, [engine, state.local.stream, props.cameraId, clearCameraLost]);

  const { getDisplayMedia } = props;
  const sharing = state.local.screen !== null;
  const toggleShare = useCallback(async () => {
    if (sharing) return engine.stopScreenShare();
    // Not before being let in: there is nobody to share with, and the engine would refuse.
    const phase = engine.getState().phase;
    if (!getDisplayMedia || (phase !== 'in-call' && phase !== 'reconnecting')) return;
    let stream: MediaStream;
    try {
      stream = await getDisplayMedia(displayMediaOptions());
    } catch (err) {
      // NotAllowedError: the person closed the picker (or the browser refused); nothing to explain.
      if ((err as { name?: string }).name !== 'NotAllowedError') setActionError(SHARE_FAILED);
      return;
    }
    try {
      await engine.shareScreen(stream);
      setActionError(null);
    } catch {
      setActionError(SHARE_FAILED);
    }
  }, [engine, sharing, getDisplayMedia]);

  const act = useCallback(
    (action: ShortcutAction) => {
      switch (action) {
        case 'mic':
          return engine.setMuted(!state.local.muted);
        case 'camera':
          return state.local.videoOff ? void turnCameraOn() : engine.setVideoOff(true);
        case 'hand':
          return engine.setHandRaised(!state.local.handRaised);
        case 'chat':
          return setChatOpen((open) => !open);
        case 'participants':
          return setPeopleOpen((open) => !open);
        case 'screen':
          return void toggleShare();
      }
    },
    [engine, state.local.muted, state.local.videoOff, state.local.handRaised, turnCameraOn, toggleShare],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const match = matchShortcut(event, isTextField(document.activeElement as HTMLElement | null));
      if (match === null) return;
      if (match === 'escape') {
        const target = event.target as Node | null;
        const inPanel = (name: string) => document.querySelector(`aside[aria-label="${name}"]`)?.contains(target) ?? false;
        if (chatOpen && (inPanel('Chat') || !peopleOpen)) {
          setChatOpen(false);
          restoreFocus('chat');
        } else if (peopleOpen) {
          setPeopleOpen(false);
          restoreFocus('participants');
        } else return;
        event.preventDefault();
        return;
      }
      event.preventDefault(); // Ctrl+D would bookmark, Ctrl+H open history, …
      act(match);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [act, chatOpen, peopleOpen]);

  const leave = useCallback(
    () =>
      void engine
        .leave()
        .catch(() => undefined)
        .then(() => {
          if (engine.getState().phase !== 'ended') onEnded('left');
        }),
    [engine, onEnded],
  );
  const { subscribeControls } = props;
  useEffect(
    () => subscribeControls?.((control) => (control === 'leave' ? leave() : act(control))),
    [subscribeControls, act, leave],
  );

  const heading = useFocusOnMount<HTMLHeadingElement>();
  const status = STATUS[state.phase] ?? reconnectingTo(state);
  const error = state.phase === 'failed' ? errorText(state.error) ?? 'Could not join the meeting.' : null;
  const requester = state.muteRequestedBy === null ? null : (state.peers.find((p) => p.peerId === state.muteRequestedBy)?.displayName ?? 'The host');
  const inCall = state.phase === 'in-call' || state.phase === 'reconnecting';
  const shareStatus = sharingText(sharing, presenters(state));
  if (error !== null) return <JoinFailed message={error} onRetry={props.onRetry} onHome={props.onHome} />;

  return (
    <main class="screen screen-meeting" {...drop.handlers}>
      {drop.dragging ? (
        <div class="drop-overlay" aria-hidden="true">
          <p>Drop to send to {recipientPeer?.displayName ?? 'everyone'}</p>
        </div>
      ) : null}
      <h1 ref={heading} tabIndex={-1} class="sr-only">
        Meeting {props.meetingId}
      </h1>
      <p role="status" aria-live="polite" class={`call-status${status ? '' : ' empty'}`}>
        {status}
      </p>
      {cameraLost || actionError ? (
        <div class="banner">
          <p role="alert" class="alert">
            {cameraLost ? CAMERA_LOST : actionError}
          </p>
          {cameraLost || actionError === CAMERA_FAILED ? (
            <button type="button" class="small" onClick={() => void turnCameraOn()}>
              Try the camera again
            </button>
          ) : null}
          <button
            type="button"
            class="small"
            onClick={() => {
              clearCameraLost();
              setActionError(null);
            }}
          >
            Dismiss
          </button>
        </div>
      ) : null}
      <SecurityNotices peers={state.peers} />
      {state.offline ? (
        <div class="banner">
          <p role="alert" class="alert">
            {OFFLINE}
          </p>
          <button type="button" class="small" onClick={() => engine.retryNow()}>
            Try again
          </button>
        </div>
      ) : null}
      {state.warning !== null ? (
        <div class="banner">
          <p role="alert" class="alert">
            {errorText(state.warning)}
          </p>
          <button type="button" class="small" onClick={() => engine.dismissWarning()}>
            Dismiss
          </button>
        </div>
      ) : null}
      {departure !== null ? (
        <p class="banner notice" role="status">
          {departure}
        </p>
      ) : null}
      {requester !== null ? (
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
      ) : null}
      {!chatOpen && offered.length > 0 ? (
        <div class="banner notice">
          <p role="status">
            {offered.length === 1
              ? `${offered[0]!.peerName} wants to send you ${offered[0]!.name} (${formatBytes(offered[0]!.size)}).`
              : `${offered.length} files are waiting for you to accept or decline them.`}
          </p>
          <button type="button" class="small" onClick={() => setChatOpen(true)}>
            Open chat
          </button>
        </div>
      ) : null}
      {isHost && state.lobby.length > 0 ? (
        <p class="banner notice" aria-live="polite">
          {state.lobby.length === 1 ? `${state.lobby[0]!.displayName} is waiting to join.` : `${state.lobby.length} people are waiting to join.`}{' '}
          {peopleOpen ? '' : 'Open Participants to let them in.'}
        </p>
      ) : null}
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
      <div class="meeting-body">
        <VideoGrid state={state} pinnedId={pinnedId} sinkId={props.sinkId} onPin={setPinnedId} />
        {chatOpen ? (
          <ChatPanel
            messages={state.chat}
            onSend={(text) => engine.sendChat(text)}
            onClose={() => {
              setChatOpen(false);
              restoreFocus('chat');
            }}
          >
            <FileTransfersSection
              transfers={state.transfers}
              peers={state.peers}
              recipient={recipientPeer?.peerId ?? 'everyone'}
              onRecipient={setFileRecipient}
              onSend={sendFiles}
              engine={engine}
            />
          </ChatPanel>
        ) : null}
        {peopleOpen ? (
          <ParticipantsPanel
            state={state}
            engine={engine}
            isHost={isHost && inCall}
            onClose={() => {
              setPeopleOpen(false);
              restoreFocus('participants');
            }}
          />
        ) : null}
      </div>
      <div ref={toolbar} class="controls-wrap">
        <ControlsBar
          micOn={!state.local.muted}
          cameraOn={!state.local.videoOff}
          handRaised={state.local.handRaised}
          chatOpen={chatOpen}
          participantsOpen={peopleOpen}
          {...(getDisplayMedia && (inCall || sharing) ? { sharing } : {})}
          unread={state.unreadChat}
          waiting={isHost ? state.lobby.length : 0}
          onAction={act}
          onLeave={leave}
        />
      </div>
    </main>
  );
}
