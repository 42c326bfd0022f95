import type { MatrixInput } from '@shotmatrix/contracts';
import { DomainError } from './errors';
import { cellId, expandMatrix } from './matrix';

const matrix = (over: Partial<MatrixInput> = {}): MatrixInput => ({
  markets: [
    { code: 'de', name: 'Germany', locale: 'de-DE', copy: { headline: 'Frisch', price: '1,99 €' } },
    { code: 'jp', name: 'Japan', locale: 'ja-JP', copy: { headline: '新鮮', price: '¥200' } },
  ],
  labels: [
    { code: 'classic', template: 'label-classic', fields: {} },
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
    const cells = expandMatrix(matrix());
    expect(cells.map(cellId)).toEqual([
      'de/classic/original',
      'de/classic/beach',
      'de/badge/original',
      'de/badge/beach',
      'jp/classic/original',
      'jp/classic/beach',
    ]);
  });

  it('lets label fields override the market copy', () => {
    const badge = expandMatrix(matrix()).find((c) => cellId(c) === 'de/badge/beach');
    expect(badge?.fields).toEqual({ headline: 'NEU', price: '1,99 €' });
  });

  it('rejects a label that names an unknown market', () => {
    const m = matrix();
    m.labels[1].markets = ['fr'];
    const e = errorOf(() => expandMatrix(m));
    expect(e.code).toBe('MATRIX_UNKNOWN_MARKET');
    expect(e.message).toBe('label "badge" names market "fr", which is not in the matrix');
  });

  it('rejects duplicate codes', () => {
    const e = errorOf(() => expandMatrix(matrix({ backgrounds: [{ code: 'a' }, { code: 'a' }] })));
    expect(e.code).toBe('MATRIX_DUPLICATE_CODE');
  });
});
