import { useRef } from 'preact/hooks';
import type { Participant, Quality } from '../../engine/call-state.js';
import { useCallSelector, useSinkId, useSrcObject, type CallStore } from '../hooks.js';
import { countRender } from '../render-count.js';
import { cantDecryptText } from '../messages.js';
import { selectTile, shallowEqual } from './call-selectors.js';
import { memo } from './memo.js';

const QUALITY_TEXT: Record<Quality, string> = {
  good: 'Connection: good',
  fair: 'Connection: fair',
  poor: 'Connection: poor',
  unknown: 'Connection: measuring',
};

export function connectionText(p: Pick<Participant, 'connection' | 'quality'>): string {
  switch (p.connection) {
    case 'connecting':
      return 'Connecting';
    case 'reconnecting':
      return 'Reconnecting';
    case 'failed':
      return 'Connection failed';
    default:
      return QUALITY_TEXT[p.quality];
  }
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0]!, parts[parts.length - 1]!] : parts;
  return letters.map((p) => Array.from(p)[0]!.toUpperCase()).join('') || '?';
}

export interface TileProps {
  engine: CallStore;
  /** The person shown; null is this client. */
  peerId: string | null;
  pinned: boolean;
  sinkId: string;
  /** Pins (or unpins) this person; absent where pinning is not offered. Must be stable (a state setter). */
  onPin?: (peerId: string | null) => void;
}

/**
 * One person: their video (which also plays their audio), name and states as
 * text. Memoized, and subscribed to its own participant's TileView
 * (call-selectors.ts): an audio-level or stats tick that changes nothing it
 * shows does not render it.
 */
export const VideoTile = memo(function VideoTile({ engine, peerId, pinned, sinkId, onPin }: TileProps) {
  countRender('VideoTile');
  const p = useCallSelector(engine, (s) => selectTile(s, peerId), shallowEqual);
  const local = peerId === null;
  const video = useRef<HTMLVideoElement>(null);
  useSrcObject(video, p?.stream ?? null);
  useSinkId(video, local ? '' : sinkId);
  if (p === null) return null; // left; the grid drops the tile on its next render
  const name = local ? `${p.displayName} (you)` : p.displayName;
  const classes = ['tile', p.speaking ? 'speaking' : '', pinned ? 'pinned' : '', p.hasVideo ? '' : 'no-video', local ? 'local' : '']
    .filter(Boolean)
    .join(' ');
  const mediaProps = local ? { 'data-local': '' } : { 'data-peer-id': p.peerId };
  const undecryptable = local ? null : cantDecryptText(p.displayName, p.cantDecrypt);
  return (
    <div role="group" aria-label={name} class={classes}>
      <video ref={video} autoPlay playsInline muted={local} {...mediaProps} />
      {p.hasVideo ? null : (
        <div class="avatar" aria-hidden="true">
          {initials(p.displayName)}
        </div>
      )}
      {undecryptable ? (
        <p class="tile-alert" role="status">
          {undecryptable}
        </p>
      ) : null}
      <div class="tile-bar">
        <span class="tile-name">{name}</span>
        <span class="tile-tags">
          {p.isHost ? <span class="tag">host</span> : null}
          {p.muted ? <span class="tag tag-muted">muted</span> : null}
          {p.handRaised ? <span class="tag tag-hand">hand raised</span> : null}
          {p.speaking ? <span class="sr-only">speaking</span> : null}
          {!local && p.verification === 'failed' ? <span class="tag tag-unverified">not verified</span> : null}
          {local ? null : <span class={`tag quality quality-${p.connection === 'connected' ? p.quality : p.connection}`}>{connectionText(p)}</span>}
          {!local && p.connection === 'connected' && p.relayed ? (
            <span class="tag tag-relayed" title="This connection goes through the relay (TURN) server">
              relayed
            </span>
          ) : null}
        </span>
      </div>
      {onPin ? (
        <button type="button" class="pin small" aria-pressed={pinned} title={pinned ? 'Unpin' : 'Show large'} onClick={() => onPin(pinned ? null : p.peerId)}>
          Pin {p.displayName}
        </button>
      ) : null}
    </div>
  );
});
