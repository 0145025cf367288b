import { useState } from 'preact/hooks';
import { acceleratorFromKeyEvent, DEFAULT_MUTE_SHORTCUT } from '../../../common/accelerator.js';
import type { SectionProps } from './general-section.js';

/** "CommandOrControl+Shift+M" as people read it on this computer. */
export function shortcutLabel(accelerator: string | null): string {
  if (accelerator === null) return 'None';
  const mac = typeof navigator !== 'undefined' && /Mac/.test(navigator.platform);
  return accelerator.replace('CommandOrControl', mac ? 'Cmd' : 'Ctrl').replace('Super', mac ? 'Cmd' : 'Super').replaceAll('+', ' + ');
}

/**
 * What push-to-talk does, said as it is: holding a key works only in the
 * meeting window, because Electron's global shortcuts report a key press and
 * never its release (electron/electron#7802); from other apps the mute
 * shortcut toggles instead.
 */
export function pushToTalkHint(muteShortcut: string | null): string {
  const inWindow = 'While muted in a meeting, hold Space in the meeting window to talk; let go to be muted again.';
  const elsewhere =
    muteShortcut === null
      ? 'From other apps there is no hold-to-talk (the system does not tell meriMeet when a key is let go outside its window): set a mute shortcut above to unmute and mute from anywhere.'
      : `From other apps there is no hold-to-talk (the system does not tell meriMeet when a key is let go outside its window): press ${shortcutLabel(muteShortcut)} once to talk and again to be muted.`;
  return `${inWindow} ${elsewhere}`;
}

/**
 * The global mute shortcut, recorded from a key press and checked by main
 * (system and window shortcuts and keys other apps hold are refused, with
 * the reason), and push-to-talk.
 */
export function ShortcutSection({ api, state }: SectionProps) {
  const [recording, setRecording] = useState(false);
  const prefs = state.config?.preferences;
  if (!prefs) return null;
  const bind = (muteShortcut: string | null) =>
    void state.change('shortcut', () => api.updateSettings({ preferences: { muteShortcut } }));
  const onKeyDown = (e: KeyboardEvent) => {
    if (!recording) return;
    e.preventDefault();
    if (e.key === 'Escape') return setRecording(false);
    const accelerator = acceleratorFromKeyEvent(e);
    if (accelerator === null) return; // only modifiers so far
    setRecording(false);
    bind(accelerator);
  };
  return (
    <section class="card settings-section" aria-labelledby="settings-shortcut">
      <h2 id="settings-shortcut">Keyboard</h2>
      <p id="set-shortcut-now">
        Mute or unmute from anywhere: <kbd>{shortcutLabel(prefs.muteShortcut)}</kbd>
      </p>
      <div class="actions">
        <button
          type="button"
          aria-describedby="set-shortcut-now"
          aria-pressed={recording}
          onClick={() => setRecording(!recording)}
          onKeyDown={onKeyDown}
          onBlur={() => setRecording(false)}
        >
          {recording ? 'Press the new shortcut… (Esc to cancel)' : 'Change mute shortcut'}
        </button>
        <button type="button" class="small" disabled={prefs.muteShortcut === DEFAULT_MUTE_SHORTCUT} onClick={() => bind(DEFAULT_MUTE_SHORTCUT)}>
          Reset to {shortcutLabel(DEFAULT_MUTE_SHORTCUT)}
        </button>
        <button type="button" class="small" disabled={prefs.muteShortcut === null} onClick={() => bind(null)}>
          No mute shortcut
        </button>
      </div>
      {state.errors.shortcut ? (
        <p role="alert" class="alert">
          That shortcut cannot be used: {state.errors.shortcut}
        </p>
      ) : null}
      <div class="check">
        <input
          id="set-pushToTalk"
          type="checkbox"
          checked={prefs.pushToTalk}
          aria-describedby="set-pushToTalk-hint"
          onChange={(e) => {
            const pushToTalk = e.currentTarget.checked;
            void state.change('shortcut', () => api.updateSettings({ preferences: { pushToTalk } }));
          }}
        />
        <label for="set-pushToTalk">Push to talk</label>
        <p id="set-pushToTalk-hint" class="hint">
          {pushToTalkHint(prefs.muteShortcut)}
        </p>
      </div>
    </section>
  );
}
