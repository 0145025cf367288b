import { fileRefusedText } from '../messages.js';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { MicrophoneProcessing } from '../../engine/audio/microphone-processing.js';
import type { CallEngine, EndReason } from '../../engine/call-state.js';
import { useCallSelector, useFocusOnMount } from '../hooks.js';
import { countPublications, countRender } from '../render-count.js';
import {
  selectEnd,
  selectInCall,
  selectJoinError,
  selectLobby,
  selectLocalControls,
  selectStatus,
  selectUnread,
  shallowEqual,
  type Recipient,
} from './call-selectors.js';
import { ControlsBar } from './controls-bar.js';
import { type FileRecipient } from './file-transfers-section.js';
import { MeetingBanners } from './meeting-banners.js';
import { MeetingChat } from './meeting-chat.js';
import { ParticipantsPanel } from './participants-panel.js';
import { CAMERA_FAILED, useCamera } from './use-camera.js';
import { useFileDrop } from './use-file-drop.js';
import { useMeetingControls } from './use-meeting-controls.js';
import { useNoiseSuppression, type NoiseSuppression } from './use-noise-suppression.js';
import { RecordingIndicator } from '../recording/recording-indicator.js';
import { useRecording, type Recording } from '../recording/use-recording.js';
import { VideoGrid } from './video-grid.js';

export interface MeetingProps {
  call: { engine: CallEngine; stream: MediaStream | null; microphone: MicrophoneProcessing | null } | null;
  /** Keeps the in-call noise suppression choice in the preferences. */
  onNoiseSuppression: (on: boolean) => void;
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

/** The polite status line, on its own subscription ("Reconnecting to NAME…" follows every peer's connection). */
function CallStatus({ engine }: { engine: CallEngine }) {
  countRender('CallStatus');
  const status = useCallSelector(engine, selectStatus);
  return (
    <p role="status" aria-live="polite" class={`call-status${status ? '' : ' empty'}`}>
      {status}
    </p>
  );
}

/** The toolbar, subscribed to what it shows: this client's toggles, the unread count and (for the host) the lobby. */
function Toolbar(props: {
  engine: CallEngine;
  canShare: boolean;
  chatOpen: boolean;
  peopleOpen: boolean;
  controls: ReturnType<typeof useMeetingControls>;
  suppression: NoiseSuppression;
  recording: Recording;
}) {
  countRender('Toolbar');
  const { engine, canShare } = props;
  const local = useCallSelector(engine, selectLocalControls, shallowEqual);
  const inCall = useCallSelector(engine, selectInCall);
  const unread = useCallSelector(engine, selectUnread);
  const waiting = useCallSelector(engine, (s) => selectLobby(s).length);
  return (
    <ControlsBar
      micOn={!local.muted}
      cameraOn={!local.videoOff}
      handRaised={local.handRaised}
      chatOpen={props.chatOpen}
      participantsOpen={props.peopleOpen}
      {...(canShare && (inCall || local.sharing) ? { sharing: local.sharing } : {})}
      {...(props.suppression.on !== undefined ? { noiseSuppression: props.suppression.on, onNoiseSuppression: props.suppression.toggle } : {})}
      {...(props.recording.active !== undefined ? { recording: props.recording.active, onRecord: props.recording.toggle } : {})}
      unread={unread}
      waiting={waiting}
      onAction={props.controls.act}
      onLeave={props.controls.leave}
    />
  );
}

/** Files go to the chosen person while they are here; one who left falls back to everyone (the select shows the same). */
function useFileRecipient(engine: CallEngine) {
  const [chosen, setChosen] = useState<FileRecipient>('everyone');
  const recipient = useCallSelector(
    engine,
    (s): Recipient | null => {
      const p = s.peers.find((x) => x.peerId === chosen);
      return p ? { peerId: p.peerId, displayName: p.displayName } : null;
    },
    shallowEqual,
  );
  const send = useCallback(
    (files: File[]) => {
      for (const file of files) engine.sendFile(file, recipient ? [recipient.peerId] : 'everyone');
    },
    [engine, recipient],
  );
  return { recipient, setChosen, send };
}

function InMeeting(props: MeetingProps & { engine: CallEngine }) {
  countRender('InMeeting');
  const { engine, onEnded } = props;
  const [chatOpen, setChatOpen] = useState(false);
  const [peopleOpen, setPeopleOpen] = useState(false);
  const [pinnedId, setPinnedId] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const camera = useCamera(engine, props.cameraId);
  const suppression = useNoiseSuppression(props.call?.microphone ?? null, props.onNoiseSuppression, setActionError);
  const recording = useRecording(engine, setActionError);
  const toolbar = useRef<HTMLDivElement>(null);
  const files = useFileRecipient(engine);
  const drop = useFileDrop((dropped) => {
    setChatOpen(true); // where the transfers show
    try {
      files.send(dropped);
    } catch (err) {
      setActionError(fileRefusedText(err));
    }
  });
  const end = useCallSelector(engine, selectEnd, shallowEqual);
  const joinError = useCallSelector(engine, selectJoinError);
  const unread = useCallSelector(engine, selectUnread);

  useEffect(() => countPublications(engine), [engine]);

  useEffect(() => {
    if (end.phase === 'ended') onEnded(end.endReason);
  }, [end.phase, end.endReason, onEnded]);

  // Reading the chat clears the unread count.
  useEffect(() => {
    if (chatOpen && unread > 0) engine.markChatRead();
  }, [chatOpen, unread, engine]);

  const { turnOn, clearLost } = camera;
  const turnCameraOn = useCallback(
    () =>
      void turnOn().then((ok) => {
        // A camera that works answers the camera's own alert, not another one (a failed share).
        setActionError((shown) => (ok ? (shown === CAMERA_FAILED ? null : shown) : CAMERA_FAILED));
        if (ok) clearLost();
      }),
    [turnOn, clearLost],
  );
  const controls = useMeetingControls({
    engine,
    getDisplayMedia: props.getDisplayMedia,
    subscribeControls: props.subscribeControls,
    onEnded,
    turnCameraOn,
    setActionError,
    panels: { chatOpen, peopleOpen, setChatOpen, setPeopleOpen },
    toolbar,
  });

  const heading = useFocusOnMount<HTMLHeadingElement>();
  if (joinError !== null) return <JoinFailed message={joinError} onRetry={props.onRetry} onHome={props.onHome} />;

  return (
    <main class="screen screen-meeting" {...drop.handlers}>
      {drop.dragging ? (
        <div class="drop-overlay" aria-hidden="true">
          <p>Drop to send to {files.recipient?.displayName ?? 'everyone'}</p>
        </div>
      ) : null}
      <h1 ref={heading} tabIndex={-1} class="sr-only">
        Meeting {props.meetingId}
      </h1>
      <CallStatus engine={engine} />
      <RecordingIndicator engine={engine} />
      <MeetingBanners
        engine={engine}
        cameraLost={camera.lost}
        actionError={actionError}
        onRetryCamera={turnCameraOn}
        onDismissAction={() => {
          clearLost();
          setActionError(null);
        }}
        chatOpen={chatOpen}
        peopleOpen={peopleOpen}
        onOpenChat={() => setChatOpen(true)}
      />
      <div class="meeting-body">
        <VideoGrid engine={engine} pinnedId={pinnedId} sinkId={props.sinkId} onPin={setPinnedId} />
        {chatOpen ? (
          <MeetingChat
            engine={engine}
            recipient={files.recipient?.peerId ?? 'everyone'}
            onRecipient={files.setChosen}
            onSend={files.send}
            onClose={() => {
              setChatOpen(false);
              controls.restoreFocus('chat');
            }}
          />
        ) : null}
        {peopleOpen ? (
          <ParticipantsPanel
            engine={engine}
            onClose={() => {
              setPeopleOpen(false);
              controls.restoreFocus('participants');
            }}
          />
        ) : null}
      </div>
      <div ref={toolbar} class="controls-wrap">
        <Toolbar engine={engine} canShare={props.getDisplayMedia !== undefined} chatOpen={chatOpen} peopleOpen={peopleOpen} controls={controls} suppression={suppression} recording={recording} />
      </div>
    </main>
  );
}
