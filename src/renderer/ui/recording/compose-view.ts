/**
 * Draws what the person sees of the meeting — the grid or the stage — onto a
 * canvas: every playing <video> inside the video area, where it is on the
 * screen, scaled to the canvas and letterboxed (tiles show video with
 * object-fit: contain, so does this). Drawing follows the page's own layout,
 * so a pin, a shared screen or someone joining shows in the recording as it
 * did on the screen.
 */

export const RECORDING_WIDTH = 1280;
export const RECORDING_HEIGHT = 720;
const BACKGROUND = '#111318';
const TILE = '#23262e';

/** Where a box of `w`×`h` lands inside `box` with object-fit: contain. */
export function containRect(w: number, h: number, box: { x: number; y: number; width: number; height: number }) {
  if (w <= 0 || h <= 0) return { ...box, width: 0, height: 0 };
  const scale = Math.min(box.width / w, box.height / h);
  const width = w * scale;
  const height = h * scale;
  return { x: box.x + (box.width - width) / 2, y: box.y + (box.height - height) / 2, width, height };
}

/** One frame: the area as it is now, drawn into `ctx` (RECORDING_WIDTH × RECORDING_HEIGHT). */
export function drawView(ctx: CanvasRenderingContext2D, area: Element): void {
  ctx.fillStyle = BACKGROUND;
  ctx.fillRect(0, 0, RECORDING_WIDTH, RECORDING_HEIGHT);
  const bounds = area.getBoundingClientRect();
  const fit = containRect(bounds.width, bounds.height, { x: 0, y: 0, width: RECORDING_WIDTH, height: RECORDING_HEIGHT });
  if (fit.width === 0) return;
  const scale = fit.width / bounds.width;
  for (const video of area.querySelectorAll('video')) {
    const r = video.getBoundingClientRect();
    const box = { x: fit.x + (r.left - bounds.left) * scale, y: fit.y + (r.top - bounds.top) * scale, width: r.width * scale, height: r.height * scale };
    if (box.width < 1 || box.height < 1) continue;
    ctx.fillStyle = TILE;
    ctx.fillRect(box.x, box.y, box.width, box.height);
    if (video.readyState < HTMLMediaElement.HAVE_CURRENT_DATA) continue;
    const at = containRect(video.videoWidth, video.videoHeight, box);
    ctx.drawImage(video, at.x, at.y, at.width, at.height);
  }
}
