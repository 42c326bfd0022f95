import { clampFrame, formatTimecode, framePercent, neighbourFrames, parseFrameInput, spriteTileForFrame } from './timecode';

describe('clampFrame', () => {
  it.each([
    [-3, 100, 0],
    [12.4, 100, 12],
    [12.6, 100, 13],
    [250, 100, 99],
    [Number.NaN, 100, 0],
    [5, 0, 0],
  ])('clampFrame(%p, %p) = %p', (n, count, expected) => {
    expect(clampFrame(n, count)).toBe(expected);
  });
});

describe('formatTimecode', () => {
  it.each([
    [0, 25, '00:00:00:00'],
    [24, 25, '00:00:00:24'],
    [25, 25, '00:00:01:00'],
    [25 * 60 * 61 + 25 * 7 + 3, 25, '01:01:07:03'],
    // 29.97 counts at a nominal 30 frames per timecode second (non-drop-frame).
    [30, 30000 / 1001, '00:00:01:00'],
    [29, 30000 / 1001, '00:00:00:29'],
    [47, 24000 / 1001, '00:00:01:23'],
    // High frame rates get three-digit frame fields only when needed.
    [119, 120, '00:00:00:119'],
    [5, 60, '00:00:00:05'],
  ])('frame %p at %p fps is %p', (frame, fps, expected) => {
    expect(formatTimecode(frame, fps)).toBe(expected);
  });

  it('never shows a negative or fractional frame', () => {
    expect(formatTimecode(-4, 25)).toBe('00:00:00:00');
    expect(formatTimecode(25.9, 25)).toBe('00:00:01:00');
    expect(formatTimecode(3, 0)).toBe('00:00:03:00');
  });
});

describe('parseFrameInput', () => {
  it.each([
    ['120', 25, 120],
    [' 7 ', 25, 7],
    ['00:00:01:00', 25, 25],
    ['01:02:03', 25, 25 * 62 + 3],
    ['1:00', 30, 30],
    ['00:01:00:00', 30000 / 1001, 1800],
  ])('%p at %p fps is frame %p', (text, fps, expected) => {
    expect(parseFrameInput(text, fps)).toBe(expected);
  });

  it.each(['', 'abc', '-3', '1.5', '00:00:00:25', '00:61:00', '1:2:3:4:5'])('refuses %p', (text) => {
    expect(parseFrameInput(text, 25)).toBeNull();
  });
});

describe('spriteTileForFrame', () => {
  const layout = { columns: 10, rows: 10, tileWidth: 160, tileHeight: 90, intervalS: 0.08 };

  it('picks the tile whose time is nearest the frame', () => {
    expect(spriteTileForFrame(0, 25, layout).index).toBe(0);
    // frame 2 at 25 fps = 0.08 s = tile 1
    expect(spriteTileForFrame(2, 25, layout).index).toBe(1);
    expect(spriteTileForFrame(50, 25, layout)).toMatchObject({ index: 25, position: `${(5 / 9) * 100}% ${(2 / 9) * 100}%` });
    expect(spriteTileForFrame(100000, 25, layout).index).toBe(99);
  });
});

describe('framePercent / neighbourFrames', () => {
  it('spreads frames across the strip', () => {
    expect(framePercent(0, 101)).toBe(0);
    expect(framePercent(50, 101)).toBe(50);
    expect(framePercent(100, 101)).toBe(100);
    expect(framePercent(0, 1)).toBe(0);
  });

  it('prefetches the next and previous frames, inside the shot', () => {
    expect(neighbourFrames(20, 100)).toEqual([21, 19]);
    expect(neighbourFrames(0, 5)).toEqual([1]);
    expect(neighbourFrames(99, 100)).toEqual([98]);
    expect(neighbourFrames(95, 100, [1, -1, 10, -10])).toEqual([96, 94, 85]);
    expect(neighbourFrames(0, 1)).toEqual([]);
  });
});
