import { even, insideTitleSafe, layoutVariant, placeOverlay, titleSafe } from './layout';

const hd = { width: 1920, height: 1080 };

describe('layoutVariant', () => {
  it('keeps the label inside the title-safe corner of a landscape frame', () => {
    const l = layoutVariant(hd, 800 / 260);
    expect(l.output).toEqual(hd);
    expect(l.label.width).toBe(768);
    expect(l.label.x).toBe(96);
    expect(l.label.y + Math.round(768 / (800 / 260)) + 54).toBe(1080);
    expect(insideTitleSafe(hd, { x: l.label.x, y: l.label.y, width: 768, height: Math.round(768 / (800 / 260)) })).toBe(true);
  });

  it('lifts the label above a legal line', () => {
    expect(layoutVariant(hd, 800 / 260, 60).label.y).toBe(layoutVariant(hd, 800 / 260).label.y - 60);
  });

  it('rounds odd masters to even sizes', () => {
    expect(layoutVariant({ width: 641, height: 361 }, 3).output).toEqual({ width: 642, height: 362 });
    expect(even(1)).toBe(2);
  });

  it('uses a wider label on portrait frames', () => {
    expect(layoutVariant({ width: 1080, height: 1920 }, 3).label.width).toBe(756);
  });
});

describe('placeOverlay', () => {
  it.each([
    ['legal', hd, 25, { x: 96, y: 1026 - 69, width: 1728, height: 69 }],
    ['super', hd, 1400 / 150, { x: 96 + 259, y: 54, width: 1209, height: 130 }],
    ['super', { width: 1080, height: 1920 }, 1400 / 150, { x: 54, y: 96, width: 972, height: 104 }],
  ] as const)('%s on %j', (role, frame, aspect, box) => {
    const b = placeOverlay(frame, role, aspect);
    expect(b).toEqual(box);
    expect(insideTitleSafe(frame, b)).toBe(true);
  });
  it('an end card too tall for the safe area is fitted by height', () => {
    const b = placeOverlay(hd, 'endcard', 1);
    expect(b.height).toBe(titleSafe(hd).height);
    expect(insideTitleSafe(hd, b)).toBe(true);
  });
  it('a box past the margin is outside', () => expect(insideTitleSafe(hd, { x: 10, y: 10, width: 100, height: 100 })).toBe(false));
});
