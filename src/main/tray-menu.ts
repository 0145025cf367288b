/**
 * The tray icon's menu as a plain model of the app's state, so every state is
 * unit-tested; index.ts turns it into an Electron Menu (toElectronTemplate).
 *
 * Idle: Show, Join meeting… (the quick-join window), New meeting, Recent
 * meetings (one click rejoins, the password coming from the keychain),
 * Settings, Quit. In a call: the meeting and its state, Mute microphone, Turn
 * camera off, Stop sharing, Leave meeting, Show, Quit. The icon shows the
 * state too (trayIconState; the images are made by scripts/make-tray-icons.mjs).
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { CallState, RecentMeeting } from '../common/ipc-contract.js';

export type TrayCommand =
  | { kind: 'show' }
  | { kind: 'join-meeting' }
  | { kind: 'new-meeting' }
  | { kind: 'rejoin'; server: string; meetingId: string }
  | { kind: 'toggle-mic' }
  | { kind: 'toggle-camera' }
  | { kind: 'stop-sharing' }
  | { kind: 'leave' }
  | { kind: 'open-settings' }
  | { kind: 'quit' };

export interface TrayMenuItem {
  label?: string;
  type?: 'normal' | 'separator' | 'checkbox' | 'submenu';
  checked?: boolean;
  enabled?: boolean;
  command?: TrayCommand;
  submenu?: TrayMenuItem[];
}

export interface TrayState {
  call: CallState;
  recentMeetings: readonly RecentMeeting[];
}

/** At most this many recent meetings in the tray. */
export const TRAY_RECENT_LIMIT = 5;

function recentLabel(r: RecentMeeting): string {
  const host = (() => {
    try {
      return new URL(r.server).host;
    } catch {
      return r.server;
    }
  })();
  // Titles come from other people's meetings: cut them, and keep "&" from becoming an accelerator on Windows.
  const title = r.title === null ? r.meetingId : `${r.title.slice(0, 40)} (${r.meetingId})`;
  return `${title} — ${host}`.replace(/&/g, '&&');
}

/** The call's state in words, for the menu's first line and the tooltip. */
function stateWords(call: CallState): string {
  const parts = [call.muted ? 'muted' : null, call.cameraOff ? 'camera off' : null, call.sharing ? 'sharing' : null];
  return parts.filter((p) => p !== null).join(', ');
}

export function trayMenuModel(state: TrayState): TrayMenuItem[] {
  const sep: TrayMenuItem = { type: 'separator' };
  if (state.call.inCall) {
    const words = stateWords(state.call);
    const where = state.call.meetingId === null ? 'In a meeting' : `In meeting ${state.call.meetingId}`;
    return [
      { label: words === '' ? where : `${where} — ${words}`, enabled: false },
      { label: 'Mute microphone', type: 'checkbox', checked: state.call.muted, command: { kind: 'toggle-mic' } },
      { label: 'Turn camera off', type: 'checkbox', checked: state.call.cameraOff, command: { kind: 'toggle-camera' } },
      { label: 'Stop sharing', enabled: state.call.sharing, command: { kind: 'stop-sharing' } },
      { label: 'Leave meeting', command: { kind: 'leave' } },
      sep,
      { label: 'Show meriMeet', command: { kind: 'show' } },
      { label: 'Quit meriMeet', command: { kind: 'quit' } },
    ];
  }
  const recent = state.recentMeetings.slice(0, TRAY_RECENT_LIMIT);
  return [
    { label: 'Show meriMeet', command: { kind: 'show' } },
    sep,
    { label: 'Join meeting…', command: { kind: 'join-meeting' } },
    { label: 'New meeting', command: { kind: 'new-meeting' } },
    recent.length === 0
      ? { label: 'No recent meetings', enabled: false }
      : {
          label: 'Recent meetings',
          type: 'submenu',
          submenu: recent.map((r) => ({
            label: recentLabel(r),
            command: { kind: 'rejoin', server: r.server, meetingId: r.meetingId },
          })),
        },
    sep,
    { label: 'Settings…', command: { kind: 'open-settings' } },
    { label: 'Quit meriMeet', command: { kind: 'quit' } },
  ];
}

export function trayTooltip(state: TrayState): string {
  if (!state.call.inCall) return 'meriMeet';
  const words = stateWords(state.call);
  return `meriMeet — in a meeting${words === '' ? '' : `, ${words}`}`;
}

/** Which icon the tray shows: one image per state (scripts/make-tray-icons.mjs draws them). */
export type TrayIconState = 'idle' | 'call' | 'call-muted' | 'call-camera-off' | 'call-muted-camera-off' | 'sharing' | 'sharing-muted';

export const TRAY_ICON_STATES: readonly TrayIconState[] = [
  'idle',
  'call',
  'call-muted',
  'call-camera-off',
  'call-muted-camera-off',
  'sharing',
  'sharing-muted',
];

export function trayIconState(call: CallState): TrayIconState {
  if (!call.inCall) return 'idle';
  if (call.sharing) return call.muted ? 'sharing-muted' : 'sharing';
  if (call.muted) return call.cameraOff ? 'call-muted-camera-off' : 'call-muted';
  return call.cameraOff ? 'call-camera-off' : 'call';
}

/**
 * The icon file for a state, relative to build/tray/, as each OS wants it:
 * macOS a black "Template" image (the menu bar tints it; 16 pt, @2x beside
 * it), Windows 16 px (@2x 32 px for 200 % scaling), Linux 24 px (@2x 48 px).
 * nativeImage.createFromPath picks the @2x file up by itself.
 */
export function trayIconFile(platform: string, state: TrayIconState): string {
  if (platform === 'darwin') return `mac/${state}Template.png`;
  if (platform === 'win32') return `win/${state}.png`;
  return `linux/${state}.png`;
}

/** The model as Electron's Menu.buildFromTemplate wants it; `run` gets each clicked command. */
export function toElectronTemplate(model: TrayMenuItem[], run: (command: TrayCommand) => void): MenuItemConstructorOptions[] {
  return model.map((item) => {
    const out: MenuItemConstructorOptions = {};
    if (item.label !== undefined) out.label = item.label;
    if (item.type !== undefined) out.type = item.type;
    if (item.checked !== undefined) out.checked = item.checked;
    if (item.enabled !== undefined) out.enabled = item.enabled;
    if (item.submenu !== undefined) out.submenu = toElectronTemplate(item.submenu, run);
    const command = item.command;
    if (command !== undefined) out.click = () => run(command);
    return out;
  });
}
