import { describe, expect, it } from 'vitest';
import { gridLayout } from './grid.js';

describe('gridLayout', () => {
  it('shows one person full size', () => {
    expect(gridLayout(1, 1280, 720)).toEqual({ columns: 1, rows: 1 });
  });

  it('puts two side by side on a wide screen and stacked on a tall one', () => {
    expect(gridLayout(2, 1600, 600)).toEqual({ columns: 2, rows: 1 });
    expect(gridLayout(2, 400, 900)).toEqual({ columns: 1, rows: 2 });
  });

  it('uses a 2×2 grid for four on a 16:9 screen and 3×3 for nine', () => {
    expect(gridLayout(4, 1280, 720)).toEqual({ columns: 2, rows: 2 });
    expect(gridLayout(9, 1280, 720)).toEqual({ columns: 3, rows: 3 });
  });

  it('always fits everyone, never leaves a whole row empty', () => {
    for (let n = 1; n <= 32; n++) {
      for (const [w, h] of [
        [1280, 720],
        [375, 812],
        [1920, 400],
        [300, 300],
      ] as const) {
        const { columns, rows } = gridLayout(n, w, h);
        expect(columns * rows).toBeGreaterThanOrEqual(n);
        expect(columns * (rows - 1)).toBeLessThan(n);
        expect((columns - 1) * rows).toBeLessThan(n);
      }
    }
  });

  it('falls back to a square-ish grid before the box is measured', () => {
    expect(gridLayout(5, 0, 0)).toEqual({ columns: 3, rows: 2 });
    expect(gridLayout(0, NaN, 10)).toEqual({ columns: 1, rows: 1 });
    expect(gridLayout(Number.NaN, 100, 100)).toEqual({ columns: 1, rows: 1 });
  });
});
