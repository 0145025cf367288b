import type { ComponentChildren } from 'preact';
import { RECORDING } from '../messages.js';
import { SHORTCUTS, type ShortcutAction } from '../shortcuts.js';

export interface ControlsProps {
  micOn: boolean;
  cameraOn: boolean;
  handRaised: boolean;
  chatOpen: boolean;
  participantsOpen: boolean;
  /** Whether this client shares its screen; undefined hides the button (a platform that cannot capture). */
  sharing?: boolean;
  /** Noise suppression on the microphone; undefined hides the button (no microphone). */
  noiseSuppression?: boolean;
  onNoiseSuppression?: () => void;
  /** Whether this client records; undefined hides the button (the host has not let this person record). */
  recording?: boolean;
  onRecord?: () => void;
  unread: number;
  waiting: number;
  onAction: (action: ShortcutAction) => void;
  onLeave: () => void;
}

function Toggle(props: {
  action: ShortcutAction;
  label: string;
  pressed: boolean;
  /** What pressing does, for the tooltip. */
  hint: string;
  /** Overrides the name when the visible text carries more (unread count). */
  name?: string;
  warn?: boolean;
  onAction: (action: ShortcutAction) => void;
  children?: ComponentChildren;
}) {
  const s = SHORTCUTS[props.action];
  return (
    <button
      type="button"
      class={`control${props.pressed ? ' on' : ''}${props.warn ? ' warn' : ''}`}
      aria-pressed={props.pressed}
      aria-keyshortcuts={s.aria}
      aria-label={props.name}
      title={`${props.hint} (${s.label})`}
      onClick={() => props.onAction(props.action)}
    >
      <span>{props.label}</span>
      {props.children}
    </button>
  );
}

/** The meeting's toolbar: every control with its shortcut in aria-keyshortcuts and in the tooltip. */
export function ControlsBar(p: ControlsProps) {
  return (
    <div role="toolbar" aria-label="Meeting controls" class="controls">
      <Toggle action="mic" label="Microphone" pressed={p.micOn} warn={!p.micOn} hint={p.micOn ? 'Mute microphone' : 'Unmute microphone'} onAction={p.onAction}>
        <span class="state" aria-hidden="true">
          {p.micOn ? 'on' : 'off'}
        </span>
      </Toggle>
      <Toggle action="camera" label="Camera" pressed={p.cameraOn} warn={!p.cameraOn} hint={p.cameraOn ? 'Turn camera off' : 'Turn camera on'} onAction={p.onAction}>
        <span class="state" aria-hidden="true">
          {p.cameraOn ? 'on' : 'off'}
        </span>
      </Toggle>
      {p.noiseSuppression !== undefined ? (
        <button
          type="button"
          class={`control${p.noiseSuppression ? ' on' : ''}`}
          aria-pressed={p.noiseSuppression}
          title={p.noiseSuppression ? 'Stop suppressing background noise' : 'Suppress background noise (on this device only)'}
          onClick={p.onNoiseSuppression}
        >
          <span>Noise suppression</span>
          <span class="state" aria-hidden="true">
            {p.noiseSuppression ? 'on' : 'off'}
          </span>
        </button>
      ) : null}
      <Toggle action="hand" label="Raise hand" pressed={p.handRaised} hint={p.handRaised ? 'Lower hand' : 'Raise hand'} onAction={p.onAction} />
      {p.sharing !== undefined ? (
        <Toggle action="screen" label="Share screen" pressed={p.sharing} hint={p.sharing ? 'Stop sharing your screen' : 'Share your screen, a window or a tab'} onAction={p.onAction}>
          <span class="state" aria-hidden="true">
            {p.sharing ? 'on' : 'off'}
          </span>
        </Toggle>
      ) : null}
      {p.recording !== undefined ? (
        <button type="button" class={`control${p.recording ? ' on warn' : ''}`} title={p.recording ? RECORDING.stopHint : RECORDING.recordHint} onClick={p.onRecord}>
          {p.recording ? RECORDING.stop : RECORDING.record}
        </button>
      ) : null}
      <Toggle
        action="chat"
        label="Chat"
        pressed={p.chatOpen}
        hint={p.chatOpen ? 'Close chat' : 'Open chat'}
        {...(p.unread > 0 ? { name: `Chat, ${p.unread} unread` } : {})}
        onAction={p.onAction}
      >
        {p.unread > 0 ? (
          <span class="badge" aria-hidden="true">
            {p.unread > 99 ? '99+' : p.unread}
          </span>
        ) : null}
      </Toggle>
      <Toggle
        action="participants"
        label="Participants"
        pressed={p.participantsOpen}
        hint={p.participantsOpen ? 'Close participants' : 'Show participants'}
        onAction={p.onAction}
      >
        {p.waiting > 0 ? (
          <span class="badge" aria-hidden="true">
            {p.waiting}
          </span>
        ) : null}
      </Toggle>
      <button type="button" class="control danger" onClick={p.onLeave} title="Leave meeting">
        Leave meeting
      </button>
    </div>
  );
}
