import { even, layoutVariant } from './layout';

describe('layoutVariant', () => {
  it('keeps the label inside the title-safe corner of a landscape frame', () => {
    const l = layoutVariant({ width: 1920, height: 1080 }, 800 / 260);
    expect(l.output).toEqual({ width: 1920, height: 1080 });
    expect(l.label.width).toBe(768);
    expect(l.label.x).toBe(54);
    expect(l.label.y + Math.round(768 / (800 / 260)) + 54).toBe(1080);
  });

  it('rounds odd masters to even sizes', () => {
    expect(layoutVariant({ width: 641, height: 361 }, 3).output).toEqual({ width: 642, height: 362 });
    expect(even(1)).toBe(2);
  });

  it('uses a wider label on portrait frames', () => {
    expect(layoutVariant({ width: 1080, height: 1920 }, 3).label.width).toBe(756);
  });
});
