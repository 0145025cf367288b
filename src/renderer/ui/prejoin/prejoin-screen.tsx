/**
 * Pre-join: pick camera, microphone and speaker, see yourself, choose how to
 * arrive, give your name, and join once the meeting keys and the media are
 * ready. The preview, the toggles and the key status are components of their
 * own beside this file.
 */
import { MAX_DISPLAY_NAME } from '@merimeet/signaling/protocol';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { MeetingKeys } from '../../../common/crypto/meeting-keys.js';
import { supportsSinkId, useFocusOnMount, useSinkId, useSrcObject } from '../hooks.js';
import type { Preferences } from '../preferences.js';
import { DeviceSelect } from './device-select.js';
import { JoinToggles } from './join-toggles.js';
import { KeyStatus, useKeyState } from './key-status.js';
import { NameField } from './name-field.js';
import { useDevices, useLocalMedia } from './local-media.js';
import { PreviewPane } from './preview-pane.js';

export interface JoinChoice {
  stream: MediaStream | null;
  displayName: string;
  muted: boolean;
  videoOff: boolean;
  cameraId: string;
  micId: string;
  sinkId: string;
  relayOnly: boolean;
}

export interface PreJoinProps {
  meetingId: string;
  /** Started by the app shell the moment the id and password were known. */
  keys: Promise<MeetingKeys>;
  prefs: Preferences;
  defaultName: string;
  focusHeading: boolean;
  onPrefetchEngine: () => void;
  /** After a reload mid-call: join by itself, as before, as soon as keys and media are ready. */
  rejoin?: { displayName: string; muted: boolean; videoOff: boolean } | null;
  onBack: () => void;
  onJoin: (choice: JoinChoice) => void;
}

/** Printable, single-line, bounded: what the protocol accepts as a display name. */
export function cleanDisplayName(input: string): string {
  // eslint-disable-next-line no-control-regex
  return input.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g, '').trim().slice(0, MAX_DISPLAY_NAME);
}

/**
 * What the Speaker list says when it holds no device. Firefox can route sound (setSinkId) but
 * lists no outputs to a page until its own prompt (selectAudioOutput): say so, never an empty list.
 */
function speakerChoiceText(canPickSpeaker: boolean): string {
  if (!canPickSpeaker) return 'System default (this browser cannot choose)';
  return 'selectAudioOutput' in navigator.mediaDevices ? 'System default (this browser lists no speakers to choose from)' : 'System default';
}

export function PreJoinScreen(props: PreJoinProps) {
  const heading = useFocusOnMount<HTMLHeadingElement>(props.focusHeading);
  const [cameraId, setCameraId] = useState(props.prefs.cameraId);
  const [micId, setMicId] = useState(props.prefs.micId);
  const [sinkId, setSinkId] = useState(props.prefs.sinkId);
  const [name, setName] = useState(props.rejoin?.displayName ?? props.defaultName);
  const [muted, setMuted] = useState(props.rejoin?.muted ?? false);
  const [videoOff, setVideoOff] = useState(props.rejoin?.videoOff ?? false);
  const [relayOnly, setRelayOnly] = useState(props.prefs.relayOnly);
  const [nameError, setNameError] = useState<string | null>(null);
  const [cameraLost, setCameraLost] = useState(false);
  const nameInput = useRef<HTMLInputElement>(null);
  const preview = useRef<HTMLVideoElement>(null);

  const { media, handOver } = useLocalMedia(cameraId, micId);
  const stream = media?.stream ?? null;
  const devices = useDevices(stream);
  useSrcObject(preview, stream);
  useSinkId(preview, sinkId);

  const keyState = useKeyState(props.keys, props.onPrefetchEngine);

  // Preview reflects "camera off"; the call starts with the same state.
  const videoTrack = stream?.getVideoTracks()[0];
  useEffect(() => {
    if (videoTrack) videoTrack.enabled = !videoOff;
  }, [videoTrack, videoOff]);
  useEffect(() => {
    if (!videoTrack) return;
    setCameraLost(false);
    const onEnded = () => setCameraLost(true);
    videoTrack.addEventListener('ended', onEnded);
    return () => videoTrack.removeEventListener('ended', onEnded);
  }, [videoTrack]);

  // Joining before getUserMedia has answered would hand the call no stream at all (and the
  // late stream would be stopped on unmount): on a slow machine the keys can be ready first.
  const mediaReady = media !== null;
  const canJoin = keyState === 'ready' && mediaReady;

  const join = (event?: Event) => {
    event?.preventDefault();
    if (!canJoin) return;
    const displayName = cleanDisplayName(name);
    if (displayName === '') {
      setNameError('Enter your name so others know who you are.');
      nameInput.current?.focus();
      return;
    }
    setNameError(null);
    const handed = handOver();
    // No camera could be opened: the call starts with the camera honestly off (the toolbar
    // then offers to turn it on, which tries the camera again), never "on" with nothing sent.
    const noCamera = !(handed?.getVideoTracks().some((t) => t.readyState === 'live') ?? false);
    props.onJoin({ stream: handed, displayName, muted, videoOff: videoOff || noCamera, cameraId, micId, sinkId, relayOnly });
  };

  // Rejoining after a reload: no click needed, once (Back cancels it).
  const autoJoined = useRef(false);
  useEffect(() => {
    if (!props.rejoin || autoJoined.current || keyState !== 'ready' || media === null) return;
    autoJoined.current = true;
    join();
  }, [props.rejoin, keyState, media]);

  const cameras = devices.filter((d) => d.kind === 'videoinput');
  const mics = devices.filter((d) => d.kind === 'audioinput');
  const speakers = devices.filter((d) => d.kind === 'audiooutput');
  const canPickSpeaker = supportsSinkId();

  return (
    <main class="screen screen-prejoin">
      <form class="prejoin" aria-labelledby="prejoin-title" onSubmit={join} noValidate>
        <PreviewPane
          heading={heading}
          preview={preview}
          meetingId={props.meetingId}
          stream={stream}
          videoTrack={videoTrack}
          videoOff={videoOff}
          cameraLost={cameraLost}
          problem={media?.problem}
        />
        <div class="prejoin-settings">
          <DeviceSelect id="pj-camera" label="Camera" devices={cameras} value={cameraId} emptyText="No camera found" onChange={setCameraId} />
          <DeviceSelect id="pj-mic" label="Microphone" devices={mics} value={micId} emptyText="No microphone found" onChange={setMicId} />
          <DeviceSelect
            id="pj-speaker"
            label="Speaker"
            devices={canPickSpeaker ? speakers : []}
            value={sinkId}
            emptyText={speakerChoiceText(canPickSpeaker)}
            onChange={setSinkId}
          />
          <JoinToggles muted={muted} videoOff={videoOff} relayOnly={relayOnly} setMuted={setMuted} setVideoOff={setVideoOff} setRelayOnly={setRelayOnly} />
          <NameField input={nameInput} name={name} error={nameError} setName={setName} />
          <KeyStatus rejoining={Boolean(props.rejoin)} keyState={keyState} mediaReady={mediaReady} keys={props.keys} />
          <div class="actions">
            <button type="submit" class="primary" disabled={!canJoin}>
              Join meeting
            </button>
            <button type="button" onClick={props.onBack}>
              Back
            </button>
          </div>
        </div>
      </form>
    </main>
  );
}
