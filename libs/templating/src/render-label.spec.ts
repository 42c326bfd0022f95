import { DomainError } from '@shotmatrix/domain';
import type { LabelTemplate } from './label-template';
import { assertSelfContained, checkFields, rasterise, rasteriseRgba, renderLabelPng, renderSvg } from './render-label';
import { TemplateRegistry } from './template-registry';
import { coverage, pngSize, TEMPLATES_DIR } from './test-templates';

const registry = new TemplateRegistry(TEMPLATES_DIR);
let classic: LabelTemplate;
let badge: LabelTemplate;
let scene: LabelTemplate;
beforeAll(async () => {
  [classic, badge, scene] = await Promise.all(['label-classic', 'label-badge', 'demo-scene'].map((n) => registry.get(n)));
});

function domainError(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  }
  throw new Error('expected a DomainError');
}

const textSvg = (text: string, family = "'Noto Sans', 'Noto Sans CJK JP', 'Noto Sans Arabic', sans-serif") =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="80"><text x="10" y="58" font-family="${family}" font-size="44" font-weight="700">${text}</text></svg>`;

describe('checkFields', () => {
  it('names the template and the missing field', () => {
    const err = domainError(() => checkFields(classic, { headline: 'Fresh' }));
    expect(err).toMatchObject({ code: 'TEMPLATE_FIELD_MISSING', kind: 'invalid' });
    expect(err.message).toBe('label template "label-classic" needs field "price"');
  });

  it('treats blank copy as missing', () => {
    expect(domainError(() => checkFields(classic, { headline: '   ', price: 3 })).code).toBe('TEMPLATE_FIELD_MISSING');
  });

  it('counts characters, not UTF-16 units, against maxLength', () => {
    expect(() => checkFields(badge, { headline: '🍋'.repeat(24), price: 1 })).not.toThrow();
    const err = domainError(() => checkFields(badge, { headline: 'x'.repeat(25), price: 1 }));
    expect(err).toMatchObject({ code: 'TEMPLATE_FIELD_TOO_LONG' });
    expect(err.message).toBe('label template "label-badge" allows at most 24 characters in field "headline" (got 25)');
  });

  it('accepts numbers, leaves optional fields out and ignores undeclared ones', () => {
    expect(() => checkFields(classic, { headline: 'Fresh', price: 4.99, tagline: 'extra copy-deck line' })).not.toThrow();
  });
});

describe('renderSvg', () => {
  it('escapes copy so it stays text and the SVG stays well-formed', () => {
    const nasty = `<script>alert(1)</script> & "quoted" 'single' \`tick\` a=b`;
    const svg = renderSvg(classic, { headline: nasty.slice(0, 40), price: '<b>€1</b>', legal: nasty });
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot; &#x27;single&#x27;');
    // resvg parses it as XML: a broken document would throw here.
    const { pixels } = rasteriseRgba(svg, { width: 400 });
    expect(coverage(pixels)).toBeGreaterThan(0.5);
  });

  it('drops characters XML cannot hold at all', () => {
    const svg = renderSvg(badge, { headline: 'Bell\u0007 and NUL\u0000', price: '1\uFFFE' });
    expect(svg).toContain('>Bell and NUL<');
    expect(() => rasterise(svg, { width: 100 })).not.toThrow();
  });

  it('omits the legal line when it is not given', () => {
    expect(renderSvg(classic, { headline: 'Fresh', price: '€4' })).not.toContain('fill-opacity="0.7"');
    expect(renderSvg(classic, { headline: 'Fresh', price: '€4', legal: 'Terms apply' })).toContain('>Terms apply</text>');
  });

  it('fails in strict mode when a template uses a field its schema does not declare', () => {
    const broken: LabelTemplate = { ...classic, name: 'broken', source: '<svg xmlns="http://www.w3.org/2000/svg">{{headline}} {{subtitle}}</svg>' };
    const err = domainError(() => renderSvg(broken, { headline: 'Fresh', price: 1, subtitle: 'not declared' }));
    expect(err.message).toBe('label template "broken" needs field "subtitle"');
  });

  it('offers templates no helpers beyond the known ones', () => {
    const sneaky: LabelTemplate = { ...classic, source: '{{#each (lookup this "constructor")}}x{{/each}}{{blockHelperMissing}}' };
    expect(() => renderSvg(sneaky, { headline: 'a', price: 'b' })).toThrow();
  });

  it('shrinks long copy to fit its box', () => {
    const size = (headline: string) => Number(/font-size="([\d.]+)" font-weight="700"/.exec(renderSvg(classic, { headline, price: 1 }))?.[1]);
    expect(size('Fresh')).toBe(52);
    expect(size('Sparkling natural mineral water, 1 litre')).toBeLessThan(30);
    expect(size('天然スパークリングウォーター、一リットル入り')).toBeLessThan(size('Sparkling water'));
  });

  it.each(['label-classic', 'label-badge', 'demo-scene'])('shipped template %s uses only escaped {{…}} output', async (name) => {
    expect((await registry.get(name)).source).not.toMatch(/\{\{\{|\{\{&/);
  });
});

describe('rasterise', () => {
  it.each([
    ['label-classic', { headline: 'Sparkling Spring Water', price: '€4,99', legal: 'Deposit not included.' }, 600, 195],
    ['label-badge', { headline: 'New size', price: '$2.49' }, 240, 240],
    ['demo-scene', { brand: 'AURORA SPRINGS' }, 1920, 1080],
  ])('renders %s as a PNG of the asked-for width', async (name, fields, width, height) => {
    const template = await registry.get(name);
    const out = renderLabelPng(template, fields, { width });
    expect(out).toMatchObject({ width, height });
    expect(pngSize(out.png)).toEqual({ width, height });
  });

  it('keeps the label transparent around an opaque panel', () => {
    const { pixels, width, height } = rasteriseRgba(renderSvg(classic, { headline: 'Fresh', price: '€4' }), { width: 800 });
    const alpha = (x: number, y: number) => pixels[(y * width + x) * 4 + 3];
    expect(alpha(0, 0)).toBe(0);
    expect(alpha(400, 130)).toBeGreaterThan(200);
    expect(coverage(pixels)).toBeGreaterThan(0.8);
    expect(height).toBe(260);
  });

  it('renders the demo scene fully opaque', () => {
    const { pixels } = rasteriseRgba(renderSvg(scene, { brand: 'AURORA' }), { width: 480 });
    expect(coverage(pixels)).toBe(1);
  });

  // A font without the glyph draws a .notdef box, the same box for every
  // missing character: different text must give different pixels, and the
  // text must not look like a private-use character no font has.
  it.each([
    ['Latin', 'Water', 'Juice'],
    ['Japanese', '天然水', '炭酸水'],
    ['Arabic', 'مرحبا', 'شكرا'],
  ])('draws real %s glyphs', (_script, a, b) => {
    const px = (t: string) => rasteriseRgba(textSvg(t), { width: 400 }).pixels;
    const [pa, pb, tofu] = [px(a), px(b), px('\uE000'.repeat([...a].length))];
    expect(coverage(pa)).toBeGreaterThan(0.02);
    expect(pa.equals(pb)).toBe(false);
    expect(pa.equals(tofu)).toBe(false);
  });

  it('sets Japanese in Noto Sans CJK, not a serif fallback', () => {
    const px = (family: string) => rasteriseRgba(textSvg('天然水', family), { width: 400 }).pixels;
    expect(px("'Noto Sans', 'Noto Sans CJK JP', sans-serif").equals(px("'Noto Sans CJK JP'"))).toBe(true);
  });

  it.each([
    ['<svg xmlns="http://www.w3.org/2000/svg"><image href="/etc/hosts" width="10" height="10"/></svg>', 'href="/etc/hosts"'],
    ['<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href=\'https://example.com/a.png\'/></svg>', 'href="https://example.com/a.png"'],
    ['<svg xmlns="http://www.w3.org/2000/svg"><use href="other.svg#a"/></svg>', 'href="other.svg#a"'],
    ['<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(file:///x.svg#g)"/></svg>', 'url(file:///x.svg#g)'],
    ['<svg xmlns="http://www.w3.org/2000/svg"><style>@import "http://x/a.css";</style></svg>', 'a CSS @import'],
    ['<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>', 'a DOCTYPE'],
  ])('refuses external resources: %s', (svg, problem) => {
    const err = domainError(() => rasterise(svg, { width: 10 }));
    expect(err.code).toBe('SVG_EXTERNAL_RESOURCE');
    expect(err.message).toContain(problem);
  });

  it('allows local references, data: images and copy that mentions url(', () => {
    expect(() =>
      assertSelfContained(
        '<svg xmlns="http://www.w3.org/2000/svg"><defs><linearGradient id="g"/></defs><rect fill="url(#g)"/><use href="#g"/>' +
          '<image href="data:image/png;base64,AAAA"/><text>see url(https://example.com)</text></svg>',
      ),
    ).not.toThrow();
  });

  it.each([0, 1.5, 10_000])('refuses width %s', (width) => {
    expect(domainError(() => rasterise(textSvg('x'), { width })).code).toBe('INVALID_RENDER_SIZE');
  });
});
