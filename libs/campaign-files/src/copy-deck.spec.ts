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

  it('gives the exact row, market and column of a bad price and an unknown market', () => {
    const r = parseCopyDeckCsv('market,headline,price\nde,Frisch,1.99\njp,新鮮,abc\nxx,Hi,1\n', matrix);
    expect(r).toEqual({
      ok: false,
      problems: ['row 3 (market "jp"), column price: expected a number, got "abc"', 'row 4: market "xx" is not in the matrix'],
    });
  });

  it.each([
    ['1.99', 1.99],
    ['200', 200],
    [' 2.5 ', 2.5],
    ['0', 0],
  ])('reads the price %j as %p', (cell, price) => {
    const r = parseCopyDeckCsv(`market,price\nde,${cell}\n`, matrix);
    expect(r.ok && r.value.markets[0].copy.price).toBe(price);
  });

  it.each(['1,99', '€1.99', '-1', '1e3', '.5', 'abc'])('refuses the price %j', (cell) => {
    const r = parseCopyDeckCsv(`market,price\nde,"${cell}"\n`, matrix);
    expect(r).toEqual({ ok: false, problems: [`row 2 (market "de"), column price: expected a number, got ${JSON.stringify(cell)}`] });
  });

  it('reads what Excel writes: a BOM, CRLF, quoted commas, quotes and line breaks, trailing empty rows', () => {
    const csv = '\ufeffMarket,headline,legal,price\r\njp,"夏, 新鮮","He said ""hi""\r\nline 2",\r\n,,,\r\n';
    const r = parseCopyDeckCsv(csv, matrix);
    expect(r.ok && r.value.markets[1].copy).toEqual({ headline: '夏, 新鮮', price: 200, legal: 'He said "hi"\r\nline 2' });
  });

  it('counts rows as the spreadsheet shows them, blank lines included', () => {
    expect(parseCopyDeckCsv('market,price\n\nde,x\n', matrix)).toEqual({
      ok: false,
      problems: ['row 3 (market "de"), column price: expected a number, got "x"'],
    });
  });

  it('treats unknown columns as copy fields and leaves unmentioned markets alone', () => {
    const r = parseCopyDeckCsv('market,cta\njp,今すぐ\n', matrix);
    expect(r.ok && r.value.markets.map((m) => m.copy)).toEqual([matrix.markets[0].copy, { headline: '新鮮', price: 200, cta: '今すぐ' }]);
  });

  it('does not touch the matrix it was given', () => {
    const before = structuredClone(matrix);
    parseCopyDeckCsv('market,headline,price,legal\nde,Neu,3,-\n', matrix);
    expect(matrix).toEqual(before);
  });

  it('reports a broken CSV with its line', () => {
    expect(parseCopyDeckCsv('market,headline\nde,"Frisch\n', matrix)).toEqual({ ok: false, problems: ['line 2: a quoted field opened here is never closed'] });
  });

  it('validates the result like any matrix edit', () => {
    const r = parseCopyDeckCsv(`market,headline\nde,${'x'.repeat(201)}\n`, matrix);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatch(/^markets\[0\]\.copy\.headline: /);
  });
});
