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
          While muted in a meeting, hold Space to talk.
        </p>
      </div>
    </section>
  );
}
