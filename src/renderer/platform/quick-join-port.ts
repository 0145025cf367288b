/**
 * The quick-join window's way to main: only the three quick-join methods of
 * the preload bridge (main lets that window call nothing else). Null when the
 * page is not in the desktop app.
 */
import { DESKTOP_BRIDGE_KEY, type DesktopBridge } from '../../common/desktop-bridge.js';

export type QuickJoinPort = Pick<DesktopBridge, 'quickJoinState' | 'quickJoin' | 'closeQuickJoin'>;

export function quickJoinPort(): QuickJoinPort | null {
  const bridge = (window as unknown as Record<string, unknown>)[DESKTOP_BRIDGE_KEY] as Partial<DesktopBridge> | undefined;
  if (typeof bridge?.quickJoinState !== 'function' || typeof bridge.quickJoin !== 'function' || typeof bridge.closeQuickJoin !== 'function') {
    return null;
  }
  const b = bridge as DesktopBridge;
  return { quickJoinState: () => b.quickJoinState(), quickJoin: (r) => b.quickJoin(r), closeQuickJoin: () => b.closeQuickJoin() };
}

/** Whether this page is the quick-join window (main loads it with `?window=quick-join`). */
export function isQuickJoinWindow(): boolean {
  return new URLSearchParams(location.search).get('window') === 'quick-join';
}
