import { DomainError } from '@shotmatrix/domain';
import { layoutText, wrap, type Measure, type TextBox } from './text-layout';

// Every character half an em wide: easy sums.
const halfEm: Measure = (text, size) => [...text].length * 0.5 * size;

const box = (over: Partial<TextBox>): TextBox => ({
  x: 10,
  y: 100,
  paragraphs: ['Hello'],
  fontSize: 20,
  maxLines: 1,
  lineHeight: 1.2,
  grow: 'down',
  ...over,
});

const lines = (b: TextBox, measure = halfEm) => layoutText(b, measure).lines.map((l) => l.text);

describe('layoutText', () => {
  it('sets text without a fit box at its size, one line per paragraph', () => {
    expect(layoutText(box({ paragraphs: ['one', 'two'], maxLines: 2 }), halfEm)).toEqual({
      fontSize: 20,
      lines: [
        { text: 'one', x: 10, baseline: 100, direction: 'ltr' },
        { text: 'two', x: 10, baseline: 124, direction: 'ltr' },
      ],
    });
  });

  it.each([
    // copy (chars), box width, declared size, min → size: the largest that fits, to 0.1
    ['fits as declared', 'x'.repeat(10), 200, 40, 10, 40],
    ['shrinks to fit', 'x'.repeat(20), 200, 40, 10, 20],
    ['rounds down', 'x'.repeat(30), 200, 40, 10, 13.3],
    ['stops at the minimum exactly', 'x'.repeat(40), 200, 40, 10, 10],
  ])('%s: %j in %s units at %s (min %s) → %s', (_what, copy, width, fontSize, minSize, size) => {
    const placed = layoutText(box({ paragraphs: [copy], fontSize, fit: { width, minSize } }), halfEm);
    expect(placed.fontSize).toBe(size);
    expect(halfEm(copy, placed.fontSize)).toBeLessThanOrEqual(width);
  });

  it('refuses copy that does not fit even at the minimum size, quoting it', () => {
    const err = (() => {
      try {
        layoutText(box({ paragraphs: ['x'.repeat(41)], fontSize: 40, fit: { width: 200, minSize: 10 } }), halfEm);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'TEMPLATE_COPY_DOES_NOT_FIT', kind: 'invalid' });
    expect((err as Error).message).toBe(
      `"${'x'.repeat(39)}…" does not fit its 200-unit wide box in one line, even at the smallest size the template allows (10); shorten the copy`,
    );
  });

  it('wraps at spaces before it shrinks when no height is given', () => {
    expect(layoutText(box({ paragraphs: ['aaaa bbbb cccc dddd'], fit: { width: 100, minSize: 5 }, maxLines: 2 }), halfEm)).toMatchObject({
      fontSize: 20,
      lines: [{ text: 'aaaa bbbb' }, { text: 'cccc dddd' }],
    });
  });

  it('with a height, wraps only when that allows a larger size', () => {
    const copy = 'aaaa bbbb cccc dddd';
    // Two lines at 20 need 1.2·20 + 20 = 44 units of height.
    expect(layoutText(box({ paragraphs: [copy], fit: { width: 100, minSize: 5, height: 44 }, maxLines: 2 }), halfEm).fontSize).toBe(20);
    // With 30 units two lines fit only at 13.6, one line at 10.5: wrapping still wins.
    expect(layoutText(box({ paragraphs: [copy], fit: { width: 100, minSize: 5, height: 30 }, maxLines: 2 }), halfEm).fontSize).toBe(13.6);
    // With 22 units only one line fits the height, so it shrinks instead.
    expect(layoutText(box({ paragraphs: [copy], fit: { width: 100, minSize: 5, height: 22 }, maxLines: 2 }), halfEm)).toMatchObject({
      fontSize: 10.5,
      lines: [{ text: copy }],
    });
  });

  it('balances wrapped lines instead of leaving a short last line', () => {
    expect(lines(box({ paragraphs: ['aaaaaa bbbbbb cc'], fit: { width: 130, minSize: 5 }, maxLines: 2 }))).toEqual(['aaaaaa', 'bbbbbb cc']);
  });

  it('wraps Japanese between phrases and shrinks a word that is wider than the box', () => {
    expect(lines(box({ paragraphs: ['夏のための、さわやかな天然炭酸水'], fit: { width: 100, minSize: 5 }, maxLines: 2 }))).toEqual(['夏のための、', 'さわやかな天然炭酸水']);
    expect(layoutText(box({ paragraphs: ['Mineralwasserflasche'], fit: { width: 100, minSize: 5 }, maxLines: 2 }), halfEm).fontSize).toBe(10);
  });

  it('keeps hard line breaks, and they count against max lines', () => {
    expect(lines(box({ paragraphs: ['Fresh', 'and cold'], fit: { width: 1000, minSize: 5 }, maxLines: 2 }))).toEqual(['Fresh', 'and cold']);
    expect(() => layoutText(box({ paragraphs: ['Fresh', 'and cold and sparkling'], fit: { width: 100, minSize: 10 }, maxLines: 2 }), halfEm)).toThrow(
      'does not fit its 100-unit wide box in 2 lines',
    );
  });

  it.each([
    ['down', [100, 124, 148]],
    ['up', [52, 76, 100]],
    // The middle of a line of capitals (0.357 em above the baseline) stays where one line at the declared size has it.
    ['both', [76, 100, 124]],
  ] as const)('grows %s from y', (grow, baselines) => {
    const placed = layoutText(box({ paragraphs: ['a', 'b', 'c'], maxLines: 3, grow }), halfEm);
    expect(placed.lines.map((l) => l.baseline)).toEqual(baselines);
  });

  it('keeps a shrunk line optically centred when growing both ways', () => {
    const placed = layoutText(box({ paragraphs: ['x'.repeat(20)], fontSize: 40, fit: { width: 200, minSize: 10 }, grow: 'both' }), halfEm);
    // The cap middle was at 100 − 0.357·40; at size 20 the baseline moves up by 0.357·20.
    expect(placed.lines[0].baseline).toBeCloseTo(100 - 0.357 * 40 + 0.357 * 20, 3);
  });

  it('nudges the size down when the shaper measures wider than the scaled estimate (hinting)', () => {
    // Advances that do not scale linearly: one unit wider per character below 20.
    const hinted: Measure = (text, size) => [...text].length * (0.5 * size + (size < 20 ? 1 : 0));
    const placed = layoutText(box({ paragraphs: ['x'.repeat(20)], fontSize: 40, fit: { width: 200, minSize: 5 } }), hinted);
    expect(hinted('x'.repeat(20), placed.fontSize)).toBeLessThanOrEqual(200);
    expect(placed.fontSize).toBeGreaterThan(15);
  });

  it('gives each paragraph the direction of its first letter', () => {
    const placed = layoutText(box({ paragraphs: ['مرحبا Welt', '4,99 € Preis', '٤٫٩٩'], maxLines: 3 }), halfEm);
    expect(placed.lines.map((l) => l.direction)).toEqual(['rtl', 'ltr', 'ltr']);
  });

  it('draws nothing for empty copy', () => {
    expect(layoutText(box({ paragraphs: [''], fit: { width: 100, minSize: 5 } }), halfEm).lines).toEqual([]);
  });
});

describe('wrap', () => {
  const chars = (t: string) => t.length;
  it.each([
    [['aa ', 'bb ', 'cc'], 5, ['aa bb', 'cc']],
    [['aa ', 'bb ', 'cc'], 1, ['aa', 'bb', 'cc']],
    [['aaaaaa ', 'b'], 3, ['aaaaaa', 'b']],
    [[], 3, ['']],
  ])('%j in %s → %j', (pieces, width, expected) => {
    expect(wrap(pieces, width, chars)).toEqual(expected);
  });
});
