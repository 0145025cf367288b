import { useState } from 'preact/hooks';
import type { SectionProps } from './general-section.js';

/**
 * Several servers with one default. The app talks to the default one; main
 * checks every address (wss:// only, ws:// on loopback). Changing the default
 * reloads the window (nothing is lost: settings cannot be opened mid-call).
 */
export function ServersSection({ api, state, onDefaultChanged }: SectionProps & { onDefaultChanged: () => void }) {
  const [url, setUrl] = useState('');
  const [name, setName] = useState('');
  const config = state.config;
  if (!config) return null;
  const add = async (e: Event) => {
    e.preventDefault();
    const address = url.trim();
    let label = name.trim();
    if (label === '') {
      try {
        label = new URL(address).host;
      } catch {
        label = address;
      }
    }
    const before = config.defaultServer;
    const ok = await state.change('servers', () => api.addServer(address, label.slice(0, 100)));
    if (ok) {
      setUrl('');
      setName('');
      if (before === null) onDefaultChanged();
    }
  };
  const makeDefault = async (server: string) => {
    if (await state.change('servers', () => api.setDefaultServer(server))) onDefaultChanged();
  };
  const remove = async (server: string) => {
    const wasDefault = config.defaultServer === server;
    if ((await state.change('servers', () => api.removeServer(server))) && wasDefault) onDefaultChanged();
  };
  return (
    <section class="card settings-section" aria-labelledby="settings-servers">
      <h2 id="settings-servers">Servers</h2>
      {config.servers.length === 0 ? <p class="hint">No server yet: meriMeet looks for one on this computer.</p> : null}
      <ul class="settings-list" aria-label="Servers">
        {config.servers.map((s) => (
          <li key={s.url}>
            <span>
              <strong>{s.name}</strong> <span class="mono">{s.url}</span>
              {s.url === config.defaultServer ? <span class="badge"> Default</span> : null}
            </span>
            <span class="actions">
              {s.url === config.defaultServer ? null : (
                <button type="button" class="small" aria-label={`Make ${s.name} the default server`} onClick={() => void makeDefault(s.url)}>
                  Make default
                </button>
              )}
              <button type="button" class="small danger" aria-label={`Remove ${s.name}`} onClick={() => void remove(s.url)}>
                Remove
              </button>
            </span>
          </li>
        ))}
      </ul>
      <form class="settings-inline-form" aria-label="Add a server" onSubmit={(e) => void add(e)} noValidate>
        <div class="field">
          <label for="set-server-url">Server address</label>
          <input id="set-server-url" type="text" placeholder="wss://meet.example.org/ws" value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="set-server-name">Name (optional)</label>
          <input id="set-server-name" type="text" maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <button type="submit" disabled={url.trim() === ''}>
          Add server
        </button>
      </form>
      {state.errors.servers ? (
        <p role="alert" class="alert">
          {state.errors.servers}
        </p>
      ) : null}
    </section>
  );
}
