/**
 * Sandboxed preload: exposes one small, frozen API of named methods to the
 * renderer through contextBridge and nothing else (bridge.ts). Never expose
 * ipcRenderer itself (or any function that forwards arbitrary channels): the
 * page would then be able to talk to every IPC handler in main.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { DESKTOP_BRIDGE_KEY } from '../common/desktop-bridge.js';
import { createBridge } from './bridge.js';

contextBridge.exposeInMainWorld(DESKTOP_BRIDGE_KEY, createBridge(ipcRenderer));
