import { describeRegion, pointOnPicture, regionFromDrag, regionStyle } from './region';

const box = { left: 100, top: 50, width: 400, height: 200 };

describe('pointOnPicture', () => {
  it.each([
    [100, 50, { x: 0, y: 0 }],
    [300, 150, { x: 0.5, y: 0.5 }],
    [500, 250, { x: 1, y: 1 }],
    // Dragging past the picture's edge sticks to the edge.
    [40, 400, { x: 0, y: 1 }],
    [900, -20, { x: 1, y: 0 }],
  ])('(%p, %p) → %p', (x, y, expected) => {
    expect(pointOnPicture(x, y, box)).toEqual(expected);
  });

  it('a picture with no size gives the corner', () => {
    expect(pointOnPicture(10, 10, { left: 0, top: 0, width: 0, height: 0 })).toEqual({ x: 0, y: 0 });
  });
});

describe('regionFromDrag', () => {
  it('spans the drag whichever way it went', () => {
    const r = { x: 0.2, y: 0.3, w: 0.4, h: 0.5 };
    expect(regionFromDrag({ x: 0.2, y: 0.3 }, { x: 0.6, y: 0.8 })).toEqual(r);
    expect(regionFromDrag({ x: 0.6, y: 0.8 }, { x: 0.2, y: 0.3 })).toEqual(r);
    expect(regionFromDrag({ x: 0.6, y: 0.3 }, { x: 0.2, y: 0.8 })).toEqual(r);
    expect(regionFromDrag({ x: 0.2, y: 0.8 }, { x: 0.6, y: 0.3 })).toEqual(r);
  });

  it('rounds to four decimals and stays inside the frame', () => {
    const r = regionFromDrag({ x: 0.123456, y: 0.000001 }, { x: 1.2, y: 0.999999 })!;
    expect(r).toEqual({ x: 0.1235, y: 0, w: 0.8765, h: 1 });
    expect(r.x + r.w).toBeLessThanOrEqual(1);
    expect(r.y + r.h).toBeLessThanOrEqual(1);
  });

  it('clamps points outside the picture', () => {
    expect(regionFromDrag({ x: -0.5, y: -1 }, { x: 0.5, y: 0.25 })).toEqual({ x: 0, y: 0, w: 0.5, h: 0.25 });
  });

  it.each([
    [{ x: 0.5, y: 0.5 }, { x: 0.5, y: 0.5 }],
    [{ x: 0.5, y: 0.5 }, { x: 0.505, y: 0.9 }],
    [{ x: 0.1, y: 0.5 }, { x: 0.9, y: 0.502 }],
  ])('a click or a sliver (%p → %p) is no region', (a, b) => {
    expect(regionFromDrag(a, b)).toBeNull();
  });

  it('honours a custom minimum', () => {
    expect(regionFromDrag({ x: 0.5, y: 0.5 }, { x: 0.505, y: 0.505 }, 0.001)).toEqual({ x: 0.5, y: 0.5, w: 0.005, h: 0.005 });
  });
});

describe('regionStyle / describeRegion', () => {
  it('places the region in percent', () => {
    expect(regionStyle({ x: 0.1235, y: 0, w: 0.5, h: 0.3333 })).toEqual({ left: '12.35%', top: '0%', width: '50%', height: '33.33%' });
  });

  it('reads as whole percentages', () => {
    expect(describeRegion({ x: 0.1235, y: 0.3, w: 0.2, h: 0.1549 })).toBe('region at 12%, 30% · 20% × 15%');
  });
});
