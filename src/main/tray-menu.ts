/**
 * The tray icon's menu as a plain model of the app's state, so every state is
 * unit-tested; index.ts turns it into an Electron Menu (toElectronTemplate).
 *
 * Idle: Show, Join meeting…, New meeting, Recent meetings (one click rejoins,
 * the password coming from the keychain), Quit. In a call: the meeting, Mute
 * microphone, Turn camera off, Leave meeting, Show, Quit.
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
  | { kind: 'leave' }
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

export function trayMenuModel(state: TrayState): TrayMenuItem[] {
  const sep: TrayMenuItem = { type: 'separator' };
  if (state.call.inCall) {
    return [
      { label: state.call.meetingId === null ? 'In a meeting' : `In meeting ${state.call.meetingId}`, enabled: false },
      { label: 'Mute microphone', type: 'checkbox', checked: state.call.muted, command: { kind: 'toggle-mic' } },
      { label: 'Turn camera off', type: 'checkbox', checked: state.call.cameraOff, command: { kind: 'toggle-camera' } },
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
    { label: 'Quit meriMeet', command: { kind: 'quit' } },
  ];
}

export function trayTooltip(state: TrayState): string {
  if (!state.call.inCall) return 'meriMeet';
  return `meriMeet — in a meeting${state.call.muted ? ', muted' : ''}${state.call.cameraOff ? ', camera off' : ''}`;
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
