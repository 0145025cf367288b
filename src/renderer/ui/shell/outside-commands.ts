/**
 * The desktop around the page: commands from outside it (tray, global
 * shortcut, merimeet:// links) and, back the other way, the call as the tray
 * shows it and notifications while the window is hidden.
 */
import { useCallback, useEffect, useRef } from 'preact/hooks';
import type { Platform } from '../../platform/index.js';
import { callNotifications, trayCallState } from '../desktop-sync.js';
import type { Route } from '../routes.js';
import type { Call } from './call-lifetime.js';

export type CallControl = 'mic' | 'camera' | 'leave';
export type SubscribeControls = (listener: (control: CallControl) => void) => () => void;

interface OutsideCommandsOptions {
  platform: Platform;
  routeName: Route['name'];
  serverUrl: string;
  go: (route: Route) => void;
  setNotice: (notice: string | null) => void;
  /** The call in progress (the tray's "Stop sharing"), read when a command comes. */
  call: { current: Call | null };
  /** Quick join straight into the call: pre-join joins by itself with this (it stops if it needs a name). */
  joinDirectly: (meetingId: string, password: string) => void;
}

/** Handles the platform's commands; returns how the meeting screen subscribes to the call controls among them. */
export function useOutsideCommands({ platform, routeName, serverUrl, go, setNotice, call, joinDirectly }: OutsideCommandsOptions): {
  subscribeControls: SubscribeControls;
  /** Hands a call control to the meeting screen, as if it came from outside (push-to-talk). */
  control: (control: CallControl) => void;
} {
  /** Call controls from outside the page (tray, global shortcut), handed to the meeting screen. */
  const controlListeners = useRef(new Set<(control: CallControl) => void>());
  const subscribeControls = useCallback((listener: (control: CallControl) => void) => {
    controlListeners.current.add(listener);
    return () => void controlListeners.current.delete(listener);
  }, []);

  useEffect(() => {
    if (!platform.onCommand) return;
    return platform.onCommand((command) => {
      switch (command.kind) {
        case 'mic':
        case 'camera':
        case 'leave':
          for (const listener of controlListeners.current) listener(command.kind);
          return;
        case 'new-meeting':
        case 'join-meeting':
          if (routeName !== 'meeting') go({ name: 'home' });
          return;
        case 'stop-sharing':
          call.current?.engine.stopScreenShare();
          return;
        case 'open-settings':
          if (routeName !== 'meeting' && platform.settings) go({ name: 'settings' });
          return;
        case 'open-meeting':
          if (routeName === 'meeting') return; // never drop a call for a link
          if (command.server !== null && command.server !== serverUrl) {
            setNotice(`That invite is for another server (${command.server}); this app uses ${serverUrl}. Add that server first.`);
            go({ name: 'home' });
            return;
          }
          if (command.direct === true && command.password !== null) joinDirectly(command.meetingId, command.password);
          go(
            command.password === null
              ? { name: 'home', prefillId: command.meetingId }
              : { name: 'prejoin', meetingId: command.meetingId, password: command.password },
          );
      }
    });
  }, [platform, routeName, serverUrl, go, setNotice, call, joinDirectly]);

  const control = useCallback((c: CallControl) => controlListeners.current.forEach((l) => l(c)), []);
  return { subscribeControls, control };
}

/** The call as the tray shows it, and notifications while the window is hidden. */
export function useTrayAndNotifications(call: Call | null, platform: Platform): void {
  useEffect(() => {
    if (!call) {
      platform.reportCallState?.(trayCallState(null));
      return;
    }
    let previous = call.engine.getState();
    let reported = JSON.stringify(trayCallState(previous));
    platform.reportCallState?.(trayCallState(previous));
    return call.engine.subscribe((st) => {
      const before = previous;
      previous = st;
      const tray = trayCallState(st);
      if (JSON.stringify(tray) !== reported) {
        reported = JSON.stringify(tray);
        platform.reportCallState?.(tray);
      }
      // The platform decides whether the person can see the window (desktop: main asks the real
      // window; the page cannot tell when it runs hidden in the tray with throttling off).
      if (platform.notify) for (const n of callNotifications(before, st)) platform.notify(n.title, n.body, n.kind);
    });
  }, [call, platform]);
}
