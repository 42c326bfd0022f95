import type { MatrixInput } from '@shotmatrix/contracts';
import { emptyBackground, emptyLabel, emptyMarket, fromDraft, priceValue, sameMatrix, toDraft } from './matrix-draft';

describe('matrix draft', () => {
  const matrix: MatrixInput = {
    defaults: { motionAdherence: 0.8 },
    markets: [
      {
        code: 'de',
        name: 'Germany',
        locale: 'de-DE',
        currency: 'EUR',
        lut: 'de-warm',
        fonts: ['Noto Sans'],
        approvers: 'bm-de',
        copy: { headline: 'Neu', price: 49.99, legal: 'UVP', tagline: 'Frisch', extra: 'x' },
      },
    ],
    labels: [{ code: 'classic', template: 'label-classic', fields: { colour: 'red' }, markets: ['de'] }],
    backgrounds: [{ code: 'beach', name: 'Beach', plateId: '3f0c8a2e-7c2b-4b6e-9d51-1a2b3c4d5e6f' }, { code: 'own' }],
    aspects: [{ code: 'wide', ratio: '16:9' }],
    dimensions: { tone: [{ code: 'warm', params: { grade: 1 } }] },
    exclusions: [{ market: 'de', background: 'own' }],
    overrides: [{ match: { market: 'de', label: 'classic' }, copy: { price: 44.99 } }],
  };

  it('round-trips a saved matrix exactly, keeping everything the editor does not show', () => {
    const back = fromDraft(toDraft(matrix));
    expect(back).toEqual(matrix);
    expect(sameMatrix(back, matrix)).toBe(true);
  });

  it('shows the price as typed text and saves it as a number', () => {
    const draft = toDraft(matrix);
    expect(draft.markets[0]).toMatchObject({ currency: 'EUR', price: '49.99', tagline: 'Frisch' });
    draft.markets[0].price = '1.99';
    expect(fromDraft(draft).markets[0].copy.price).toBe(1.99);
  });

  it('starts empty without a matrix', () => {
    expect(toDraft(null)).toEqual({ markets: [], labels: [], backgrounds: [], rest: {} });
  });

  it('trims values, upper-cases the currency and leaves empty optional fields out', () => {
    const market = { ...emptyMarket(), code: ' fr ', name: 'France', locale: 'fr-FR', currency: ' eur ', headline: ' Salut ', price: '' };
    const bare = { ...emptyMarket(), code: 'jp', name: 'Japan', locale: 'ja-JP' };
    const label = { ...emptyLabel(), code: 'badge', markets: ['fr', 'removed'] };
    const background = { ...emptyBackground(), code: 'studio' };
    expect(fromDraft({ markets: [market, bare], labels: [label], backgrounds: [background], rest: {} })).toEqual({
      markets: [
        { code: 'fr', name: 'France', locale: 'fr-FR', currency: 'EUR', copy: { headline: 'Salut' } },
        { code: 'jp', name: 'Japan', locale: 'ja-JP', copy: {} },
      ],
      labels: [{ code: 'badge', template: 'label-classic', fields: {}, markets: ['fr'] }],
      backgrounds: [{ code: 'studio' }],
    });
  });

  it('sends a price that is not a number as typed, so the API names the field', () => {
    expect(priceValue(' 2.5 ')).toBe(2.5);
    expect(priceValue('0')).toBe(0);
    expect(priceValue('')).toBeNull();
    expect(priceValue('1,99 €')).toBe('1,99 €');
  });

  it('compares matrices regardless of key order', () => {
    const reordered = JSON.parse(JSON.stringify(matrix)) as MatrixInput;
    reordered.markets[0] = { copy: reordered.markets[0].copy, locale: 'de-DE', name: 'Germany', code: 'de', currency: 'EUR', lut: 'de-warm', fonts: ['Noto Sans'], approvers: 'bm-de' };
    expect(sameMatrix(matrix, reordered)).toBe(true);
    expect(sameMatrix(matrix, { ...matrix, backgrounds: [] })).toBe(false);
    expect(sameMatrix(null, null)).toBe(true);
  });

  it('treats empty objects the API fills in as absent', () => {
    const bare = {
      markets: [{ code: 'de', name: 'Germany', locale: 'de-DE', copy: { price: 1 } }],
      labels: [{ code: 'classic', template: 'label-classic' }],
      backgrounds: [{ code: 'own' }],
    } as never;
    const parsed: MatrixInput = {
      defaults: {},
      markets: [{ code: 'de', name: 'Germany', locale: 'de-DE', copy: { price: 1 } }],
      labels: [{ code: 'classic', template: 'label-classic', fields: {} }],
      backgrounds: [{ code: 'own' }],
    };
    expect(sameMatrix(bare, parsed)).toBe(true);
    expect(sameMatrix(fromDraft(toDraft(bare)), bare)).toBe(true);
    expect(sameMatrix(parsed, { ...parsed, defaults: { motionAdherence: 0.5 } })).toBe(false);
  });
});
