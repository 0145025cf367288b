/**
 * Renderer entry: runs in Chromium, either in the desktop window or in any
 * browser as the web client. Never assumes Electron: the desktop bridge is
 * optional and only read, never required.
 */
import { render } from 'preact';
import { PRODUCT_NAME } from '../common/app-info.js';
import { DESKTOP_BRIDGE_KEY, type DesktopBridge } from '../common/desktop-bridge.js';

function desktopVersion(): string | undefined {
  const bridge = (window as unknown as Record<string, unknown>)[DESKTOP_BRIDGE_KEY] as
    | Partial<DesktopBridge>
    | undefined;
  return typeof bridge?.version === 'string' ? bridge.version : undefined;
}

function App({ version }: { version: string | undefined }) {
  return (
    <main>
      <h1>{PRODUCT_NAME}</h1>
      <p>The meeting UI arrives in the next release.</p>
      {version === undefined ? null : <p>Desktop app {version}</p>}
    </main>
  );
}

const root = document.getElementById('app');
if (root === null) {
  throw new Error('index.html has no #app element');
}
render(<App version={desktopVersion()} />, root);
