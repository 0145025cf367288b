import type { Preferences } from '../../../common/ipc-contract.js';
import type { DesktopSettings } from '../../platform/platform.js';
import type { SettingsState } from './use-settings.js';

type Toggle = { key: keyof Preferences; label: string; hint?: string };

const TOGGLES: Toggle[] = [
  { key: 'launchAtLogin', label: 'Start meriMeet when I log in' },
  { key: 'closeToTray', label: 'Keep running in the tray when I close the window' },
  { key: 'notifications', label: 'Show notifications when the window is hidden', hint: 'Someone joined, someone wrote.' },
  {
    key: 'relayOnly',
    label: 'Connect through the relay only',
    hint: 'Hides this computer’s addresses from the others; pre-join starts with this ticked.',
  },
  { key: 'quickJoinDirect', label: 'Quick join goes straight into the call', hint: 'Off: quick join opens pre-join first.' },
];

/** Checkboxes for the on/off preferences; each change goes to main at once. */
export interface SectionProps {
  api: DesktopSettings;
  state: SettingsState;
}

export function GeneralSection({ api, state, onApplied }: SectionProps & { onApplied: (prefs: Preferences) => void }) {
  const prefs = state.config?.preferences;
  if (!prefs) return null;
  const set = (key: keyof Preferences, value: boolean) =>
    void state.change('general', async () => {
      const config = await api.updateSettings({ preferences: { [key]: value } });
      onApplied(config.preferences);
      return config;
    });
  return (
    <section class="card settings-section" aria-labelledby="settings-general">
      <h2 id="settings-general">General</h2>
      {TOGGLES.map((t) => (
        <div class="check" key={t.key}>
          <input
            id={`set-${t.key}`}
            type="checkbox"
            checked={prefs[t.key] === true}
            aria-describedby={t.hint ? `set-${t.key}-hint` : undefined}
            onChange={(e) => set(t.key, e.currentTarget.checked)}
          />
          <label for={`set-${t.key}`}>{t.label}</label>
          {t.hint ? (
            <p id={`set-${t.key}-hint`} class="hint">
              {t.hint}
            </p>
          ) : null}
        </div>
      ))}
      {state.errors.general ? (
        <p role="alert" class="alert">
          {state.errors.general}
        </p>
      ) : null}
    </section>
  );
}
