import { campaignFileSchema, matrixSchema } from './matrix.schema';
import { formatIssuePath, validate } from './validation';

const market = (code: string, price?: unknown) => ({ code, name: code, locale: 'de-DE', currency: 'EUR', copy: { headline: 'x', price } });

describe('validate', () => {
  it('formats nested paths', () => {
    expect(formatIssuePath(['markets', 3, 'copy', 'price'])).toBe('markets[3].copy.price');
  });

  it('names the field, what was expected and what was given', () => {
    const r = validate(matrixSchema, {
      markets: [market('a', 1), market('b', 2), market('c', 3), market('d', 'abc')],
      labels: [{ code: 'l', template: 'label-classic' }],
      backgrounds: [{ code: 'b' }],
    });
    expect(r).toEqual({ ok: false, problems: ['markets[3].copy.price: expected a number, got "abc"'] });
  });

  it('reports every problem at once', () => {
    const r = validate(campaignFileSchema, { markets: [{ code: 'DE' }], labels: [], backgrounds: [] });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual(
      expect.arrayContaining([
        'name: is required',
        'markets[0].code: must be 1-40 lower-case letters, digits or dashes, starting with a letter or digit',
        'markets[0].name: is required',
        'labels: a matrix needs at least one label',
      ]),
    );
  });
});
