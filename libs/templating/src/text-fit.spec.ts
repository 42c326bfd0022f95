import { estimateAdvanceEm, fitFontSize } from './text-fit';

describe('fitFontSize', () => {
  it.each([
    ['', 100, 50, 10, 50],
    ['Hi', 100, 50, 10, 50],
    ['a'.repeat(40), 220, 50, 10, 10],
    ['aaaa', 110, 80, 10, 50],
  ])('%j in %spx (max %s, min %s) → %s', (text, width, max, min, size) => {
    expect(fitFontSize(text, { width, max, min })).toBe(size);
  });

  it('treats CJK as full width', () => {
    expect(estimateAdvanceEm('天然水')).toBe(3);
    expect(estimateAdvanceEm('abc')).toBeCloseTo(1.65);
  });
});
