import type { Quad } from '@shotmatrix/contracts';
import {
  clientToMaster,
  confidenceLevel,
  defaultQuad,
  hitTestQuads,
  isConvex,
  moveCorner,
  pointInQuad,
  quadArea,
  quadPoints,
  quadProblem,
  setCoordinate,
  translateQuad,
} from './quad-geometry';

const square: Quad = [
  [100, 100],
  [200, 100],
  [200, 200],
  [100, 200],
];

describe('quad checks (as the API makes them)', () => {
  it('measures area and convexity', () => {
    expect(quadArea(square)).toBe(10000);
    expect(isConvex(square)).toBe(true);
    // Corners in the wrong order cross over.
    expect(isConvex([square[0], square[2], square[1], square[3]])).toBe(false);
    // A dent: one corner pushed inside.
    expect(isConvex([square[0], [150, 150], square[2], square[3]])).toBe(false);
  });

  it('names what is wrong', () => {
    expect(quadProblem(square, 640, 360)).toBeNull();
    expect(quadProblem([square[0], square[2], square[1], square[3]], 640, 360)).toMatch(/not convex/);
    expect(quadProblem([[0, 0], [5, 0], [5, 5], [0, 5]], 640, 360)).toMatch(/covers 25 px²/);
    expect(quadProblem([[0, 0], [2000, 0], [2000, 100], [0, 100]], 640, 360)).toMatch(/far outside the 640×360 picture/);
    expect(quadProblem(setCoordinate(square, 1, 0, Number.NaN), 640, 360)).toMatch(/needs an x and a y/);
  });
});

describe('hit-testing', () => {
  it('finds points inside and on the edge', () => {
    expect(pointInQuad([150, 150], square)).toBe(true);
    expect(pointInQuad([100, 150], square)).toBe(true);
    expect(pointInQuad([250, 150], square)).toBe(false);
    const kite: Quad = [[0, 50], [50, 0], [100, 50], [50, 100]];
    expect(pointInQuad([10, 10], kite)).toBe(false);
    expect(pointInQuad([50, 50], kite)).toBe(true);
  });

  it('prefers the nearest corner handle, then the topmost body', () => {
    const other: Quad = [[150, 150], [300, 150], [300, 300], [150, 300]];
    expect(hitTestQuads([square, other], [203, 98], 8)).toEqual({ index: 0, part: 'corner', corner: 1 });
    // Two corners within reach: the nearer wins.
    expect(hitTestQuads([square, other], [196, 196], 8)).toEqual({ index: 0, part: 'corner', corner: 2 });
    expect(hitTestQuads([square, other], [180, 180], 8)).toEqual({ index: 1, part: 'body' });
    expect(hitTestQuads([square, other], [120, 120], 8)).toEqual({ index: 0, part: 'body' });
    expect(hitTestQuads([square, other], [400, 20], 8)).toBeNull();
    expect(hitTestQuads([], [0, 0], 8)).toBeNull();
  });
});

describe('dragging', () => {
  it('converts client pixels to master pixels', () => {
    const box = { left: 20, top: 50, width: 960, height: 540 };
    expect(clientToMaster(20, 50, box, 1920, 1080)).toEqual([0, 0]);
    expect(clientToMaster(500, 320, box, 1920, 1080)).toEqual([960, 540]);
    expect(clientToMaster(980, 590, box, 1920, 1080)).toEqual([1920, 1080]);
  });

  it('moves one corner, inside the picture, without touching the original', () => {
    const moved = moveCorner(square, 2, [250.04, 260.06], 640, 360);
    expect(moved).toEqual([[100, 100], [200, 100], [250, 260.1], [100, 200]]);
    expect(square[2]).toEqual([200, 200]);
    expect(moveCorner(square, 0, [-50, 900], 640, 360)[0]).toEqual([0, 360]);
  });

  it('moves the whole quad and stops at the edges', () => {
    expect(translateQuad(square, 10, -20, 640, 360)).toEqual([[110, 80], [210, 80], [210, 180], [110, 180]]);
    // Only 100 px of room to the left and 160 px below.
    expect(translateQuad(square, -500, 500, 640, 360)).toEqual([[0, 260], [100, 260], [100, 360], [0, 360]]);
  });

  it('lets a quad that already pokes out move back in', () => {
    const out: Quad = [[-40, 10], [60, 10], [60, 60], [-40, 60]];
    expect(translateQuad(out, 30, 0, 640, 360)[0]).toEqual([-10, 10]);
    expect(translateQuad(out, -30, 0, 640, 360)[0]).toEqual([-40, 10]);
  });

  it('starts new planes as a centred rectangle the API accepts', () => {
    const q = defaultQuad(1920, 1080);
    expect(q).toEqual([[640, 360], [1280, 360], [1280, 720], [640, 720]]);
    expect(quadProblem(q, 1920, 1080)).toBeNull();
  });

  it('writes SVG points', () => {
    expect(quadPoints(square)).toBe('100,100 200,100 200,200 100,200');
  });
});

describe('confidenceLevel', () => {
  it.each([
    [1, 'high'],
    [0.7, 'high'],
    [0.5, 'mid'],
    [0.39, 'low'],
    [0, 'low'],
  ])('%p is %p', (c, level) => {
    expect(confidenceLevel(c)).toBe(level);
  });
});
