import type { MatrixInput } from '@shotmatrix/contracts';
import { emptyBackground, emptyLabel, emptyMarket, fromDraft, sameMatrix, toDraft } from './matrix-draft';

describe('matrix draft', () => {
  const matrix: MatrixInput = {
    markets: [
      { code: 'de', name: 'Germany', locale: 'de-DE', copy: { headline: 'Neu', price: 49, legal: 'UVP', tagline: 'x' } },
    ],
    labels: [{ code: 'classic', template: 'label-classic', fields: { colour: 'red' }, markets: ['de'] }],
    backgrounds: [{ code: 'beach', name: 'Beach', plateId: '3f0c8a2e-7c2b-4b6e-9d51-1a2b3c4d5e6f' }, { code: 'own' }],
  };

  it('round-trips a saved matrix, keeping fields the editor does not show', () => {
    expect(fromDraft(toDraft(matrix))).toEqual({
      ...matrix,
      markets: [{ ...matrix.markets[0], copy: { headline: 'Neu', price: '49', legal: 'UVP', tagline: 'x' } }],
    });
  });

  it('starts empty without a matrix', () => {
    expect(toDraft(null)).toEqual({ markets: [], labels: [], backgrounds: [] });
  });

  it('trims values and leaves empty optional fields out', () => {
    const market = { ...emptyMarket(), code: ' fr ', name: 'France', locale: 'fr-FR', headline: ' Salut ', price: '' };
    const label = { ...emptyLabel(), code: 'badge', markets: ['fr', 'removed'] };
    const background = { ...emptyBackground(), code: 'studio' };
    expect(fromDraft({ markets: [market], labels: [label], backgrounds: [background] })).toEqual({
      markets: [{ code: 'fr', name: 'France', locale: 'fr-FR', copy: { headline: 'Salut' } }],
      labels: [{ code: 'badge', template: 'label-classic', fields: {}, markets: ['fr'] }],
      backgrounds: [{ code: 'studio' }],
    });
  });

  it('compares matrices regardless of key order', () => {
    const reordered = JSON.parse(JSON.stringify(matrix)) as MatrixInput;
    reordered.markets[0] = { copy: reordered.markets[0].copy, locale: 'de-DE', name: 'Germany', code: 'de' };
    expect(sameMatrix(matrix, reordered)).toBe(true);
    expect(sameMatrix(matrix, { ...matrix, backgrounds: [] })).toBe(false);
    expect(sameMatrix(null, null)).toBe(true);
  });
});
