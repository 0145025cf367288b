/**
 * What the renderer needs from where it runs. Two implementations: the web
 * (any browser) and the desktop window (desktop-platform.ts, over the preload
 * bridge: OS keychain, window picker, tray, notifications).
 * The UI talks only to this interface; it never looks for Electron.
 */
import type { DesktopBridge, Unsubscribe } from '../../common/desktop-bridge.js';
import type { UpdateStatus } from '../../common/ipc-contract.js';

export type PlatformKind = 'web' | 'desktop';

/** The desktop settings screen's way to main (the preload bridge's methods it uses). */
export type DesktopSettings = Pick<
  DesktopBridge,
  | 'getConfig'
  | 'updateSettings'
  | 'addServer'
  | 'removeServer'
  | 'setDefaultServer'
  | 'listPins'
  | 'forgetPin'
  | 'storedData'
  | 'forgetEverything'
  | 'updateStatus'
  | 'checkForUpdates'
  | 'restartToUpdate'
> & { onUpdateStatus(listener: (status: UpdateStatus) => void): Unsubscribe };

/** Pre-join defaults kept outside the page (desktop: the settings file). */
export interface PlatformDefaults {
  cameraId?: string;
  micId?: string;
  sinkId?: string;
  relayOnly?: boolean;
  pushToTalk?: boolean;
}

/** Things that reach the page from outside it (desktop: tray, global shortcut, invite links). */
export type PlatformCommand =
  | { kind: 'mic' }
  | { kind: 'camera' }
  | { kind: 'leave' }
  | { kind: 'new-meeting' }
  | { kind: 'join-meeting' }
  | { kind: 'stop-sharing' }
  | { kind: 'open-settings' }
  /** `direct`: join at once, without stopping at pre-join (quick join, as the person set it). */
  | { kind: 'open-meeting'; meetingId: string; password: string | null; server: string | null; direct?: boolean };

/** The call as the desktop's tray shows it. */
export interface PlatformCallState {
  inCall: boolean;
  muted: boolean;
  cameraOff: boolean;
  sharing: boolean;
  meetingId: string | null;
}

export interface Platform {
  readonly kind: PlatformKind;
  /** The signaling server to talk to by default, e.g. `wss://meet.example.org/ws`. */
  serverUrl(): string;
  /** The session token kept for `server` (a serverUrl), or null. */
  getSessionToken(server: string): Promise<string | null>;
  setSessionToken(server: string, token: string): Promise<void>;
  clearSessionToken(server: string): Promise<void>;
  /** Screen or window capture (the desktop shows its own picker). */
  getDisplayMedia(options?: DisplayMediaStreamOptions): Promise<MediaStream>;
  /** Optional: tell the user something, shown only while the window is hidden or in the background (the platform checks). */
  notify?(title: string, body: string, kind?: 'joined' | 'message'): void;
  /** Optional: a standing notice about this platform (e.g. "no keychain: sessions are not kept"). */
  notice?(): string | null;
  /** Optional: commands from outside the page; returns an unsubscribe function. */
  onCommand?(listener: (command: PlatformCommand) => void): () => void;
  /** Optional: the call's state, for the tray. */
  reportCallState?(state: PlatformCallState): void;
  /** Optional: a meeting this person joined, for "recent meetings" (the password goes to the keychain only). */
  rememberMeeting?(meetingId: string, title: string | null, password: string): void;
  /** Optional (desktop): the settings screen. */
  settings?: DesktopSettings;
  /** Optional: pre-join defaults from outside the page, read at start. */
  defaults?(): PlatformDefaults;
}
