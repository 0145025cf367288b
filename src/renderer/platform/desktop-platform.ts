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
import type { DesktopConfig } from '../../common/ipc-contract.js';
import { bridgeErrorCode, type DesktopBridge } from '../../common/desktop-bridge.js';
import { confirmCertificate, warnCertificateChanged } from './desktop-dialogs.js';
import { showSourcePicker } from './source-picker.js';
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
      bridge.chooseDisplaySource(request.requestId, sourceId, audio).catch(() => undefined),
    );
  });
  bridge.on('certificate:first-contact', (prompt) => {
    void confirmCertificate(prompt).then((trust) =>
      bridge.decideCertificate(prompt.host, prompt.fingerprint, trust).catch(() => undefined),
    );
  });
  bridge.on('certificate:changed', (event) => warnCertificateChanged(event));

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
    notify: (title, body, kind = 'message') => void bridge.notify(kind, title, body).catch(() => undefined),
    notice: () => (keychainAvailable ? null : NO_KEYCHAIN_NOTICE),
    onCommand: (listener: (command: PlatformCommand) => void) => {
      const offTray = bridge.on('tray:action', (action) => {
        switch (action.action) {
          case 'toggle-mic':
            return listener({ kind: 'mic' });
          case 'toggle-camera':
            return listener({ kind: 'camera' });
          case 'leave':
            return listener({ kind: 'leave' });
          case 'new-meeting':
            return listener({ kind: 'new-meeting' });
          case 'join-meeting':
            return listener({ kind: 'join-meeting' });
          case 'rejoin':
            return listener({ kind: 'open-meeting', meetingId: action.meetingId, password: action.password, server: action.server });
          case 'join':
            return listener({
              kind: 'open-meeting',
              meetingId: action.meetingId,
              password: action.password,
              server: action.server,
              direct: action.direct,
            });
          case 'stop-sharing':
            return listener({ kind: 'stop-sharing' });
          case 'open-settings':
            return listener({ kind: 'open-settings' });
        }
      });
      const offLink = bridge.on('deep-link', (link) =>
        listener({ kind: 'open-meeting', meetingId: link.meetingId, password: link.password, server: link.server }),
      );
      return () => {
        offTray();
        offLink();
      };
    },
    reportCallState: (state) => void bridge.reportCallState(state).catch(() => undefined),
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
      void bridge.addRecentMeeting(server, meetingId, title).catch(() => undefined);
      if (keychainAvailable) {
        void bridge.rememberMeetingPassword(server, meetingId, password).catch((err: unknown) => void noKeychain(err));
      }
    },
  };
}
