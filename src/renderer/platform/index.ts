/**
 * Picks the platform: the desktop bridge when the preload exposed one
 * (`window.merimeet`), the web otherwise.
 */
import { DESKTOP_BRIDGE_KEY, type DesktopBridge } from '../../common/desktop-bridge.js';
import type { Platform } from './platform.js';
import { createWebPlatform } from './web-platform.js';

export type { Platform, PlatformKind } from './platform.js';

function desktopBridge(): Partial<DesktopBridge> | undefined {
  const bridge = (window as unknown as Record<string, unknown>)[DESKTOP_BRIDGE_KEY];
  return typeof bridge === 'object' && bridge !== null ? (bridge as Partial<DesktopBridge>) : undefined;
}

export function detectPlatform(): Platform {
  const bridge = desktopBridge();
  if (bridge !== undefined) {
    // The desktop implementation (keychain-backed tokens, its own screen picker,
    // a configurable server) arrives with the desktop issue. Until then the
    // window behaves like the web client, but says it is the desktop app.
    return { ...createWebPlatform(), kind: 'desktop' };
  }
  return createWebPlatform();
}
