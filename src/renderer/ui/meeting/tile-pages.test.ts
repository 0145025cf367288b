import { describe, expect, it } from 'vitest';
import { MAX_TILES_PER_PAGE, MIN_TILE_WIDTH, pageOf, tilesInStrip, tilesPerPage } from './tile-pages.js';

describe('tile pages (meetings larger than the screen)', () => {
  it('puts as many tiles on a page as fit at the smallest readable size, and no more than the cap', () => {
    expect(tilesPerPage(1280, 640)).toBe(MAX_TILES_PER_PAGE); // 7 × 6 would fit: capped
    expect(tilesPerPage(480, 300)).toBe(2 * 3); // 2 columns of 160 px, 3 rows of 90 px
    expect(tilesPerPage(100, 50)).toBe(1); // never none
    expect(tilesPerPage(0, 0)).toBe(MAX_TILES_PER_PAGE); // not measured yet: no paging
  });

  it('fits the speaker view’s strip side by side', () => {
    expect(tilesInStrip(3 * MIN_TILE_WIDTH + 2 * 8)).toBe(3);
    expect(tilesInStrip(3 * MIN_TILE_WIDTH + 2 * 8 - 1)).toBe(2);
    expect(tilesInStrip(10)).toBe(1);
  });

  it('slices the people into pages and keeps the index on a page that exists', () => {
    const people = Array.from({ length: 50 }, (_, i) => `p${i}`);
    expect(pageOf(people, 0, 25)).toEqual({ items: people.slice(0, 25), index: 0, count: 2 });
    expect(pageOf(people, 1, 25).items).toEqual(people.slice(25));
    // Half the meeting left while someone looked at page 3 of 3: they see the last page there is.
    expect(pageOf(people.slice(0, 20), 2, 10)).toEqual({ items: people.slice(10, 20), index: 1, count: 2 });
    expect(pageOf([], 4, 9)).toEqual({ items: [], index: 0, count: 1 });
  });
});
