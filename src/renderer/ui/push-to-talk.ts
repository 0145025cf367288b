/**
 * Push-to-talk (desktop setting): while muted in a call, holding Space in the
 * meeting window unmutes; letting go mutes again. Not while typing (a text
 * field, or a control Space would press), and only while the window has
 * focus (a global key-up does not exist in Electron). Read from main's
 * settings when each call starts.
 */
import { useEffect } from 'preact/hooks';
import type { CallEngine } from '../engine/call-state.js';
import type { Platform } from '../platform/index.js';

/** Whether a Space press on `target` belongs to it (typing, pressing a button) rather than to push-to-talk. */
export function spaceBelongsTo(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT', 'BUTTON', 'A', 'SUMMARY'].includes(target.tagName);
}

export function usePushToTalk(platform: Platform, engine: CallEngine | null, toggleMic: () => void): void {
  useEffect(() => {
    if (engine === null || !platform.settings) return;
    let enabled = false;
    let held = false;
    void platform.settings.getConfig().then(
      (config) => (enabled = config.preferences.pushToTalk),
      () => undefined, // no answer: push-to-talk stays off for this call
    );
    const down = (e: KeyboardEvent) => {
      if (!enabled || e.code !== 'Space' || e.repeat || held || spaceBelongsTo(e.target)) return;
      if (!engine.getState().local.muted) return;
      e.preventDefault();
      held = true;
      toggleMic();
    };
    const up = (e: KeyboardEvent) => {
      if (e.code !== 'Space' || !held) return;
      held = false;
      if (!engine.getState().local.muted) toggleMic();
    };
    const release = () => up(new KeyboardEvent('keyup', { code: 'Space' }));
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    window.addEventListener('blur', release);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
      window.removeEventListener('blur', release);
    };
  }, [platform, engine, toggleMic]);
}
