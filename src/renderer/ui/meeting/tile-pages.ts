/**
 * Pages of video tiles, for meetings larger than a screen holds (up to 50
 * through the SFU). A tile smaller than MIN_TILE_WIDTH shows neither a face
 * nor a readable name, so past what fits at that size the rest go to further
 * pages; the person moves between them with "Previous page" / "Next page".
 */

/** Narrowest useful tile (16:9): a face and a one-line name still read at this size. */
export const MIN_TILE_WIDTH = 160;
/** Most tiles on one gallery page, however large the window: past 25, nobody is watched anyway. */
export const MAX_TILES_PER_PAGE = 25;
const ASPECT = 16 / 9;
const GAP = 8;

/** How many tiles of at least MIN_TILE_WIDTH fit in a `width` × `height` box (at least 1; the cap before the box is measured). */
export function tilesPerPage(width: number, height: number, max = MAX_TILES_PER_PAGE): number {
  if (!(width > 0) || !(height > 0)) return max;
  const columns = Math.max(1, Math.floor((width + GAP) / (MIN_TILE_WIDTH + GAP)));
  const rows = Math.max(1, Math.floor((height + GAP) / (MIN_TILE_WIDTH / ASPECT + GAP)));
  return Math.max(1, Math.min(max, columns * rows));
}

/** How many tiles of a strip `width` wide fit side by side (the speaker view's row under the stage). */
export function tilesInStrip(width: number, max = MAX_TILES_PER_PAGE): number {
  if (!(width > 0)) return max;
  return Math.max(1, Math.min(max, Math.floor((width + GAP) / (MIN_TILE_WIDTH + GAP))));
}

export interface Page<T> {
  items: T[];
  /** 0-based, clamped to the pages there are (a page emptied by people leaving shows the last one). */
  index: number;
  count: number;
}

export function pageOf<T>(items: readonly T[], index: number, perPage: number): Page<T> {
  const size = Math.max(1, Math.floor(perPage));
  const count = Math.max(1, Math.ceil(items.length / size));
  const clamped = Math.min(Math.max(0, Math.floor(index)), count - 1);
  return { items: items.slice(clamped * size, (clamped + 1) * size), index: clamped, count };
}
