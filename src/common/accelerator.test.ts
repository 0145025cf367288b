import { describe, expect, it } from 'vitest';
import { acceleratorFromKeyEvent, isAccelerator, normaliseAccelerator } from './accelerator.js';

describe('accelerators', () => {
  it('writes every spelling Electron accepts in one canonical form', () => {
    expect(normaliseAccelerator('ctrl+shift+m')).toEqual({ ok: true, accelerator: 'CommandOrControl+Shift+M' });
    expect(normaliseAccelerator('Shift+Cmd+F5')).toEqual({ ok: true, accelerator: 'CommandOrControl+Shift+F5' });
    expect(normaliseAccelerator('Alt+Super+Space')).toEqual({ ok: true, accelerator: 'Alt+Super+Space' });
    expect(normaliseAccelerator('Ctrl+Enter')).toEqual({ ok: true, accelerator: 'CommandOrControl+Return' });
    expect(isAccelerator('CommandOrControl+Shift+M')).toBe(true);
    expect(isAccelerator('ctrl+shift+m')).toBe(false); // not canonical
  });

  it.each([
    ['', 'a shortcut is 1 to 60 characters'],
    ['M', 'needs Ctrl, Alt or Super'],
    ['Shift+M', 'needs Ctrl, Alt or Super'],
    ['Ctrl+Shift', 'needs a key'],
    ['Ctrl+M+N', 'exactly one key'],
    ['Ctrl++', 'Plus'],
    ['Ctrl+Ctrl+M', 'appears twice'],
    ['Ctrl+Ö', 'not a key'],
    ['Ctrl+<script>', 'not a key'],
  ])('refuses %j (%s)', (input, reason) => {
    const check = normaliseAccelerator(input);
    expect(check.ok).toBe(false);
    expect(check.ok ? '' : check.reason).toContain(reason);
  });

  it('turns a recorded key press into an accelerator, and waits while only modifiers are held', () => {
    const press = { ctrlKey: true, metaKey: false, altKey: false, shiftKey: true };
    expect(acceleratorFromKeyEvent({ ...press, key: 'K', code: 'KeyK' })).toBe('CommandOrControl+Shift+K');
    expect(acceleratorFromKeyEvent({ ...press, key: 'Shift', code: 'ShiftLeft' })).toBeNull();
    expect(acceleratorFromKeyEvent({ ...press, shiftKey: false, altKey: true, key: 'ArrowUp', code: 'ArrowUp' })).toBe('CommandOrControl+Alt+Up');
    expect(acceleratorFromKeyEvent({ ...press, shiftKey: false, key: ' ', code: 'Space' })).toBe('CommandOrControl+Space');
  });
});
