import { useEffect, useRef, useState } from 'preact/hooks';
import { gridLayout } from '../grid.js';
import { useCallSelector, useElementSize, type CallStore } from '../hooks.js';
import { countRender } from '../render-count.js';
import { gridEqual, selectGrid, selectRemoteSpeaker } from './call-selectors.js';
import { ShareStage } from './share-stage.js';
import { pageOf, tilesInStrip, tilesPerPage } from './tile-pages.js';
import { VideoTile } from './video-tile.js';

export interface VideoGridProps {
  engine: CallStore;
  pinnedId: string | null;
  sinkId: string;
  /** A state setter (stable): the memoized tiles get it as is. */
  onPin: (peerId: string | null) => void;
}

/** Gallery: everyone the same size. Speaker: whoever speaks (or spoke last) large, the rest in a strip. */
export type GridView = 'gallery' | 'speaker';

/** A tile's key and whom it shows (null: this client). */
type Slot = { key: string; peerId: string | null };
const LOCAL: Slot = { key: '\u0000local', peerId: null };
/** The layout toolbar's one row above the tiles (styles.css .grid-controls: a small button and the gap; the page buttons are arrows so it fits in 320 px). */
const CONTROLS_HEIGHT = 40;

const nobody = (): null => null;

/**
 * The remote person who spoke last and is still here (the speaker view's stage between two
 * speakers). Off (the gallery), it follows nothing, so a new speaker does not re-render the grid.
 */
function useLastSpeaker(engine: CallStore, peerIds: string[], on: boolean): string | null {
  const speaking = useCallSelector(engine, on ? selectRemoteSpeaker : nobody);
  const last = useRef<string | null>(null);
  if (speaking !== null) last.current = speaking;
  if (!on || (last.current !== null && !peerIds.includes(last.current))) last.current = null;
  return last.current;
}

/**
 * Everyone's video. In the gallery, columns adapt to the number of people
 * and the space (grid.ts); in the speaker view, whoever speaks takes the
 * stage. A pinned person takes the stage in either, and a shared screen
 * before any pin, with its presenter's camera small on it (the first
 * presenter's, if several share). When there are more people than fit at a
 * readable size (tile-pages.ts), the rest are on further pages. Subscribed to
 * who is here, who shares and who speaks only; each tile follows its own person.
 */
export function VideoGrid({ engine, pinnedId, sinkId, onPin }: VideoGridProps) {
  countRender('VideoGrid');
  const { peerIds, presenterId } = useCallSelector(engine, selectGrid, gridEqual);
  const [view, setView] = useState<GridView>('gallery');
  const [page, setPage] = useState(0);
  const speakerId = useLastSpeaker(engine, peerIds, view === 'speaker');
  const [ref, size] = useElementSize<HTMLElement>();
  // A pinned person who left is unpinned.
  const pinnedHere = pinnedId !== null && peerIds.includes(pinnedId);
  useEffect(() => {
    if (pinnedId !== null && !pinnedHere) onPin(null);
  }, [pinnedId, pinnedHere, onPin]);

  const slots: Slot[] = [LOCAL, ...peerIds.map((peerId) => ({ key: peerId, peerId }))];
  const spoken = view === 'speaker' ? (speakerId ?? peerIds[0] ?? null) : null;
  const stageId = presenterId ?? (pinnedHere ? pinnedId : null) ?? spoken;
  const staged = stageId === null ? undefined : slots.find((t) => t.peerId === stageId);
  const rest = staged ? slots.filter((t) => t !== staged) : slots;
  const sharing = presenterId !== null;
  const userPinned = staged !== undefined && !sharing && pinnedHere && staged.peerId === pinnedId;

  const render = (t: Slot) => (
    <VideoTile
      key={t.key}
      engine={engine}
      peerId={t.peerId}
      pinned={t === staged && userPinned}
      sinkId={sinkId}
      {...(t.peerId === null || sharing ? {} : { onPin })}
    />
  );

  const tilesHeight = Math.max(0, size.height - CONTROLS_HEIGHT);
  const perPage = staged ? tilesInStrip(size.width) : tilesPerPage(size.width, tilesHeight);
  const shown = pageOf(rest, page, perPage);
  const area = staged ? { width: size.width, height: tilesHeight * 0.25 } : { width: size.width, height: tilesHeight };
  const { columns, rows } = staged ? { columns: Math.max(1, shown.items.length), rows: 1 } : gridLayout(shown.items.length, area.width, area.height);
  return (
    <section ref={ref} class={`video-area${staged ? ' has-pin' : ''}${sharing ? ' has-share' : ''}`} aria-label="Participants' video">
      <div class="grid-controls" role="toolbar" aria-label="Video layout">
        <button type="button" class="small" aria-pressed={view === 'speaker'} onClick={() => setView(view === 'speaker' ? 'gallery' : 'speaker')}>
          Speaker view
        </button>
        {shown.count > 1 ? (
          <>
            <button type="button" class="small" aria-label="Previous page" title="Previous page" disabled={shown.index === 0} onClick={() => setPage(shown.index - 1)}>
              ‹
            </button>
            <span class="grid-page" aria-live="polite">
              Page {shown.index + 1} of {shown.count}
            </span>
            <button
              type="button"
              class="small"
              aria-label="Next page"
              title="Next page"
              disabled={shown.index === shown.count - 1}
              onClick={() => setPage(shown.index + 1)}
            >
              ›
            </button>
          </>
        ) : null}
      </div>
      {sharing && staged ? (
        <div class="stage" role="group" aria-label="Stage">
          <ShareStage engine={engine} presenterId={presenterId} sinkId={sinkId}>
            {render(staged)}
          </ShareStage>
        </div>
      ) : staged ? (
        <div class="stage" role="group" aria-label="Stage">
          {render(staged)}
        </div>
      ) : null}
      <div class="grid" style={{ '--cols': String(columns), '--rows': String(rows) }}>
        {shown.items.map(render)}
      </div>
    </section>
  );
}
