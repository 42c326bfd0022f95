import { clampPercent, frameToTime, needsResync, playerKeyAction, reviewFps, timeToFrame, wipeFromPointer } from './player-frames';

describe('frameToTime / timeToFrame', () => {
  it.each([
    [0, 25, 0.02],
    [1, 25, 0.06],
    [24, 25, 0.98],
    [10, 30000 / 1001, 10.5 / (30000 / 1001)],
  ])('frame %p at %p fps seeks to the middle of the frame (%p s)', (frame, fps, seconds) => {
    expect(frameToTime(frame, fps)).toBeCloseTo(seconds, 9);
  });

  it('round-trips every frame of a 29.97 and a 23.976 shot', () => {
    for (const fps of [30000 / 1001, 24000 / 1001, 25, 50]) {
      for (let f = 0; f < 600; f++) expect(timeToFrame(frameToTime(f, fps), fps, 600)).toBe(f);
    }
  });

  it.each([
    [0, 25, 100, 0],
    [0.039999, 25, 100, 0],
    [0.04, 25, 100, 1],
    // n / fps computed in floating point sits a hair below the boundary.
    [(3 * 1001) / 30000, 30000 / 1001, 100, 3],
    [4, 25, 100, 99],
    [999, 25, 100, 99],
    [-1, 25, 100, 0],
    [Number.NaN, 25, 100, 0],
    [1, 0, 100, 0],
  ])('time %p s at %p fps over %p frames is frame %p', (t, fps, count, frame) => {
    expect(timeToFrame(t, fps, count)).toBe(frame);
  });

  it('a bad frame rate seeks to the start', () => {
    expect(frameToTime(12, 0)).toBe(0);
    expect(frameToTime(12, Number.NaN)).toBe(0);
  });
});

describe('reviewFps', () => {
  it.each([
    [25, 100, 4, 25],
    [null, 120, 5, 24],
    [0, 120, 5, 24],
    [null, null, null, 25],
    [undefined, 100, 0, 25],
  ])('master %p, %p frames over %p s → %p fps', (master, frames, duration, fps) => {
    expect(reviewFps(master, frames, duration)).toBe(fps);
  });
});

describe('needsResync', () => {
  it.each([
    [1.0, 1.0, 25, false],
    [1.0, 1.079, 25, false],
    [1.0, 1.081, 25, true],
    [2.0, 1.9, 25, true],
    [2.0, 1.9, 0, false],
  ])('leader %p s, follower %p s at %p fps → %p', (a, b, fps, expected) => {
    expect(needsResync(a, b, fps)).toBe(expected);
  });
});

describe('wipeFromPointer', () => {
  it.each([
    [150, 100, 200, 25],
    [100, 100, 200, 0],
    [50, 100, 200, 0],
    [400, 100, 200, 100],
    [133.333, 100, 200, 16.7],
    [10, 0, 0, 50],
  ])('x=%p over [%p, +%p] is %p%%', (x, left, width, p) => {
    expect(wipeFromPointer(x, left, width)).toBe(p);
  });

  it('clampPercent keeps 0..100 and turns junk into the middle', () => {
    expect(clampPercent(-4)).toBe(0);
    expect(clampPercent(104)).toBe(100);
    expect(clampPercent(Number.NaN)).toBe(50);
  });
});

describe('playerKeyAction', () => {
  it.each([
    [{ key: 'ArrowRight' }, 'other', { kind: 'step', by: 1 }],
    [{ key: 'ArrowLeft' }, 'other', { kind: 'step', by: -1 }],
    [{ key: 'ArrowLeft', shiftKey: true }, 'transport', { kind: 'step', by: -10 }],
    [{ key: 'ArrowRight' }, 'button', { kind: 'step', by: 1 }],
    [{ key: ' ' }, 'other', { kind: 'toggle' }],
    [{ key: ' ' }, 'transport', { kind: 'toggle' }],
    [{ key: ' ' }, 'slider', { kind: 'toggle' }],
  ] as const)('%p on %p → %p', (press, target, action) => {
    expect(playerKeyAction(press, target)).toEqual(action);
  });

  it.each([
    // Typing a comment: every key is the text's.
    [{ key: 'ArrowLeft' }, 'text'],
    [{ key: ' ' }, 'text'],
    // A slider (frame slider, wipe divider) moves itself with the arrows.
    [{ key: 'ArrowRight' }, 'slider'],
    // Space presses a focused button elsewhere on the page.
    [{ key: ' ' }, 'button'],
    // Browser and OS shortcuts are left alone.
    [{ key: 'ArrowLeft', altKey: true }, 'other'],
    [{ key: 'ArrowRight', metaKey: true }, 'other'],
    [{ key: ' ', ctrlKey: true }, 'other'],
    [{ key: 'Enter' }, 'other'],
    [{ key: 'k' }, 'other'],
  ] as const)('%p on %p is not the player\'s', (press, target) => {
    expect(playerKeyAction(press, target)).toBeNull();
  });
});
