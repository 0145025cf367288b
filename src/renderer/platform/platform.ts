/**
 * What the renderer needs from where it runs. Two implementations: the web
 * (any browser, and for now the desktop window too) and, in a later change,
 * the desktop preload bridge (OS keychain, window picker, notifications).
 * The UI talks only to this interface; it never looks for Electron.
 */
export type PlatformKind = 'web' | 'desktop';

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
  /** Optional: tell the user something while the window is in the background. */
  notify?(title: string, body: string): void;
}
