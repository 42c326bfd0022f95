import { codeSchema, matrixSchema } from './matrix.schema';

describe('matrix schema', () => {
  it.each(['de', 'de-at', 'summer-2026', '1x1'])('accepts the code %s', (code) => {
    expect(codeSchema.safeParse(code).success).toBe(true);
  });

  it.each(['', 'DE', '-de', 'de_at', 'a'.repeat(41), 'de/at'])('rejects the code %j', (code) => {
    expect(codeSchema.safeParse(code).success).toBe(false);
  });

  it('fills defaults for copy and label fields', () => {
    const m = matrixSchema.parse({
      markets: [{ code: 'de', name: 'Germany', locale: 'de-DE' }],
      labels: [{ code: 'classic', template: 'label-classic' }],
      backgrounds: [{ code: 'original' }],
    });
    expect(m.markets[0].copy).toEqual({});
    expect(m.labels[0].fields).toEqual({});
  });

  it('rejects a plate id that is not a uuid and a template name with a path', () => {
    const base = { markets: [{ code: 'de', name: 'D', locale: 'de' }], labels: [{ code: 'c', template: 'x' }], backgrounds: [{ code: 'b' }] };
    expect(matrixSchema.safeParse({ ...base, backgrounds: [{ code: 'b', plateId: '../etc' }] }).success).toBe(false);
    expect(matrixSchema.safeParse({ ...base, labels: [{ code: 'c', template: '../secret' }] }).success).toBe(false);
  });
});
