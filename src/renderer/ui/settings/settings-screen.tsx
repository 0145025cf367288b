/**
 * The desktop settings screen, in the main window. Every change goes to main
 * through the IPC contract (main validates it and keeps it in the settings
 * file, never a secret there) and is applied at once; what the page itself
 * uses (pre-join's defaults) follows through `onApplied`.
 */
import type { Devices, Preferences } from '../../../common/ipc-contract.js';
import type { DesktopSettings } from '../../platform/platform.js';
import { useFocusOnMount } from '../hooks.js';
import { DataSection } from './data-section.js';
import { DevicesSection } from './devices-section.js';
import { GeneralSection } from './general-section.js';
import { PinsSection } from './pins-section.js';
import { ServersSection } from './servers-section.js';
import { ShortcutSection } from './shortcut-section.js';
import { UpdatesSection } from './updates-section.js';
import { useSettings } from './use-settings.js';
import './settings.css';

export interface SettingsScreenProps {
  api: DesktopSettings;
  focusHeading: boolean;
  onBack: () => void;
  /** Pre-join's defaults changed (relay only, push to talk, devices). */
  onApplied: (change: { preferences?: Preferences; devices?: Devices }) => void;
  /** The default server changed, or everything was forgotten: the window starts again. */
  onRestart: (reason: 'server' | 'forgotten') => void;
}

export function SettingsScreen(props: SettingsScreenProps) {
  const heading = useFocusOnMount<HTMLHeadingElement>(props.focusHeading);
  const state = useSettings(props.api);
  const section = { api: props.api, state };
  return (
    <main class="screen screen-settings">
      <header class="settings-head">
        <h1 ref={heading} tabIndex={-1}>
          Settings
        </h1>
        <button type="button" onClick={props.onBack}>
          Back
        </button>
      </header>
      {state.config === null ? (
        <p role="status">Loading settings…</p>
      ) : (
        <div class="settings-columns">
          <DevicesSection {...section} onApplied={(devices) => props.onApplied({ devices })} />
          <GeneralSection {...section} onApplied={(preferences) => props.onApplied({ preferences })} />
          <ShortcutSection {...section} />
          <ServersSection {...section} onDefaultChanged={() => props.onRestart('server')} />
          <PinsSection {...section} />
          <UpdatesSection {...section} />
          <DataSection {...section} onForgotten={() => props.onRestart('forgotten')} />
        </div>
      )}
    </main>
  );
}
