import { matrixSchema, type MatrixInput } from '@shotmatrix/contracts';
import { DomainError } from './errors';
import { expandMatrix } from './matrix';

const matrix = (over: Partial<MatrixInput> = {}): MatrixInput =>
  matrixSchema.parse({
    markets: [
      { code: 'de', name: 'Germany', locale: 'de-DE', currency: 'EUR', copy: { headline: 'Frisch', price: 1.99 } },
      { code: 'jp', name: 'Japan', locale: 'ja-JP', currency: 'JPY', copy: { headline: '新鮮', price: 200 } },
      { code: 'ae', name: 'UAE', locale: 'ar-AE', currency: 'AED', copy: { headline: 'منعش', price: 7.5 } },
    ],
    labels: [
      { code: 'classic', template: 'label-classic' },
      { code: 'badge', template: 'label-badge', fields: { headline: 'NEU' }, markets: ['de'] },
    ],
    backgrounds: [{ code: 'original' }, { code: 'beach' }],
    ...over,
  });

const errorOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e as DomainError;
  }
  throw new Error('expected an error');
};

describe('expandMatrix', () => {
  it('makes one cell per market × label × background, honouring label markets', () => {
    expect(expandMatrix(matrix()).map((c) => c.key)).toEqual([
      'market=de;label=classic;background=original',
      'market=de;label=classic;background=beach',
      'market=de;label=badge;background=original',
      'market=de;label=badge;background=beach',
      'market=jp;label=classic;background=original',
      'market=jp;label=classic;background=beach',
      'market=ae;label=classic;background=original',
      'market=ae;label=classic;background=beach',
    ]);
  });

  it('formats prices in the market locale and currency, and derives direction from the language', () => {
    const cells = expandMatrix(matrix());
    const of = (key: string) => cells.find((c) => c.key === key)!.render;
    expect(of('market=de;label=classic;background=beach').fields).toEqual({ headline: 'Frisch', price: '1,99\u00a0€' });
    expect(of('market=jp;label=classic;background=beach').fields.price).toBe('￥200');
    expect(of('market=ae;label=classic;background=beach').direction).toBe('rtl');
    expect(of('market=de;label=badge;background=beach').fields.headline).toBe('NEU');
  });

  it('adds aspects and producer-named dimensions, and applies exclusions and overrides', () => {
    const cells = expandMatrix(
      matrix({
        aspects: [
          { code: '16x9', ratio: '16:9' },
          { code: '9x16', ratio: '9:16' },
        ],
        dimensions: { tone: [{ code: 'warm', params: { motionAdherence: 0.5, grade: 'warm' } }, { code: 'cool', params: {} }] },
        exclusions: [{ market: 'jp', background: 'beach' }, { market: ['ae'], tone: 'cool' }],
        overrides: [{ match: { market: 'de', label: 'classic' }, copy: { price: 2.49 } }],
        defaults: { structureAdherence: 0.8, copy: {} },
      }),
    );
    // 3 markets: de 2 labels, jp and ae 1; × 2 backgrounds × 2 aspects × 2 tones, less exclusions.
    expect(cells).toHaveLength(2 * 2 * 2 * 2 + (1 * 2 * 2 * 2 - 4) + (1 * 2 * 2 * 2 - 4));
    const warm = cells.find((c) => c.key === 'market=de;label=classic;background=original;aspect=9x16;tone=warm')!;
    expect(warm.render).toMatchObject({
      aspect: '9:16',
      motionAdherence: 0.5,
      structureAdherence: 0.8,
      params: { grade: 'warm' },
      fields: { price: '2,49\u00a0€' },
    });
    expect(cells.find((c) => c.key.startsWith('market=de;label=badge'))!.render.fields.price).toBe('1,99\u00a0€');
  });

  it('rejects a label that names an unknown market', () => {
    const m = matrix();
    m.labels[1].markets = ['fr'];
    const e = errorOf(() => expandMatrix(m));
    expect(e.code).toBe('MATRIX_UNKNOWN_MARKET');
    expect(e.message).toBe('label "badge" names market "fr", which is not in the matrix');
  });

  it.each<[string, Partial<MatrixInput>, string]>([
    ['duplicate codes', { backgrounds: [{ code: 'a' }, { code: 'a' }] }, 'background code "a" appears twice'],
    ['an exclusion naming an unknown dimension', { exclusions: [{ season: 'x' }] }, 'exclusions[0].season: there is no dimension "season" in the matrix'],
    ['an override naming an unknown code', { overrides: [{ match: { market: 'fr' } }] }, 'overrides[0].match.market: there is no market "fr" in the matrix'],
  ])('rejects %s', (_what, over, message) => {
    expect(errorOf(() => expandMatrix(matrix(over))).message).toBe(message);
  });

  it('wants a currency wherever there is a price', () => {
    const m = matrix();
    delete m.markets[1].currency;
    expect(errorOf(() => expandMatrix(m)).message).toBe('markets[1].currency: market "jp" has a price but no currency');
  });
});
