import { matrixSchema } from '@shotmatrix/contracts';
import { expandMatrix } from './matrix';
import { canonicalJson, renderKey, type RenderKeyInput } from './render-key';

const [cell] = expandMatrix(
  matrixSchema.parse({
    markets: [{ code: 'de', name: 'Germany', locale: 'de-DE', currency: 'EUR', copy: { headline: 'Frisch', price: 1.99 } }],
    labels: [{ code: 'classic', template: 'label-classic' }],
    backgrounds: [{ code: 'beach', plateId: '00000000-0000-4000-8000-000000000001' }],
  }),
);

const input: RenderKeyInput = {
  masterSha256: 'a'.repeat(64),
  analysisVersion: 'a0.1',
  templateSha256: 'b'.repeat(64),
  assets: { plate: 'p'.repeat(64) },
  render: cell.render,
};

describe('renderKey', () => {
  it('ignores object key order', () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 1, e: 2 }] } })).toBe('{"a":{"c":[3,{"e":2,"f":1}],"d":2},"b":1}');
    const reordered = { ...input, render: { ...input.render, fields: { price: '1,99\u00a0€', headline: 'Frisch' } } };
    expect(renderKey(reordered)).toBe(renderKey(input));
  });

  it('counts a plate by its content, not by which upload it came from', () => {
    expect(renderKey({ ...input, render: { ...input.render, plateId: 'another-upload-of-the-same-file' } })).toBe(renderKey(input));
  });

  it.each<[string, Partial<RenderKeyInput>]>([
    ['a copy field', { render: { ...cell.render, fields: { ...cell.render.fields, price: '2,49\u00a0€' } } }],
    ['the master', { masterSha256: 'c'.repeat(64) }],
    ['the analysis version', { analysisVersion: 'a0.2' }],
    ['the template source', { templateSha256: 'd'.repeat(64) }],
    ['the plate content', { assets: { plate: 'e'.repeat(64) } }],
    ['the structure adherence', { render: { ...cell.render, structureAdherence: 0.5 } }],
  ])('changes when %s changes', (_what, change) => {
    expect(renderKey({ ...input, ...change })).not.toBe(renderKey(input));
  });
});
