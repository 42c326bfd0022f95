import { followSubject, gaussianSmooth, parseAspect, windowSize } from './reframe';

const frame = { width: 1920, height: 1080 };

describe('reframe', () => {
  it.each([
    ['16:9', 16 / 9],
    ['9:16', 9 / 16],
    ['4:5', 0.8],
    ['x', null],
    [null, null],
  ])('parses %s', (r, v) => expect(parseAspect(r)).toBe(v));

  it.each([
    [9 / 16, { width: 608, height: 1080 }],
    [1, { width: 1080, height: 1080 }],
    [0.8, { width: 864, height: 1080 }],
    [21 / 9, { width: 1920, height: 822 }],
  ])('the largest %s window inside 1920×1080', (a, size) => expect(windowSize(frame, a)).toEqual(size));

  it('needs no reframe at the master’s own aspect', () => expect(followSubject(frame, 16 / 9, [[100, 100]], 12)).toBeNull());

  it('centres the subject, stays inside the frame and does not jitter', () => {
    // The subject walks left to right with a 6 px tremor frame to frame.
    const path = Array.from({ length: 100 }, (_, i) => [100 + 17 * i + (i % 2 ? 6 : -6), 540] as [number, number]);
    const w = followSubject(frame, 9 / 16, path, 12)!;
    expect(w.width).toBe(608);
    expect(Math.min(...w.x)).toBe(0);
    expect(Math.max(...w.x)).toBeLessThanOrEqual(1920 - 608);
    expect(w.x.every((v) => v % 2 === 0)).toBe(true);
    // Mid-shot the window's centre is on the (smoothed) subject.
    expect(Math.abs(w.x[50] + 304 - (100 + 17 * 50))).toBeLessThan(8);
    // No back-and-forth: the smoothed path only moves one way.
    for (let i = 1; i < 100; i++) expect(w.x[i]).toBeGreaterThanOrEqual(w.x[i - 1]);
  });

  it('holds its place while the subject is out of frame', () => {
    const w = followSubject(frame, 1, [[400, 540], null, null, [400, 540]], 0)!;
    expect(w.x).toEqual([0, 0, 0, 0]);
    const late = followSubject(frame, 1, [null, null, [1500, 540]], 0)!;
    expect(late.x).toEqual([840, 840, 840]);
  });

  it('smooths with its ends held', () => gaussianSmooth([5, 5, 5, 5], 2).forEach((v) => expect(v).toBeCloseTo(5, 9)));
});
