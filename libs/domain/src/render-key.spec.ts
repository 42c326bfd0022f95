import { canonicalJson, renderKey, type RenderKeyInput } from './render-key';

const input: RenderKeyInput = {
  masterSha256: 'a'.repeat(64),
  templateName: 'label-classic',
  templateSha256: 'b'.repeat(64),
  fields: { headline: 'Frisch', price: '1,99 €' },
  locale: 'de-DE',
  plateSha256: null,
};

describe('renderKey', () => {
  it('ignores object key order', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 1, e: 2 }] } })).toBe('{"a":{"c":[3,{"e":2,"f":1}],"d":2},"b":1}');
    const reordered = { ...input, fields: { price: '1,99 €', headline: 'Frisch' } };
    expect(renderKey(reordered)).toBe(renderKey(input));
  });

  it.each<[string, Partial<RenderKeyInput>]>([
    ['a copy field', { fields: { headline: 'Frisch', price: '2,49 €' } }],
    ['the master', { masterSha256: 'c'.repeat(64) }],
    ['the template source', { templateSha256: 'd'.repeat(64) }],
    ['the plate', { plateSha256: 'e'.repeat(64) }],
    ['the locale', { locale: 'de-AT' }],
  ])('changes when %s changes', (_what, change) => {
    expect(renderKey({ ...input, ...change })).not.toBe(renderKey(input));
  });
});
