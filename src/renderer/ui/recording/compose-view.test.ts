import { describe, expect, it } from 'vitest';
import { containRect } from './compose-view.js';

describe('containRect (object-fit: contain, as the tiles draw video)', () => {
  it('letterboxes a wide picture in a tall box, and pillarboxes a tall one in a wide box', () => {
    expect(containRect(1280, 720, { x: 0, y: 0, width: 640, height: 640 })).toEqual({ x: 0, y: 140, width: 640, height: 360 });
    expect(containRect(480, 640, { x: 10, y: 0, width: 800, height: 400 })).toEqual({ x: 260, y: 0, width: 300, height: 400 });
  });

  it('draws nothing for a video without a size yet', () => {
    expect(containRect(0, 0, { x: 5, y: 5, width: 100, height: 100 })).toMatchObject({ width: 0, height: 0 });
  });
});
