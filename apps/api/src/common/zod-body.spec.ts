import { matrixSchema } from '@shotmatrix/contracts';
import { DomainError } from '@shotmatrix/domain';
import { parseBody } from './zod-body';

describe('parseBody', () => {
  it('names the offending field of a bad matrix', () => {
    const bad = { markets: [{ code: 'DE!', name: 'Germany', locale: 'de-DE' }], labels: [], backgrounds: [] };
    expect(() => parseBody(matrixSchema, bad)).toThrow(DomainError);
    expect(() => parseBody(matrixSchema, bad)).toThrow(/^markets\[0\]\.code: must be 1-40 lower-case/);
  });

  it('rejects an empty matrix with a sentence', () => {
    expect(() => parseBody(matrixSchema, { markets: [], labels: [], backgrounds: [] })).toThrow(
      'markets: a matrix needs at least one market',
    );
  });
});
