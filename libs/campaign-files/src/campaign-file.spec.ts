import { campaignFileSchema, type CampaignFile } from '@shotmatrix/contracts';
import fc from 'fast-check';
import { MAX_FILE_BYTES, parseCampaignFile, serializeCampaignFile } from './campaign-file';

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

  it('writes readable YAML: no empty defaults, ratios and yes/no-like strings quoted', () => {
    const yaml = serializeCampaignFile(realistic, 'yaml');
    expect(yaml).not.toMatch(/\{\}/);
    expect(yaml).toContain('ratio: "16:9"');
    expect(yaml).toMatch(/^shotmatrix: 1\nname: Summer Refresh 2027\n/);
    expect(yaml).toContain('\n  - code: de\n    name: Germany\n');
    const tricky = { ...realistic, markets: realistic.markets.map((m, i) => (i ? m : { ...m, copy: { headline: 'yes', tagline: 'no', legal: '0o7', extra: 'null', multi: 'a\nb' } })) };
    const text = serializeCampaignFile(tricky, 'yaml');
    expect(text).toContain('headline: "yes"');
    expect(parseCampaignFile(text, 'yaml')).toEqual({ ok: true, value: tricky });
  });

  it('writes JSON with 2-space indentation and a final newline', () => {
    const json = serializeCampaignFile(realistic, 'json');
    expect(json.startsWith('{\n  "shotmatrix": 1,\n  "name": "Summer Refresh 2027",\n  "defaults": {\n    "copy"')).toBe(true);
    expect(json.endsWith('}\n')).toBe(true);
  });

  it('round-trips any copy text, code and number (property)', () => {
    const code = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,8}$/);
    const text = fc.oneof(fc.string(), fc.constantFrom('yes', 'no', 'on', 'null', '~', '16:9', '0x1A', '1_000', '- a', '#', ' x', 'a: b', '"', "'", '夏', 'انتعاش', '2026-01-01'));
    const price = fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true });
    const file = fc
      .record({
        name: fc.string({ minLength: 1, maxLength: 40 }).filter((n) => n.trim() === n && n.length > 0),
        codes: fc.uniqueArray(code, { minLength: 1, maxLength: 4 }),
        headline: fc.string({ maxLength: 60 }),
        extra: text,
        price,
        dim: fc.option(fc.uniqueArray(code, { minLength: 1, maxLength: 3 }), { nil: undefined }),
      })
      .map(({ name, codes, headline, extra, price, dim }) =>
        campaignFileSchema.parse({
          name,
          markets: codes.map((c) => ({ code: c, name: c, locale: 'de-DE', currency: 'EUR', copy: { headline, price, extra } })),
          labels: [{ code: 'classic', template: 'label-classic', fields: { extra } }],
          backgrounds: [{ code: 'original' }],
          ...(dim ? { dimensions: { tone: dim.map((c) => ({ code: c, params: { note: extra } })) } } : {}),
        }),
      );
    fc.assert(
      fc.property(file, fc.constantFrom('yaml' as const, 'json' as const), (x, format) => {
        expect(parseCampaignFile(serializeCampaignFile(x, format), format)).toEqual({ ok: true, value: x });
      }),
      { numRuns: 300 },
    );
  });

  it.each<[string, string, 'yaml' | 'json', string]>([
    ['a YAML indentation error', 'name: x\nmarkets:\n  - code: de\n   name: bad indent\n', 'yaml', 'line 4, column 1: '],
    ['a duplicate YAML key', 'name: a\nname: b\n', 'yaml', 'line 2, column 1: Map keys must be unique'],
    ['two YAML documents', 'name: a\n---\nname: b\n', 'yaml', 'line 2, column 1: Source contains multiple documents'],
    ['unfinished JSON', '{"name": ', 'json', 'line 1, column 10: the file ends too early'],
    ['a JSON typo', '{\n  "name": "x",\n  "markets": tru\n}', 'json', 'line 3, column 14: unexpected "t"'],
    ['a trailing comma in JSON', '{\n  "name": "x",\n}', 'json', 'line 3, column 1: expected a property name in double quotes'],
    ['a duplicate JSON key', '{"name": "a",\n "name": "b"}', 'json', 'line 2, column 2: the key "name" appears twice in the same object'],
    ['a raw line break in a JSON string', '{"name": "a\nb"}', 'json', 'line 1, column 12: a line break or control character inside a string'],
    ['text after the JSON', '{"name": "a"} x', 'json', 'line 1, column 15: unexpected text after the end of the JSON value'],
  ])('gives the line and column of %s', (_what, text, format, start) => {
    const r = parseCampaignFile(text, format);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0].startsWith(start)).toBe(true);
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
    ['a custom tag', 'name: !foo bar\n', 'line 1, column 12: this value is tagged !foo; tags are not allowed in a campaign file'],
    ['a language type', 'name: !!binary aGk=\n', 'line 1, column 16: this value is tagged !!binary; tags are not allowed in a campaign file'],
    ['a standard tag on a collection', 'name: x\nmarkets: !!set {a}\n', 'line 2, column 16: this value is tagged !!set; tags are not allowed in a campaign file'],
  ])('refuses %s', (_what, text, problem) => {
    expect(parseCampaignFile(text, 'yaml')).toEqual({ ok: false, problems: [problem] });
  });

  it('allows a few aliases but refuses an alias bomb', () => {
    const shared = 'name: A\nx-legal: &legal Terms apply\nmarkets:\n  - { code: de, name: G, locale: de-DE, copy: { legal: *legal } }\n  - { code: fr, name: F, locale: fr-FR, copy: { legal: *legal } }\nlabels: [{ code: c, template: label-classic }]\nbackgrounds: [{ code: o }]\n';
    const ok = parseCampaignFile(shared, 'yaml');
    expect(ok.ok && ok.value.markets.map((m) => m.copy.legal)).toEqual(['Terms apply', 'Terms apply']);
    const bomb = `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nname: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n`;
    const r = parseCampaignFile(bomb, 'yaml');
    expect(r).toEqual({ ok: false, problems: [expect.stringMatching(/^the YAML could not be read: .*alias/i)] });
  });

  it('refuses a file over 5 MB before reading it', () => {
    expect(parseCampaignFile(`name: "${'x'.repeat(MAX_FILE_BYTES)}"\n`, 'yaml')).toEqual({ ok: false, problems: ['the file is larger than 5 MB'] });
    // 2 million three-byte characters: fewer UTF-16 units than the limit, more bytes.
    expect(parseCampaignFile(`name: "${'夏'.repeat(2_000_000)}"\n`, 'yaml')).toEqual({ ok: false, problems: ['the file is larger than 5 MB'] });
  });

  it('reads a JSON file with an Excel-style BOM and detects the format', () => {
    const json = serializeCampaignFile(realistic, 'json');
    expect(parseCampaignFile(`\ufeff${json}`, 'auto')).toEqual({ ok: true, value: realistic });
  });
});
