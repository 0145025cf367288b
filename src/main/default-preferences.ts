/** The preferences' defaults, apart from settings.ts so that code without electron-store can use them. */
import { DEFAULT_MUTE_SHORTCUT } from '../common/accelerator.js';
import type { Preferences } from '../common/ipc-contract.js';

/**
 * Every preference's default. Preferences added after the first release are
 * optional in the file's schema (an older file stays valid) and read through
 * these defaults.
 */
export const DEFAULT_PREFERENCES: Preferences = {
  startMuted: false,
  closeToTray: true,
  launchAtLogin: false,
  notifications: true,
  relayOnly: false,
  quickJoinDirect: true,
  autoUpdate: true,
  muteShortcut: DEFAULT_MUTE_SHORTCUT,
  pushToTalk: false,
};
