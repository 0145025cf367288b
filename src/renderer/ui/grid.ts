/** How many columns and rows a video grid needs so each tile is as large as possible. */
export interface GridLayout {
  columns: number;
  rows: number;
}

/**
 * Picks the column count that makes tiles of `aspect` (width / height) largest
 * inside a `width` × `height` box with `gap` pixels between tiles. Without a
 * usable box (not yet measured), falls back to a square-ish grid.
 */
export function gridLayout(count: number, width: number, height: number, aspect = 16 / 9, gap = 8): GridLayout {
  const n = Number.isFinite(count) ? Math.max(1, Math.floor(count)) : 1;
  if (!(width > 0) || !(height > 0) || !(aspect > 0)) {
    const columns = Math.ceil(Math.sqrt(n));
    return { columns, rows: Math.ceil(n / columns) };
  }
  let best: GridLayout = { columns: n, rows: 1 };
  let bestArea = -1;
  for (let columns = 1; columns <= n; columns++) {
    const rows = Math.ceil(n / columns);
    // Skip layouts that leave a whole row or column empty.
    if ((columns - 1) * rows >= n) continue;
    const cellW = (width - gap * (columns - 1)) / columns;
    const cellH = (height - gap * (rows - 1)) / rows;
    if (cellW <= 0 || cellH <= 0) continue;
    const tileW = Math.min(cellW, cellH * aspect);
    const area = tileW * (tileW / aspect);
    if (area > bestArea + 1e-6) {
      bestArea = area;
      best = { columns, rows };
    }
  }
  return best;
}
