/**
 * The desktop window's screen/window picker for getDisplayMedia, in plain DOM
 * (no inline styles: the CSP forbids them): tabs for Screens and Windows,
 * live thumbnails (main sends fresh ones every second while it is open,
 * `picker:refresh`), app icons, the window shared last offered first, and
 * "Share sound" where the OS can (main says so). Window titles come from
 * other programs: set with textContent only.
 */
import type { DisplaySource, EventOf } from '../../common/ipc-contract.js';
import { el, modal } from './desktop-dialogs.js';
import './source-picker.css';

type Kind = DisplaySource['kind'];
const TAB_LABEL: Record<Kind, string> = { screen: 'Screens', window: 'Windows' };

function sourceButton(source: DisplaySource, last: boolean, choose: (id: string) => void): HTMLButtonElement {
  const button = el('button', last ? 'source source-last' : 'source');
  button.type = 'button';
  button.dataset.sourceId = source.id;
  button.setAttribute('aria-label', `${source.kind === 'screen' ? 'Screen' : 'Window'}: ${source.name}${last ? ' (shared last)' : ''}`);
  const img = el('img', 'source-thumbnail');
  img.alt = '';
  if (source.thumbnail !== '') img.src = source.thumbnail;
  else img.hidden = true;
  button.append(img);
  const caption = el('span', 'source-caption');
  if (source.icon !== null) {
    const icon = el('img', 'source-icon');
    icon.src = source.icon;
    icon.alt = '';
    caption.append(icon);
  }
  caption.append(el('span', undefined, source.name));
  if (last) caption.append(el('span', 'badge', 'Shared last'));
  button.append(caption);
  button.addEventListener('click', () => choose(source.id));
  return button;
}

/**
 * Shows the picker; resolves with the chosen source (or null) and whether to
 * share sound. `onRefresh` subscribes to fresh thumbnails for this request.
 */
export function showSourcePicker(
  request: EventOf<'picker:show'>,
  onRefresh: (listener: (update: EventOf<'picker:refresh'>) => void) => () => void = () => () => undefined,
): Promise<{ sourceId: string | null; audio: boolean }> {
  return new Promise((resolve) => {
    const dialog = modal('Choose what to share');
    dialog.append(el('h2', undefined, 'Choose what to share'));
    let audio: HTMLInputElement | null = null;
    const finish = (sourceId: string | null) => {
      stopRefresh();
      dialog.close();
      dialog.remove();
      resolve({ sourceId, audio: audio?.checked ?? false });
    };

    const tablist = el('div', 'source-tabs');
    tablist.setAttribute('role', 'tablist');
    tablist.setAttribute('aria-label', 'What to share');
    const tabs = new Map<Kind, HTMLButtonElement>();
    const lists = new Map<Kind, HTMLUListElement>();
    const panels: HTMLElement[] = [];
    for (const kind of ['screen', 'window'] as const) {
      const tab = el('button', 'source-tab', TAB_LABEL[kind]);
      tab.type = 'button';
      tab.id = `picker-tab-${kind}`;
      tab.setAttribute('role', 'tab');
      tab.setAttribute('aria-controls', `picker-panel-${kind}`);
      tabs.set(kind, tab);
      tablist.append(tab);
      const panel = el('div', 'source-panel');
      panel.id = `picker-panel-${kind}`;
      panel.setAttribute('role', 'tabpanel');
      panel.setAttribute('aria-labelledby', tab.id);
      const list = el('ul', 'source-list');
      list.setAttribute('aria-label', TAB_LABEL[kind]);
      panel.append(list);
      lists.set(kind, list);
      panels.push(panel);
    }
    const select = (kind: Kind) => {
      for (const [k, tab] of tabs) {
        tab.setAttribute('aria-selected', String(k === kind));
        tab.tabIndex = k === kind ? 0 : -1;
      }
      for (const panel of panels) panel.hidden = panel.id !== `picker-panel-${kind}`;
    };
    for (const [kind, tab] of tabs) {
      tab.addEventListener('click', () => select(kind));
      tab.addEventListener('keydown', (e) => {
        if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
        const other: Kind = kind === 'screen' ? 'window' : 'screen';
        select(other);
        tabs.get(other)?.focus();
      });
    }

    const render = (sources: readonly DisplaySource[]) => {
      const ordered = [...sources].sort((a, b) => Number(b.id === request.lastSourceId) - Number(a.id === request.lastSourceId));
      for (const [kind, list] of lists) {
        const existing = new Map([...list.querySelectorAll<HTMLButtonElement>('button.source')].map((b) => [b.dataset.sourceId, b]));
        const wanted = ordered.filter((s) => s.kind === kind);
        for (const [id, button] of existing) if (!wanted.some((s) => s.id === id)) button.parentElement?.remove();
        for (const source of wanted) {
          const button = existing.get(source.id);
          if (button === undefined) {
            const item = el('li');
            item.append(sourceButton(source, source.id === request.lastSourceId, finish));
            list.append(item);
            continue;
          }
          // Live thumbnail: only the image changes, so focus and the reading position stay.
          const img = button.querySelector<HTMLImageElement>('img.source-thumbnail');
          if (img !== null && source.thumbnail !== '') {
            img.src = source.thumbnail;
            img.hidden = false;
          }
        }
        if (wanted.length === 0 && list.childElementCount === 0) list.append(el('li', 'hint', `No ${TAB_LABEL[kind].toLowerCase()} to share.`));
      }
    };
    render(request.sources);
    const stopRefresh = onRefresh((update) => {
      if (update.requestId === request.requestId) render(update.sources);
    });

    dialog.append(tablist, ...panels);
    const last = request.sources.find((s) => s.id === request.lastSourceId);
    const hasWindows = request.sources.some((s) => s.kind === 'window');
    select(last?.kind ?? (hasWindows ? 'window' : 'screen'));
    if (request.audioAvailable) {
      const label = el('label', 'source-audio');
      audio = el('input');
      audio.type = 'checkbox';
      label.append(audio, ' Share sound');
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
