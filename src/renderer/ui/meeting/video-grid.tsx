import { useEffect } from 'preact/hooks';
import { gridLayout } from '../grid.js';
import { useCallSelector, useElementSize, type CallStore } from '../hooks.js';
import { countRender } from '../render-count.js';
import { gridEqual, selectGrid } from './call-selectors.js';
import { ShareStage } from './share-stage.js';
import { VideoTile } from './video-tile.js';

export interface VideoGridProps {
  engine: CallStore;
  pinnedId: string | null;
  sinkId: string;
  /** A state setter (stable): the memoized tiles get it as is. */
  onPin: (peerId: string | null) => void;
}

/** A tile's key and whom it shows (null: this client). */
type Slot = { key: string; peerId: string | null };
const LOCAL: Slot = { key: '\u0000local', peerId: null };

/**
 * Everyone's video. Columns adapt to the number of people and the space
 * (grid.ts); a pinned person takes the stage and the rest go to a strip. A
 * shared screen takes the stage before any pin, with its presenter's camera
 * small on it (the first presenter's, if several share). Subscribed to who is
 * here and who shares (selectGrid) only; each tile follows its own person.
 */
export function VideoGrid({ engine, pinnedId, sinkId, onPin }: VideoGridProps) {
  countRender('VideoGrid');
  const { peerIds, presenterId } = useCallSelector(engine, selectGrid, gridEqual);
  const [ref, size] = useElementSize<HTMLElement>();
  // A pinned person who left is unpinned.
  const pinnedHere = pinnedId !== null && peerIds.includes(pinnedId);
  useEffect(() => {
    if (pinnedId !== null && !pinnedHere) onPin(null);
  }, [pinnedId, pinnedHere, onPin]);

  const slots: Slot[] = [LOCAL, ...peerIds.map((peerId) => ({ key: peerId, peerId }))];
  const stageId = presenterId ?? (pinnedHere ? pinnedId : null);
  const pinned = stageId === null ? undefined : slots.find((t) => t.peerId === stageId);
  const rest = pinned ? slots.filter((t) => t !== pinned) : slots;
  const sharing = presenterId !== null;

  const render = (t: Slot) => (
    <VideoTile
      key={t.key}
      engine={engine}
      peerId={t.peerId}
      pinned={t === pinned && !sharing}
      sinkId={sinkId}
      {...(t.peerId === null || sharing ? {} : { onPin })}
    />
  );

  const area = pinned ? { width: size.width, height: size.height * 0.25 } : size;
  const { columns, rows } = pinned ? { columns: Math.max(1, rest.length), rows: 1 } : gridLayout(rest.length, area.width, area.height);
  return (
    <section ref={ref} class={`video-area${pinned ? ' has-pin' : ''}${sharing ? ' has-share' : ''}`} aria-label="Participants' video">
      {sharing && pinned ? (
        <div class="stage">
          <ShareStage engine={engine} presenterId={presenterId} sinkId={sinkId}>
            {render(pinned)}
          </ShareStage>
        </div>
      ) : pinned ? (
        <div class="stage">{render(pinned)}</div>
      ) : null}
      <div class="grid" style={{ '--cols': String(columns), '--rows': String(rows) }}>
        {rest.map(render)}
      </div>
    </section>
  );
}
