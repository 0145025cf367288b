import { useCallback, useEffect, useState } from 'preact/hooks';
import type { PinnedCertificate } from '../../../common/ipc-contract.js';
import type { SectionProps } from './general-section.js';

function dateText(at: number | null): string {
  return at === null ? 'before pin dates were kept' : new Date(at).toLocaleString();
}

/** Every pinned server certificate: host, fingerprint, when it was pinned, and "Forget" (the next contact asks again). */
export function PinsSection({ api, state }: SectionProps) {
  const [pins, setPins] = useState<PinnedCertificate[] | null>(null);
  const load = useCallback(() => void api.listPins().then(setPins), [api]);
  useEffect(load, [load, state.config]);
  const forget = async (host: string) => {
    if (await state.change('pins', () => api.forgetPin(host))) load();
  };
  return (
    <section class="card settings-section" aria-labelledby="settings-pins">
      <h2 id="settings-pins">Trusted server certificates</h2>
      {pins !== null && pins.length === 0 ? <p class="hint">No certificate is pinned.</p> : null}
      {pins !== null && pins.length > 0 ? (
        <table class="settings-table">
          <caption class="sr-only">Pinned certificates</caption>
          <thead>
            <tr>
              <th scope="col">Server</th>
              <th scope="col">SHA-256 fingerprint</th>
              <th scope="col">Pinned</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {pins.map((p) => (
              <tr key={p.host}>
                <th scope="row">{p.host}</th>
                <td class="mono fingerprint">{p.fingerprint}</td>
                <td>{dateText(p.pinnedAt)}</td>
                <td>
                  <button type="button" class="small danger" aria-label={`Forget the certificate of ${p.host}`} onClick={() => void forget(p.host)}>
                    Forget
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {state.errors.pins ? (
        <p role="alert" class="alert">
          {state.errors.pins}
        </p>
      ) : null}
    </section>
  );
}
