/** The settings route of the app shell: the screen, wired to the platform and to the page's own preferences. */
import type { Platform } from '../../platform/index.js';
import type { Preferences } from '../preferences.js';
import { savePreferences } from '../preferences.js';
import { SettingsScreen } from './settings-screen.js';

export interface SettingsRouteProps {
  platform: Platform;
  focusHeading: boolean;
  onBack: () => void;
  onPrefs: (patch: Partial<Preferences>) => void;
}

export function SettingsRoute({ platform, focusHeading, onBack, onPrefs }: SettingsRouteProps) {
  const api = platform.settings;
  if (!api) return null; // the web has no settings screen; the route is never offered there
  return (
    <SettingsScreen
      api={api}
      focusHeading={focusHeading}
      onBack={onBack}
      onApplied={({ preferences, devices }) => {
        if (preferences) onPrefs({ relayOnly: preferences.relayOnly });
        if (devices) onPrefs({ cameraId: devices.cameraId ?? '', micId: devices.micId ?? '', sinkId: devices.speakerId ?? '' });
      }}
      onRestart={(reason) => {
        // The window starts again on the new default server, or with nothing remembered.
        if (reason === 'forgotten') savePreferences({ displayName: '', cameraId: '', micId: '', sinkId: '', relayOnly: false });
        location.reload();
      }}
    />
  );
}
