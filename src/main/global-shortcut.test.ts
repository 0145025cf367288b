import { describe, expect, it, vi } from 'vitest';
import { createMuteShortcut, shortcutConflict, type ShortcutRegistrar } from './global-shortcut.js';

/** Stands in for Electron's globalShortcut: `taken` are held by other applications. */
function fakeGlobalShortcut(taken: string[] = []) {
  const registered = new Map<string, () => void>();
  const registrar: ShortcutRegistrar = {
    register: vi.fn((accelerator: string, callback: () => void) => {
      if (taken.includes(accelerator) || registered.has(accelerator)) return false;
      registered.set(accelerator, callback);
      return true;
    }),
    unregister: vi.fn((accelerator: string) => void registered.delete(accelerator)),
  };
  return { registrar, registered };
}

describe('global mute shortcut', () => {
  it('registers, rebinds (the old one released) and unbinds', () => {
    const { registrar, registered } = fakeGlobalShortcut();
    const onTrigger = vi.fn();
    const shortcut = createMuteShortcut(registrar, onTrigger);
    expect(shortcut.set('CommandOrControl+Shift+M')).toEqual({ ok: true, accelerator: 'CommandOrControl+Shift+M' });
    registered.get('CommandOrControl+Shift+M')?.();
    expect(onTrigger).toHaveBeenCalledOnce();
    expect(shortcut.set('ctrl+alt+m')).toEqual({ ok: true, accelerator: 'CommandOrControl+Alt+M' });
    expect([...registered.keys()]).toEqual(['CommandOrControl+Alt+M']);
    expect(shortcut.set(null)).toEqual({ ok: true, accelerator: null });
    expect(registered.size).toBe(0);
    expect(shortcut.current()).toBeNull();
  });

  it('refuses system, window and malformed shortcuts without touching the current one', () => {
    const { registrar, registered } = fakeGlobalShortcut();
    const shortcut = createMuteShortcut(registrar, () => undefined);
    shortcut.set('CommandOrControl+Shift+M');
    expect(shortcut.set('Ctrl+C')).toEqual({ ok: false, reason: 'CommandOrControl+C copies' });
    expect(shortcut.set('Alt+F4')).toMatchObject({ ok: false, reason: 'Alt+F4 closes windows' });
    expect(shortcut.set('Ctrl+D')).toMatchObject({ ok: false, reason: expect.stringContaining('mutes in the meeting window') });
    expect(shortcut.set('M')).toMatchObject({ ok: false });
    expect(shortcut.current()).toBe('CommandOrControl+Shift+M');
    expect([...registered.keys()]).toEqual(['CommandOrControl+Shift+M']);
    expect(shortcutConflict('CommandOrControl+Alt+K')).toBeNull();
  });

  it('says so when another application holds the key, and keeps the old binding working', () => {
    const { registrar, registered } = fakeGlobalShortcut(['CommandOrControl+Alt+K']);
    const shortcut = createMuteShortcut(registrar, () => undefined);
    shortcut.set('CommandOrControl+Shift+M');
    expect(shortcut.set('CommandOrControl+Alt+K')).toEqual({ ok: false, reason: 'CommandOrControl+Alt+K is used by another application' });
    expect(shortcut.current()).toBe('CommandOrControl+Shift+M');
    expect([...registered.keys()]).toEqual(['CommandOrControl+Shift+M']);
  });
});
