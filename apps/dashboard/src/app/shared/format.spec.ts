import { formatFps, formatSeconds, percent, shortKey } from './format';

describe('format', () => {
  it.each([
    [4.96, '4.96 s'],
    [65.5, '1:05.50'],
    [null, '—'],
  ])('formatSeconds(%p) = %p', (input, expected) => {
    expect(formatSeconds(input)).toBe(expected);
  });

  it('keeps fractional frame rates', () => {
    expect(formatFps(25)).toBe('25 fps');
    expect(formatFps(24000 / 1001)).toBe('23.976 fps');
  });

  it('shortens render keys', () => {
    expect(shortKey('abcdef0123456789')).toBe('abcdef012345…');
    expect(shortKey('abc')).toBe('abc');
  });

  it('computes percentages without dividing by zero', () => {
    expect(percent(1, 3)).toBe(33.3);
    expect(percent(0, 0)).toBe(0);
  });
});
