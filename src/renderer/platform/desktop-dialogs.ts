/**
 * The desktop window's own dialogs, in plain DOM (no framework, no inline
 * styles: the CSP forbids them; classes are in ui/styles.css):
 *   (the screen/window picker for getDisplayMedia is source-picker.ts)
 *   - the first-contact certificate prompt (like SSH's) and the loud
 *     "certificate changed" refusal.
 * All text is set with textContent, never innerHTML: window titles and host
 * names come from outside.
 */
import type { EventOf } from '../../common/ipc-contract.js';

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className !== undefined) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function modal(label: string): HTMLDialogElement {
  const dialog = el('dialog', 'desktop-dialog');
  dialog.setAttribute('aria-label', label);
  document.body.append(dialog);
  return dialog;
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
