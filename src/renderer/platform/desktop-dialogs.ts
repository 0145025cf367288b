/**
 * The desktop window's own dialogs, in plain DOM (no framework, no inline
 * styles: the CSP forbids them; classes are in ui/styles.css):
 *   - the screen/window picker (thumbnails and app icons) for getDisplayMedia;
 *   - the first-contact certificate prompt (like SSH's) and the loud
 *     "certificate changed" refusal.
 * All text is set with textContent, never innerHTML: window titles and host
 * names come from outside.
 */
import type { EventOf } from '../../common/ipc-contract.js';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className !== undefined) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function modal(label: string): HTMLDialogElement {
  const dialog = el('dialog', 'desktop-dialog');
  dialog.setAttribute('aria-label', label);
  document.body.append(dialog);
  return dialog;
}

/** Shows the picker; resolves with the chosen source (or null) and whether to share system audio. */
export function showSourcePicker(request: EventOf<'picker:show'>): Promise<{ sourceId: string | null; audio: boolean }> {
  return new Promise((resolve) => {
    const dialog = modal('Choose what to share');
    dialog.append(el('h2', undefined, 'Choose what to share'));
    const list = el('ul', 'source-list');
    list.setAttribute('aria-label', 'Screens and windows');
    let audio: HTMLInputElement | null = null;
    const finish = (sourceId: string | null) => {
      dialog.close();
      dialog.remove();
      resolve({ sourceId, audio: audio?.checked ?? false });
    };
    for (const source of request.sources) {
      const item = el('li');
      const button = el('button', 'source');
      button.type = 'button';
      button.setAttribute('aria-label', `${source.kind === 'screen' ? 'Screen' : 'Window'}: ${source.name}`);
      if (source.thumbnail !== '') {
        const img = el('img', 'source-thumbnail');
        img.src = source.thumbnail;
        img.alt = '';
        button.append(img);
      }
      const caption = el('span', 'source-caption');
      if (source.icon !== null) {
        const icon = el('img', 'source-icon');
        icon.src = source.icon;
        icon.alt = '';
        caption.append(icon);
      }
      caption.append(el('span', undefined, source.name));
      button.append(caption);
      button.addEventListener('click', () => finish(source.id));
      item.append(button);
      list.append(item);
    }
    dialog.append(list);
    if (request.audioAvailable) {
      const label = el('label', 'source-audio');
      audio = el('input');
      audio.type = 'checkbox';
      label.append(audio, ' Share computer sound');
      dialog.append(label);
    }
    const cancel = el('button', undefined, 'Cancel');
    cancel.type = 'button';
    cancel.addEventListener('click', () => finish(null));
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      finish(null);
    });
    dialog.append(cancel);
    dialog.showModal();
  });
}

/** First contact with a server whose certificate no CA vouches for: show its fingerprint, ask. */
export function confirmCertificate(prompt: EventOf<'certificate:first-contact'>): Promise<boolean> {
  return new Promise((resolve) => {
    const dialog = modal('Trust this server?');
    dialog.append(
      el('h2', undefined, 'Trust this server?'),
      el('p', undefined, `This is the first connection to ${prompt.host}. Its certificate is not signed by an authority your computer knows.`),
      el('p', undefined, 'Compare this SHA-256 fingerprint with the one the server printed when it started (ask its administrator):'),
      el('code', 'fingerprint', prompt.fingerprint),
      el('p', undefined, 'If they match, meriMeet remembers it and will refuse any other certificate from this server.'),
    );
    const finish = (trust: boolean) => {
      dialog.close();
      dialog.remove();
      resolve(trust);
    };
    const trust = el('button', undefined, 'Trust this server');
    trust.type = 'button';
    trust.addEventListener('click', () => finish(true));
    const refuse = el('button', undefined, 'Don’t connect');
    refuse.type = 'button';
    refuse.addEventListener('click', () => finish(false));
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      finish(false);
    });
    dialog.append(trust, refuse);
    dialog.showModal();
    refuse.focus();
  });
}

/** A pinned server presented another certificate: refused, and said loudly. */
export function warnCertificateChanged(event: EventOf<'certificate:changed'>): void {
  const dialog = modal('Server certificate changed');
  dialog.setAttribute('role', 'alertdialog');
  dialog.append(
    el('h2', undefined, 'Connection refused: the server’s certificate changed'),
    el(
      'p',
      undefined,
      `${event.host} presented a different certificate from the one you trusted. Someone may be intercepting the connection, or the server was reinstalled. meriMeet will not connect to it.`,
    ),
    el('p', undefined, 'Trusted:'),
    el('code', 'fingerprint', event.expected),
    el('p', undefined, 'Presented now:'),
    el('code', 'fingerprint', event.presented),
  );
  const ok = el('button', undefined, 'Close');
  ok.type = 'button';
  ok.addEventListener('click', () => {
    dialog.close();
    dialog.remove();
  });
  dialog.append(ok);
  dialog.showModal();
}
