import type { CallState, Participant } from '../../engine/call-state.js';
import { gridLayout } from '../grid.js';
import { useElementSize } from '../hooks.js';
import { presenters } from '../share-text.js';
import { ShareStage } from './share-stage.js';
import { VideoTile } from './video-tile.js';

export interface VideoGridProps {
  state: CallState;
  pinnedId: string | null;
  sinkId: string;
  onPin: (peerId: string | null) => void;
}

const LOCAL_KEY = '\u0000local';

/**
 * Everyone's video. Columns adapt to the number of people and the space
 * (grid.ts); a pinned person takes the stage and the rest go to a strip. A
 * shared screen takes the stage before any pin, with its presenter's camera
 * small on it (the first presenter's, if several share).
 */
export function VideoGrid({ state, pinnedId, sinkId, onPin }: VideoGridProps) {
  const [ref, size] = useElementSize<HTMLElement>();
  const tiles: { key: string; p: Participant; local: boolean }[] = [
    { key: LOCAL_KEY, p: { ...state.local, peerId: state.local.peerId ?? '' }, local: true },
    ...state.peers.map((p) => ({ key: p.peerId, p, local: false })),
  ];
  const presenter = presenters(state)[0];
  const presenterTile = presenter ? tiles.find((t) => !t.local && t.p.peerId === presenter.peerId) : undefined;
  const pinned = presenterTile ?? (pinnedId === null ? undefined : tiles.find((t) => !t.local && t.p.peerId === pinnedId));
  const rest = pinned ? tiles.filter((t) => t !== pinned) : tiles;

  const render = (t: (typeof tiles)[number]) => (
    <VideoTile
      key={t.key}
      participant={t.p}
      local={t.local}
      speaking={!t.local ? state.activeSpeakerId === t.p.peerId : state.activeSpeakerId !== null && state.activeSpeakerId === state.local.peerId}
      pinned={t === pinned && !presenter}
      sinkId={sinkId}
      {...(t.local || presenter ? {} : { onPin: () => onPin(t === pinned ? null : t.p.peerId) })}
    />
  );

  const area = pinned ? { width: size.width, height: size.height * 0.25 } : size;
  const { columns, rows } = pinned ? { columns: Math.max(1, rest.length), rows: 1 } : gridLayout(rest.length, area.width, area.height);
  return (
    <section ref={ref} class={`video-area${pinned ? ' has-pin' : ''}${presenter ? ' has-share' : ''}`} aria-label="Participants' video">
      {presenter && pinned ? (
        <div class="stage">
          <ShareStage presenter={presenter} sinkId={sinkId}>
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
