import { useRef } from 'preact/hooks';
import type { Participant, Quality } from '../../engine/call-state.js';
import { useSinkId, useSrcObject } from '../hooks.js';

const QUALITY_TEXT: Record<Quality, string> = {
  good: 'Connection: good',
  fair: 'Connection: fair',
  poor: 'Connection: poor',
  unknown: 'Connection: measuring',
};

export function connectionText(p: Participant): string {
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
  participant: Participant;
  local: boolean;
  speaking: boolean;
  pinned: boolean;
  sinkId: string;
  onPin?: () => void;
}

/** One person: their video (which also plays their audio), name and states as text. */
export function VideoTile({ participant: p, local, speaking, pinned, sinkId, onPin }: TileProps) {
  const video = useRef<HTMLVideoElement>(null);
  useSrcObject(video, p.stream);
  useSinkId(video, local ? '' : sinkId);
  const name = local ? `${p.displayName} (you)` : p.displayName;
  const hasVideo = !p.videoOff && (p.stream?.getVideoTracks().some((t) => t.readyState === 'live') ?? false);
  const classes = ['tile', speaking ? 'speaking' : '', pinned ? 'pinned' : '', hasVideo ? '' : 'no-video', local ? 'local' : '']
    .filter(Boolean)
    .join(' ');
  const mediaProps = local ? { 'data-local': '' } : { 'data-peer-id': p.peerId };
  return (
    <div role="group" aria-label={name} class={classes}>
      <video ref={video} autoPlay playsInline muted={local} {...mediaProps} />
      {hasVideo ? null : (
        <div class="avatar" aria-hidden="true">
          {initials(p.displayName)}
        </div>
      )}
      <div class="tile-bar">
        <span class="tile-name">{name}</span>
        <span class="tile-tags">
          {p.isHost ? <span class="tag">host</span> : null}
          {p.muted ? <span class="tag tag-muted">muted</span> : null}
          {p.handRaised ? <span class="tag tag-hand">hand raised</span> : null}
          {speaking ? <span class="sr-only">speaking</span> : null}
          {!local && p.verification === 'failed' ? <span class="tag tag-unverified">not verified</span> : null}
          {local ? null : <span class={`tag quality quality-${p.connection === 'connected' ? p.quality : p.connection}`}>{connectionText(p)}</span>}
          {!local && p.connection === 'connected' && p.stats?.relayed ? (
            <span class="tag tag-relayed" title="This connection goes through the relay (TURN) server">
              relayed
            </span>
          ) : null}
        </span>
      </div>
      {onPin ? (
        <button type="button" class="pin small" aria-pressed={pinned} title={pinned ? 'Unpin' : 'Show large'} onClick={onPin}>
          Pin {p.displayName}
        </button>
      ) : null}
    </div>
  );
}
