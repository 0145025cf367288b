/**
 * Picks the platform: the desktop bridge when the preload exposed one
 * (`window.merimeet`), the web otherwise.
 */
import { DESKTOP_BRIDGE_KEY, type DesktopBridge } from '../../common/desktop-bridge.js';
import { createDesktopPlatform } from './desktop-platform.js';
import type { Platform } from './platform.js';
import { createWebPlatform } from './web-platform.js';

export type { Platform, PlatformCallState, PlatformCommand, PlatformKind } from './platform.js';

function desktopBridge(): DesktopBridge | undefined {
  const bridge = (window as unknown as Record<string, unknown>)[DESKTOP_BRIDGE_KEY];
  return typeof bridge === 'object' && bridge !== null && typeof (bridge as DesktopBridge).getConfig === 'function'
    ? (bridge as DesktopBridge)
    : undefined;
}

export async function detectPlatform(): Promise<Platform> {
  const bridge = desktopBridge();
  if (bridge === undefined) return createWebPlatform();
  return createDesktopPlatform(bridge, await bridge.getConfig());
}
