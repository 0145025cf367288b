import { describe, expect, it } from 'vitest';
import { SHORTCUTS, isTextField, matchShortcut, type KeyLike } from './shortcuts.js';

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  ctrlKey: false,
  shiftKey: false,
  altKey: false,
  metaKey: false,
  ...mods,
});

describe('matchShortcut', () => {
  it('maps the contract shortcuts', () => {
    expect(matchShortcut(key('d', { ctrlKey: true }), false)).toBe('mic');
    expect(matchShortcut(key('e', { ctrlKey: true }), false)).toBe('camera');
    expect(matchShortcut(key('h', { ctrlKey: true }), false)).toBe('hand');
    expect(matchShortcut(key('C', { ctrlKey: true, shiftKey: true }), false)).toBe('chat');
    expect(matchShortcut(key('P', { ctrlKey: true, shiftKey: true }), false)).toBe('participants');
    expect(matchShortcut(key('E', { ctrlKey: true, shiftKey: true }), false)).toBe('screen');
  });

  it('needs exactly the right modifiers', () => {
    expect(matchShortcut(key('d'), false)).toBeNull();
    expect(matchShortcut(key('D', { ctrlKey: true, shiftKey: true }), false)).toBeNull();
    expect(matchShortcut(key('c', { ctrlKey: true }), false)).toBeNull();
    expect(matchShortcut(key('d', { ctrlKey: true, altKey: true }), false)).toBeNull();
    expect(matchShortcut(key('d', { metaKey: true }), false)).toBeNull();
    expect(matchShortcut(key('d', { ctrlKey: true, metaKey: true }), false)).toBeNull();
  });

  it('ignores shortcuts while typing, except Escape', () => {
    expect(matchShortcut(key('d', { ctrlKey: true }), true)).toBeNull();
    expect(matchShortcut(key('Escape'), true)).toBe('escape');
    expect(matchShortcut(key('Escape'), false)).toBe('escape');
  });

  it('ignores key repeat', () => {
    expect(matchShortcut(key('d', { ctrlKey: true, repeat: true }), false)).toBeNull();
  });

  it('falls back to the physical key on non-Latin layouts', () => {
    expect(matchShortcut(key('в', { ctrlKey: true, code: 'KeyD' }), false)).toBe('mic');
    // …but a Latin letter wins over the physical position (AZERTY, Dvorak).
    expect(matchShortcut(key('q', { ctrlKey: true, code: 'KeyD' }), false)).toBeNull();
  });

  it('spells shortcuts for aria-keyshortcuts and tooltips', () => {
    expect(SHORTCUTS.mic.aria).toBe('Control+D');
    expect(SHORTCUTS.chat.aria).toBe('Control+Shift+C');
    expect(SHORTCUTS.participants.label).toBe('Ctrl+Shift+P');
    expect(SHORTCUTS.screen.aria).toBe('Control+Shift+E');
  });
});

describe('isTextField', () => {
  it('knows where typing goes', () => {
    expect(isTextField({ tagName: 'INPUT', type: 'text' })).toBe(true);
    expect(isTextField({ tagName: 'input' })).toBe(true);
    expect(isTextField({ tagName: 'INPUT', type: 'password' })).toBe(true);
    expect(isTextField({ tagName: 'TEXTAREA' })).toBe(true);
    expect(isTextField({ tagName: 'DIV', isContentEditable: true })).toBe(true);
    expect(isTextField({ tagName: 'INPUT', type: 'checkbox' })).toBe(false);
    expect(isTextField({ tagName: 'BUTTON' })).toBe(false);
    expect(isTextField(null)).toBe(false);
  });
});
