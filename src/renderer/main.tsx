/**
 * Renderer entry: runs in Chromium, either in the desktop window or in any
 * browser as the web client. Never assumes Electron: desktop abilities come
 * through the platform interface (platform/), which falls back to the web.
 */
import { render } from 'preact';
import { detectPlatform } from './platform/index.js';
import { App } from './ui/app.js';
import './ui/styles.css';

const root = document.getElementById('app');
if (root === null) {
  throw new Error('index.html has no #app element');
}
render(<App platform={detectPlatform()} />, root);
