import type { Quad } from '@shotmatrix/contracts';
import { fillLostQuads, LABEL_PAD, planeCanvas, planeLabelCorners, planeRasterSizes, planeWindow, trackedFramesExpr, windowAt } from './plane-label';

const frame = { width: 1920, height: 1080 };
const q = (x: number, y: number, w = 200, h = 100): Quad => [
  [x, y],
  [x + w, y],
  [x + w, y + h],
  [x, y + h],
];

describe('plane label', () => {
  it('the window is one even size that holds each frame’s quad where that frame puts it, inside the frame', () => {
    const quads = [q(101, 51), null, q(131, 61), q(400, 300, 210, 90), q(1800, 1000), q(-300, 500, 500, 100), q(3.99, 700, 100, 50.5)];
    const w = planeWindow(quads, frame)!;
    // The widest quad on screen is 210 px (the one half off the left edge shows 200), with its room: 214.
    expect([w.width, w.height]).toEqual([214, 106]);
    expect(w.width % 2 + w.height % 2).toBe(0);
    fillLostQuads(quads).forEach((quad, n) => {
      const r = windowAt(w, n);
      expect(r.x % 2 + r.y % 2).toBe(0);
      expect(r.x + r.width).toBeLessThanOrEqual(frame.width);
      expect(r.y + r.height).toBeLessThanOrEqual(frame.height);
      // As far as it is on screen, the quad is inside its window, with 2 px of room wherever the frame allows.
      for (const [x, y] of quad) {
        const [cx, cy] = [Math.min(Math.max(x, 0), frame.width), Math.min(Math.max(y, 0), frame.height)];
        const room = (edge: number, limit: number) => (edge === 0 || edge === limit ? 0 : 2);
        expect(cx).toBeGreaterThanOrEqual(r.x + room(r.x, -1));
        expect(cy).toBeGreaterThanOrEqual(r.y + room(r.y, -1));
        expect(cx).toBeLessThanOrEqual(r.x + r.width - room(r.x + r.width, frame.width));
        expect(cy).toBeLessThanOrEqual(r.y + r.height - room(r.y + r.height, frame.height));
      }
    });
    // Far smaller than the union over a moving shot, which is what the label's per-frame work pays for.
    const union = planeCanvas(quads, frame)!;
    expect(w.width * w.height).toBeLessThan((union.width * union.height) / 10);
    expect(planeWindow([null, null], frame)).toBeNull();
  });

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

  it.each([
    // quad, label width (1.5 × the longest side, 64–2048), aspect, reference (the label's width at the plane's shape)
    ['a 200×100 plane', q(0, 0), 300, 2, { width: 300, height: 150 }],
    ['a tall 40×120 plane', q(10, 10, 40, 120), 180, 1 / 3, { width: 180, height: 540 }],
    ['a tiny plane', q(0, 0, 20, 10), 64, 2, { width: 64, height: 32 }],
    ['a huge plane', q(0, 0, 1800, 900), 2048, 2, { width: 2048, height: 1024 }],
    ['a sliver', q(0, 0, 400, 1), 600, 400, { width: 600, height: 16 }],
    ['a plane seen in perspective', [[0, 0], [300, 20], [300, 100], [0, 140]] as Quad, 454, (Math.hypot(300, 20) + Math.hypot(300, 40)) / 220, { width: 454, height: 166 }],
  ])('rasterises for %s: the label larger than it appears, the occlusion reference at the plane’s own shape', (_, quad, labelWidth, aspect, reference) => {
    const sizes = planeRasterSizes(quad as Quad);
    expect(sizes.labelWidth).toBe(labelWidth);
    expect(sizes.aspect).toBeCloseTo(aspect as number, 6);
    expect(sizes.reference).toEqual(reference);
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
