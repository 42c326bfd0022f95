import { campaignFileSchema, type CampaignFile } from '@shotmatrix/contracts';
import { parseCampaignFile, serializeCampaignFile } from './campaign-file';

const realistic: CampaignFile = campaignFileSchema.parse({
  name: 'Summer Refresh 2027',
  defaults: { structureAdherence: 1, motionAdherence: 1, copy: { legal: 'Drink responsibly' } },
  markets: [
    { code: 'de', name: 'Germany', locale: 'de-DE', currency: 'EUR', copy: { headline: 'Sommer-Frische', price: 1.99 }, approvers: 'brand-de' },
    { code: 'jp', name: 'Japan', locale: 'ja-JP', currency: 'JPY', copy: { headline: '夏のさわやかさ', price: 200 }, fonts: ['Noto Sans CJK JP'] },
    { code: 'ae', name: 'UAE', locale: 'ar-AE', currency: 'AED', copy: { headline: 'انتعاش الصيف', price: 7.5 }, lut: 'warm_cinema' },
  ],
  labels: [
    { code: 'classic', template: 'label-classic' },
    { code: 'badge', template: 'label-badge', markets: ['de', 'jp'] },
  ],
  backgrounds: [{ code: 'original' }, { code: 'beach', plateId: '00000000-0000-4000-8000-000000000001' }],
  aspects: [
    { code: '16x9', ratio: '16:9' },
    { code: '9x16', ratio: '9:16' },
    { code: '1x1', ratio: '1:1' },
  ],
  dimensions: { tone: [{ code: 'warm', params: { grade: 'warm' } }, { code: 'cool' }] },
  exclusions: [{ market: 'ae', background: 'beach' }],
  overrides: [{ match: { market: 'de', label: 'classic' }, copy: { price: 2.49 } }],
});

describe('campaign files', () => {
  it.each(['yaml', 'json'] as const)('round-trips a realistic campaign through %s', (format) => {
    const text = serializeCampaignFile(realistic, format);
    expect(parseCampaignFile(text, format)).toEqual({ ok: true, value: realistic });
    expect(parseCampaignFile(text, 'auto')).toEqual({ ok: true, value: realistic });
  });

  it('writes keys in reading order', () => {
    const yaml = serializeCampaignFile(realistic, 'yaml');
    const order = ['shotmatrix:', 'name:', 'defaults:', 'markets:', 'labels:', 'backgrounds:', 'aspects:', 'dimensions:', 'exclusions:', 'overrides:'];
    const at = order.map((k) => yaml.indexOf(`\n${k}`) >= 0 ? yaml.indexOf(`\n${k}`) : yaml.indexOf(k));
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('gives the line and column of a YAML syntax error', () => {
    const r = parseCampaignFile('name: x\nmarkets:\n  - code: de\n   name: bad indent\n', 'yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatch(/^line 4, column \d+: /);
  });

  it('reports every content problem with its path', () => {
    const yaml = serializeCampaignFile(realistic, 'yaml').replace('price: 200', 'price: abc').replace(/ratio: "?1:1"?/, 'ratio: square');
    const r = parseCampaignFile(yaml, 'yaml');
    expect(r).toEqual({
      ok: false,
      problems: ['markets[1].copy.price: expected a number, got "abc"', 'aspects[2].ratio: must look like 16:9'],
    });
  });

  it('reports semantic problems the schema cannot see', () => {
    const yaml = serializeCampaignFile({ ...realistic, exclusions: [{ market: 'fr' }] }, 'yaml');
    expect(parseCampaignFile(yaml, 'yaml')).toEqual({ ok: false, problems: ['exclusions[0].market: there is no market "fr" in the matrix'] });
  });

  it.each([
    ['custom tags', 'name: !!js/function "x"\n'],
    ['alias bombs', `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nname: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`],
    ['duplicate keys', 'name: a\nname: b\n'],
  ])('refuses %s', (_what, text) => {
    expect(parseCampaignFile(text, 'yaml').ok).toBe(false);
  });

  it('says plainly when JSON is broken', () => {
    const r = parseCampaignFile('{"name": ', 'json');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatch(/^not valid JSON: /);
  });
});
