import { describe, expect, it, vi } from 'vitest';
import type { RecentMeeting } from '../common/ipc-contract.js';
import { toElectronTemplate, trayIconFile, trayIconState, trayMenuModel, trayTooltip, type TrayMenuItem } from './tray-menu.js';

const idle = { inCall: false, muted: false, cameraOff: false, sharing: false, meetingId: null };
const recent = (n: number): RecentMeeting[] =>
  Array.from({ length: n }, (_, i) => ({
    meetingId: `abc-defg-hj${'kmnpqrstuvwx'[i]}`,
    title: i === 0 ? 'Design & review' : null,
    server: 'wss://meet.example.org:8443/ws',
    at: 100 - i,
  }));
const labels = (items: TrayMenuItem[]) => items.map((i) => (i.type === 'separator' ? '---' : i.label));

describe('tray menu', () => {
  it('idle with no recent meetings: show, join, new, a disabled placeholder, quit', () => {
    const model = trayMenuModel({ call: idle, recentMeetings: [] });
    expect(labels(model)).toEqual([
      'Show meriMeet',
      '---',
      'Join meeting…',
      'New meeting',
      'No recent meetings',
      '---',
      'Settings…',
      'Quit meriMeet',
    ]);
    expect(model[4]).toMatchObject({ enabled: false });
    expect(model.some((i) => i.command?.kind === 'toggle-mic' || i.command?.kind === 'leave')).toBe(false);
  });

  it('idle with recent meetings: one-click rejoin entries, newest first, at most five', () => {
    const model = trayMenuModel({ call: idle, recentMeetings: recent(7) });
    const submenu = model.find((i) => i.label === 'Recent meetings')?.submenu ?? [];
    expect(submenu).toHaveLength(5);
    expect(submenu[0]).toEqual({
      label: 'Design && review (abc-defg-hjk) — meet.example.org:8443',
      command: { kind: 'rejoin', server: 'wss://meet.example.org:8443/ws', meetingId: 'abc-defg-hjk' },
    });
    expect(submenu[1]?.label).toBe('abc-defg-hjm — meet.example.org:8443');
  });

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])('in a call (muted %s, camera off %s): mute, camera, leave reflect the state', (muted, cameraOff) => {
    const state = { call: { inCall: true, muted, cameraOff, sharing: false, meetingId: 'abc-defg-hjk' }, recentMeetings: recent(2) };
    const model = trayMenuModel(state);
    const words = [muted ? 'muted' : null, cameraOff ? 'camera off' : null].filter(Boolean).join(', ');
    expect(labels(model)).toEqual([
      `In meeting abc-defg-hjk${words ? ` — ${words}` : ''}`,
      'Mute microphone',
      'Turn camera off',
      'Stop sharing',
      'Leave meeting',
      '---',
      'Show meriMeet',
      'Quit meriMeet',
    ]);
    expect(model[1]).toMatchObject({ type: 'checkbox', checked: muted, command: { kind: 'toggle-mic' } });
    expect(model[2]).toMatchObject({ type: 'checkbox', checked: cameraOff, command: { kind: 'toggle-camera' } });
    expect(model.some((i) => i.command?.kind === 'new-meeting' || i.command?.kind === 'join-meeting')).toBe(false);
    expect(model[3]).toMatchObject({ enabled: false, command: { kind: 'stop-sharing' } });
    expect(trayTooltip(state)).toBe(`meriMeet — in a meeting${muted ? ', muted' : ''}${cameraOff ? ', camera off' : ''}`);
  });

  it('while sharing: says so, and "Stop sharing" is enabled', () => {
    const call = { inCall: true, muted: true, cameraOff: false, sharing: true, meetingId: 'abc-defg-hjk' };
    const model = trayMenuModel({ call, recentMeetings: [] });
    expect(model[0]?.label).toBe('In meeting abc-defg-hjk — muted, sharing');
    expect(model[3]).toMatchObject({ label: 'Stop sharing', enabled: true, command: { kind: 'stop-sharing' } });
    expect(trayTooltip({ call, recentMeetings: [] })).toBe('meriMeet — in a meeting, muted, sharing');
  });

  it('shows one icon per state, from the folder of the OS', () => {
    const call = { inCall: true, muted: false, cameraOff: false, sharing: false, meetingId: null };
    expect(trayIconState(idle)).toBe('idle');
    expect(trayIconState({ ...idle, muted: true })).toBe('idle'); // not in a call: nothing to be muted in
    expect(trayIconState(call)).toBe('call');
    expect(trayIconState({ ...call, muted: true })).toBe('call-muted');
    expect(trayIconState({ ...call, cameraOff: true })).toBe('call-camera-off');
    expect(trayIconState({ ...call, muted: true, cameraOff: true })).toBe('call-muted-camera-off');
    expect(trayIconState({ ...call, sharing: true, cameraOff: true })).toBe('sharing');
    expect(trayIconState({ ...call, sharing: true, muted: true })).toBe('sharing-muted');
    expect(trayIconFile('darwin', 'sharing')).toBe('mac/sharingTemplate.png');
    expect(trayIconFile('win32', 'call-muted')).toBe('win/call-muted.png');
    expect(trayIconFile('linux', 'idle')).toBe('linux/idle.png');
  });

  it('becomes an Electron template whose clicks run the commands', () => {
    const run = vi.fn();
    const template = toElectronTemplate(trayMenuModel({ call: idle, recentMeetings: recent(1) }), run);
    const recentItem = template.find((i) => i.label === 'Recent meetings');
    const sub = recentItem?.submenu as { click?: () => void }[];
    sub[0]?.click?.();
    template.find((i) => i.label === 'New meeting')?.click?.(undefined as never, undefined, undefined as never);
    expect(run.mock.calls).toEqual([
      [{ kind: 'rejoin', server: 'wss://meet.example.org:8443/ws', meetingId: 'abc-defg-hjk' }],
      [{ kind: 'new-meeting' }],
    ]);
    expect(template.find((i) => i.type === 'separator')?.click).toBeUndefined();
  });
});
