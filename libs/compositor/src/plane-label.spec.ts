import type { Quad } from '@shotmatrix/contracts';
import { fillLostQuads, LABEL_PAD, planeCanvas, planeLabelCorners, trackedFramesExpr } from './plane-label';

const frame = { width: 1920, height: 1080 };
const q = (x: number, y: number, w = 200, h = 100): Quad => [
  [x, y],
  [x + w, y],
  [x + w, y + h],
  [x, y + h],
];

describe('plane label', () => {
  it('the canvas holds every tracked quad, even-aligned and inside the frame', () => {
    expect(planeCanvas([q(101, 51), null, q(131, 61)], frame)).toEqual({ x: 98, y: 48, width: 236, height: 116 });
    expect(planeCanvas([q(1800, 1000)], frame)).toEqual({ x: 1798, y: 998, width: 122, height: 82 });
    expect(planeCanvas([null, null], frame)).toBeNull();
  });

  it('maps the label’s inner rectangle onto the quad (identity when they coincide)', () => {
    const label = { width: 200, height: 100 };
    const canvas = { x: 0, y: 0, width: 200 + 2 * LABEL_PAD, height: 100 + 2 * LABEL_PAD };
    const corners = planeLabelCorners(label, canvas, q(LABEL_PAD, LABEL_PAD));
    const want = [
      [0, 0],
      [canvas.width, 0],
      [0, canvas.height],
      [canvas.width, canvas.height],
    ];
    corners.forEach((c, i) => c.forEach((v, j) => expect(v).toBeCloseTo(want[i][j], 6)));
  });

  it('shows the label only on tracked frames', () => {
    expect(trackedFramesExpr([q(0, 0), q(0, 0)])).toBeNull();
    expect(trackedFramesExpr([q(0, 0), null, q(0, 0), q(0, 0), null])).toBe('between(n\\,0\\,0)+between(n\\,2\\,3)');
    expect(trackedFramesExpr([null])).toBe('0');
  });

  it('lost frames borrow the nearest tracked quad', () => {
    const a = q(0, 0);
    const b = q(50, 50);
    expect(fillLostQuads([null, a, null, null, b])).toEqual([a, a, a, b, b]);
    expect(() => fillLostQuads([null])).toThrow('not tracked on any frame');
  });
});
