import { matrixSchema } from '@shotmatrix/contracts';
import { parseCopyDeckCsv } from './copy-deck';

const matrix = matrixSchema.parse({
  markets: [
    { code: 'de', name: 'Germany', locale: 'de-DE', currency: 'EUR', copy: { headline: 'Frisch', price: 1.99, legal: 'Pfand' } },
    { code: 'jp', name: 'Japan', locale: 'ja-JP', currency: 'JPY', copy: { headline: '新鮮', price: 200 } },
  ],
  labels: [{ code: 'classic', template: 'label-classic' }],
  backgrounds: [{ code: 'original' }],
});

describe('parseCopyDeckCsv', () => {
  it('updates the named fields, leaves empty cells alone and clears "-" cells', () => {
    const r = parseCopyDeckCsv('market,headline,price,legal,tagline\nde,"Frisch, kalt",2.49,-,\njp,,210,,夏\n', matrix);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.markets[0].copy).toEqual({ headline: 'Frisch, kalt', price: 2.49 });
    expect(r.value.markets[1].copy).toEqual({ headline: '新鮮', price: 210, tagline: '夏' });
    expect(matrix.markets[0].copy.price).toBe(1.99);
  });

  it('names the row, market and column of every problem', () => {
    const r = parseCopyDeckCsv('market,price\nde,abc\nxx,1\n,2\njp,1,2\n', matrix);
    expect(r).toEqual({
      ok: false,
      problems: [
        'row 2 (market "de"), column price: expected a number, got "abc"',
        'row 3: market "xx" is not in the matrix',
        'row 4: the market cell is empty',
        'row 5 (market "jp"): 3 cells but the header has 2',
      ],
    });
  });

  it.each([
    ['', 'the copy deck is empty: it needs a header row with a "market" column'],
    ['country,price\nde,1\n', 'the header row has no "market" column'],
    ['market,price,price\n', 'the header row names column "price" twice'],
  ])('rejects a deck without a usable header: %j', (text, problem) => {
    expect(parseCopyDeckCsv(text, matrix)).toEqual({ ok: false, problems: [problem] });
  });

  it('validates the result like any matrix edit', () => {
    const r = parseCopyDeckCsv(`market,headline\nde,${'x'.repeat(201)}\n`, matrix);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatch(/^markets\[0\]\.copy\.headline: /);
  });
});
