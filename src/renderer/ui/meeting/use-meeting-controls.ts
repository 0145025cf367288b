/**
 * What the meeting's controls do, wherever they are pressed: the toolbar,
 * a keyboard shortcut (shortcuts.ts), or the desktop's tray and global
 * shortcut (subscribeControls). Actions read the engine's state when they
 * run, so this hook re-renders nothing on its own.
 */
import { useCallback, useEffect, type Dispatch, type StateUpdater } from 'preact/hooks';
import type { CallEngine, EndReason } from '../../engine/call-state.js';
import { displayMediaOptions } from '../../engine/screen-share.js';
import { isTextField, matchShortcut, type ShortcutAction } from '../shortcuts.js';
import { errorText } from '../messages.js';

export const SHARE_FAILED = 'Your screen could not be shared.';

export interface ControlsOptions {
  engine: CallEngine;
  getDisplayMedia: ((options: DisplayMediaStreamOptions) => Promise<MediaStream>) | undefined;
  subscribeControls: ((listener: (control: 'mic' | 'camera' | 'leave') => void) => () => void) | undefined;
  onEnded: (reason: EndReason | null) => void;
  /** Turns the camera on (use-camera.ts), saying so when it fails. */
  turnCameraOn: () => void;
  setActionError: (text: string | null) => void;
  panels: { chatOpen: boolean; peopleOpen: boolean; setChatOpen: Dispatch<StateUpdater<boolean>>; setPeopleOpen: Dispatch<StateUpdater<boolean>> };
  /** The toolbar, where focus goes back when a panel closes. */
  toolbar: { current: HTMLElement | null };
}

export interface MeetingControls {
  act: (action: ShortcutAction) => void;
  leave: () => void;
  /** Gives focus back to the toolbar button that opened a panel. */
  restoreFocus: (which: 'chat' | 'participants') => void;
}

function useToggleShare(engine: CallEngine, getDisplayMedia: ControlsOptions['getDisplayMedia'], setActionError: ControlsOptions['setActionError']) {
  return useCallback(async () => {
    const { phase, local } = engine.getState();
    if (local.screen !== null) return engine.stopScreenShare();
    // Not before being let in: there is nobody to share with, and the engine would refuse.
    if (!getDisplayMedia || (phase !== 'in-call' && phase !== 'reconnecting')) return;
    let stream: MediaStream;
    try {
      stream = await getDisplayMedia(displayMediaOptions());
    } catch (err) {
      // NotAllowedError: the person closed the picker (or the browser refused); nothing to explain.
      if ((err as { name?: string }).name !== 'NotAllowedError') setActionError(SHARE_FAILED);
      return;
    }
    try {
      await engine.shareScreen(stream);
      setActionError(null);
    } catch (err) {
      console.warn('meriMeet: sharing the screen failed', err);
      const code = (err as { code?: unknown }).code;
      setActionError(code === 'sfu_screen_failed' ? errorText({ code }) : SHARE_FAILED);
    }
  }, [engine, getDisplayMedia, setActionError]);
}

export function useMeetingControls(o: ControlsOptions): MeetingControls {
  const { engine, onEnded, turnCameraOn, toolbar, subscribeControls } = o;
  const { chatOpen, peopleOpen, setChatOpen, setPeopleOpen } = o.panels;
  const toggleShare = useToggleShare(engine, o.getDisplayMedia, o.setActionError);

  const restoreFocus = useCallback(
    (which: 'chat' | 'participants') => {
      requestAnimationFrame(() => {
        const name = which === 'chat' ? 'Chat' : 'Participants';
        const button = Array.from(toolbar.current?.querySelectorAll('button') ?? []).find((b) => b.textContent?.startsWith(name));
        button?.focus();
      });
    },
    [toolbar],
  );

  const act = useCallback(
    (action: ShortcutAction) => {
      const local = engine.getState().local;
      switch (action) {
        case 'mic':
          return engine.setMuted(!local.muted);
        case 'camera':
          return local.videoOff ? turnCameraOn() : engine.setVideoOff(true);
        case 'hand':
          return engine.setHandRaised(!local.handRaised);
        case 'chat':
          return setChatOpen((open) => !open);
        case 'participants':
          return setPeopleOpen((open) => !open);
        case 'screen':
          return void toggleShare();
      }
    },
    [engine, turnCameraOn, toggleShare, setChatOpen, setPeopleOpen],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const match = matchShortcut(event, isTextField(document.activeElement as HTMLElement | null));
      if (match === null) return;
      if (match === 'escape') {
        const target = event.target as Node | null;
        const inPanel = (name: string) => document.querySelector(`aside[aria-label="${name}"]`)?.contains(target) ?? false;
        if (chatOpen && (inPanel('Chat') || !peopleOpen)) {
          setChatOpen(false);
          restoreFocus('chat');
        } else if (peopleOpen) {
          setPeopleOpen(false);
          restoreFocus('participants');
        } else return;
        event.preventDefault();
        return;
      }
      event.preventDefault(); // Ctrl+D would bookmark, Ctrl+H open history, …
      act(match);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [act, chatOpen, peopleOpen, setChatOpen, setPeopleOpen, restoreFocus]);

  const leave = useCallback(
    () =>
      void engine
        .leave()
        // The socket may already be gone; leaving still ends the call on this side, which is what the person asked.
        .catch((err: unknown) => console.warn('meriMeet: leaving did not reach the meeting server', err))
        .then(() => {
          if (engine.getState().phase !== 'ended') onEnded('left');
        }),
    [engine, onEnded],
  );

  useEffect(() => subscribeControls?.((control) => (control === 'leave' ? leave() : act(control))), [subscribeControls, act, leave]);

  return { act, leave, restoreFocus };
}
