/**
 * Sandboxed preload: exposes one small, frozen API to the renderer through
 * contextBridge and nothing else. Never expose ipcRenderer itself (or any
 * function that forwards arbitrary channels): the page would then be able to
 * talk to every IPC handler in main.
 */
import { contextBridge } from 'electron';
import { APP_VERSION } from '../common/app-info.js';
import { DESKTOP_BRIDGE_KEY, type DesktopBridge } from '../common/desktop-bridge.js';

const bridge: DesktopBridge = Object.freeze({ version: APP_VERSION });

contextBridge.exposeInMainWorld(DESKTOP_BRIDGE_KEY, bridge);
