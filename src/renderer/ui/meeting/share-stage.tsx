import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useCallSelector, useSinkId, useSrcObject, type CallStore } from '../hooks.js';
import { selectShare, shallowEqual } from './call-selectors.js';

export interface ShareStageProps {
  engine: CallStore;
  /** Whose share this is (the grid's first presenter). */
  presenterId: string;
  sinkId: string;
  /** The presenter's own tile, shown small over the share. */
  children?: ComponentChildren;
}

/** True while `el` (or something inside it) is the document's full-screen element. */
function useFullscreen(el: { current: HTMLElement | null }): boolean {
  const [on, setOn] = useState(false);
  useEffect(() => {
    const sync = () => setOn(document.fullscreenElement !== null && document.fullscreenElement === el.current);
    document.addEventListener('fullscreenchange', sync);
    return () => document.removeEventListener('fullscreenchange', sync);
  }, [el]);
  return on;
}

/**
 * A shared screen, large, with the presenter's camera small in a corner. Its
 * video also plays the screen's sound (a tab's audio), if they share one.
 * "Full screen" takes the whole stage (share and camera) full screen.
 */
export function ShareStage({ engine, presenterId, sinkId, children }: ShareStageProps) {
  const presenter = useCallSelector(engine, (s) => selectShare(s, presenterId), shallowEqual) ?? { peerId: presenterId, displayName: '', screen: null };
  const stage = useRef<HTMLDivElement>(null);
  const video = useRef<HTMLVideoElement>(null);
  useSrcObject(video, presenter.screen);
  useSinkId(video, sinkId);
  const fullscreen = useFullscreen(stage);
  const toggle = () => {
    // Refused (no user gesture, or the document left full screen already): the button keeps saying what is true.
    const failed = (err: unknown) => console.warn('meriMeet: full screen was refused', err);
    if (fullscreen) void document.exitFullscreen().catch(failed);
    else void stage.current?.requestFullscreen().catch(failed);
  };
  return (
    <div ref={stage} role="group" aria-label={`${presenter.displayName}'s screen`} class="share-stage">
      <video ref={video} autoPlay playsInline data-screen-peer-id={presenter.peerId} class="share-video" />
      {children ? <div class="share-presenter">{children}</div> : null}
      <button type="button" class="small share-fullscreen" title={fullscreen ? 'Leave full screen (Esc)' : 'Show the shared screen full screen'} onClick={toggle}>
        {fullscreen ? 'Exit full screen' : 'Full screen'}
      </button>
    </div>
  );
}
