/**
 * The platform inside the desktop window, on top of the preload bridge
 * (window.merimeet, src/common/desktop-bridge.ts):
 *   - session tokens in the OS keychain (through main); when there is no
 *     keychain, nothing is kept and notice() says so;
 *   - the default server from the app's settings;
 *   - getDisplayMedia answered by main with the app's own picker (the
 *     picker:show event opens desktop-dialogs.ts);
 *   - tray, global shortcut and invite links arrive as commands;
 *   - notifications through main (shown only while the window is hidden).
 */
import type { DesktopConfig, TrayAction } from '../../common/ipc-contract.js';
import { bridgeErrorCode, type DesktopBridge } from '../../common/desktop-bridge.js';
import { confirmCertificate, warnCertificateChanged } from './desktop-dialogs.js';
import { showSourcePicker } from './source-picker.js';
import { CommandQueue } from './command-queue.js';
import type { Platform, PlatformCommand } from './platform.js';

/** Where a desktop app with no server configured looks: a server hosted on this computer. */
export const FALLBACK_SERVER = 'wss://localhost:8443/ws';

export const NO_KEYCHAIN_NOTICE =
  'No system keychain is available, so meriMeet keeps no session or meeting password: you will need to log in again next time.';

export function createDesktopPlatform(bridge: DesktopBridge, config: DesktopConfig): Platform {
  let keychainAvailable = config.keychain.available;
  const noKeychain = (err: unknown): boolean => {
    if (bridgeErrorCode(err) === 'keychain_unavailable') {
      keychainAvailable = false;
      return true;
    }
    return false;
  };

  // Main asks; the window answers. These live as long as the page.
  bridge.on('picker:show', (request) => {
    void showSourcePicker(request, (listener) => bridge.on('picker:refresh', listener)).then(({ sourceId, audio }) =>
      bridge.chooseDisplaySource(request.requestId, sourceId, audio).catch(logFailure('answering the screen picker')),
    );
  });
  bridge.on('certificate:first-contact', (prompt) => {
    void confirmCertificate(prompt).then((trust) =>
      bridge.decideCertificate(prompt.host, prompt.fingerprint, trust).catch(logFailure('answering the certificate question')),
    );
  });
  bridge.on('certificate:changed', (event) => warnCertificateChanged(event));
  // From the start of the page, not from when the shell first listens: a tray click or an
  // invite link as the window opens would otherwise be lost.
  const commands = new CommandQueue();
  bridge.on('tray:action', (action) => commands.push(commandFromTray(action)));
  bridge.on('deep-link', (link) =>
    commands.push({ kind: 'open-meeting', meetingId: link.meetingId, password: link.password, server: link.server }),
  );

  const server = config.defaultServer ?? FALLBACK_SERVER;

  return {
    kind: 'desktop',
    serverUrl: () => server,
    getSessionToken: async (s) => {
      try {
        return await bridge.getSessionToken(s);
      } catch (err) {
        if (noKeychain(err)) return null;
        throw err;
      }
    },
    setSessionToken: async (s, token) => {
      try {
        await bridge.setSessionToken(s, token);
      } catch (err) {
        if (!noKeychain(err)) throw err; // signed in for this run only; notice() says why
      }
    },
    clearSessionToken: async (s) => {
      try {
        await bridge.clearSessionToken(s);
      } catch (err) {
        if (!noKeychain(err)) throw err;
      }
    },
    getDisplayMedia: (options) => navigator.mediaDevices.getDisplayMedia(options),
    notify: (title, body, kind = 'message') => void bridge.notify(kind, title, body).catch(logFailure('showing a notification')),
    notice: () => (keychainAvailable ? null : NO_KEYCHAIN_NOTICE),
    onCommand: (listener) => commands.listen(listener),
    reportCallState: (state) => void bridge.reportCallState(state).catch(logFailure('telling the tray about the call')),
    settings: {
      getConfig: () => bridge.getConfig(),
      updateSettings: (patch) => bridge.updateSettings(patch),
      addServer: (url, name) => bridge.addServer(url, name),
      removeServer: (url) => bridge.removeServer(url),
      setDefaultServer: (url) => bridge.setDefaultServer(url),
      listPins: () => bridge.listPins(),
      forgetPin: (host) => bridge.forgetPin(host),
      storedData: () => bridge.storedData(),
      forgetEverything: () => bridge.forgetEverything(),
      updateStatus: () => bridge.updateStatus(),
      checkForUpdates: () => bridge.checkForUpdates(),
      restartToUpdate: () => bridge.restartToUpdate(),
      onUpdateStatus: (listener) => bridge.on('update:status', listener),
    },
    defaults: () => ({
      ...(config.devices.cameraId === null ? {} : { cameraId: config.devices.cameraId }),
      ...(config.devices.micId === null ? {} : { micId: config.devices.micId }),
      ...(config.devices.speakerId === null ? {} : { sinkId: config.devices.speakerId }),
      relayOnly: config.preferences.relayOnly,
      pushToTalk: config.preferences.pushToTalk,
    }),
    rememberMeeting: (meetingId, title, password) => {
      void bridge.addRecentMeeting(server, meetingId, title).catch(logFailure('adding a recent meeting'));
      if (keychainAvailable) {
        void bridge.rememberMeetingPassword(server, meetingId, password).catch((err: unknown) => void noKeychain(err));
      }
    },
  };
}

/** A failure of a message to main that nobody waits for: logged with what it was (main logs its side too). */
const logFailure =
  (what: string) =>
  (err: unknown): void =>
    console.warn(`meriMeet: ${what} failed`, err);

/** What a tray or quick-join action means for the page. */
export function commandFromTray(action: TrayAction): PlatformCommand {
  switch (action.action) {
    case 'toggle-mic':
      return { kind: 'mic' };
    case 'toggle-camera':
      return { kind: 'camera' };
    case 'new-meeting':
      return { kind: 'new-meeting', direct: action.direct };
    case 'leave':
    case 'join-meeting':
    case 'stop-sharing':
    case 'open-settings':
      return { kind: action.action };
    case 'rejoin':
      return { kind: 'open-meeting', meetingId: action.meetingId, password: action.password, server: action.server };
    case 'join':
      return { kind: 'open-meeting', meetingId: action.meetingId, password: action.password, server: action.server, direct: action.direct };
  }
}
