import { type PricePreview, formatExpansion, formatFps, formatSeconds, percent, previewPrice, shortKey } from './format';

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

describe('formatExpansion', () => {
  it('summarises what an expansion did', () => {
    expect(formatExpansion({ cells: 18, created: 2, changed: 3, unchanged: 13, removed: 0, queued: 5, reused: 1 })).toBe(
      '18 cells: 2 new, 3 changed, 13 unchanged, 0 removed · 5 renders queued, 1 reused',
    );
    expect(formatExpansion({ cells: 1, created: 1, changed: 0, unchanged: 0, removed: 0, queued: 1, reused: 0 })).toBe(
      '1 cell: 1 new, 0 changed, 0 unchanged, 0 removed · 1 render queued, 0 reused',
    );
  });
});

describe('previewPrice', () => {
  // Intl separates amount and symbol with a no-break space in some locales.
  const text = (p: PricePreview) => p?.text.replace(/\s/g, ' ');

  it('formats in the market locale and currency', () => {
    expect(previewPrice('1.99', 'de-DE', 'EUR')).toEqual({ kind: 'price', text: expect.any(String) });
    expect(text(previewPrice('1.99', 'de-DE', 'EUR'))).toBe('1,99 €');
    expect(text(previewPrice('200', 'ja-JP', 'JPY'))).toMatch(/^[¥￥]200$/);
    expect(text(previewPrice('1234.5', 'en-US', 'usd'))).toBe('$1,234.50');
  });

  it('shows nothing without a price', () => {
    expect(previewPrice(' ', 'de-DE', 'EUR')).toBeNull();
  });

  it.each([
    ['1,99 €', 'de-DE', 'EUR', /as a number/],
    ['1.99', 'de-DE', '', /Add a currency/],
    ['1.99', 'de-DE', 'EURO', /not an ISO 4217/],
    ['1.99', '', 'EUR', /Add a locale/],
    ['1.99', 'not a locale!', 'EUR', /Cannot format for locale/],
  ])('hints instead of throwing for %p / %p / %p', (price, locale, currency, hint) => {
    const p = previewPrice(price, locale, currency);
    expect(p?.kind).toBe('hint');
    expect(p?.text).toMatch(hint);
  });
});
