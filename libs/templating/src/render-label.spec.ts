import { DomainError } from '@shotmatrix/domain';
import type { LabelTemplate } from './label-template';
import { assertSelfContained, checkFields, rasterise, rasteriseRgba, renderLabelPng, renderSvg } from './render-label';
import { TemplateRegistry } from './template-registry';
import { selectLayout } from './select-layout';
import { coverage, inkBounds, pngSize, TEMPLATES_DIR } from './test-templates';

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
    // The renderer parses it as XML: a broken document would throw here.
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

  it('shipped templates (every layout) use only escaped {{…}} output', async () => {
    for (const t of await registry.list()) {
      for (const layout of Object.values(t.layouts ?? {})) expect(layout.source).not.toMatch(/\{\{\{|\{\{&/);
    }
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
    ['Devanagari', 'नमस्ते', 'पानी'],
    ['Thai', 'สวัสดี', 'น้ำ'],
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

describe('text drawing', () => {
  const doc = (body: string, width = 400, height = 120) =>
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${body}</svg>`;
  const ink = (svg: string, width = 400) => {
    const { pixels } = rasteriseRgba(svg, { width });
    return inkBounds(pixels, width);
  };

  it('shrinks long copy until the shaped line fits its box', () => {
    const text = (copy: string) => ink(doc(`<text x="20" y="80" font-size="60" data-fit-width="300" data-min-size="8">${copy}</text>`));
    const short = text('Fresh');
    const long = text('Sparkling natural mineral water, 1 litre');
    const devanagari = text('प्राकृतिक स्पार्कलिंग मिनरल वाटर, एक लीटर');
    for (const box of [short, long, devanagari]) {
      expect(box?.left).toBeGreaterThanOrEqual(19);
      expect(box?.right).toBeLessThanOrEqual(322);
    }
    // Filling the box, not just staying inside it.
    expect(long?.right).toBeGreaterThan(300);
    expect((long?.bottom ?? 0) - (long?.top ?? 0)).toBeLessThan(((short?.bottom ?? 0) - (short?.top ?? 0)) / 2);
  });

  it('wraps to the lines the template allows, scaled to the output width', () => {
    const svg = doc('<text x="20" y="50" font-size="40" data-fit-width="360" data-min-size="8" data-max-lines="2">Sparkling water from the Alps</text>');
    const one = ink(svg.replace(' data-max-lines="2"', ''), 800);
    const two = ink(svg, 800);
    expect((two?.bottom ?? 0) - (two?.top ?? 0)).toBeGreaterThan(1.6 * ((one?.bottom ?? 0) - (one?.top ?? 0)));
    expect(two?.right).toBeLessThanOrEqual(2 * 380 + 2);
  });

  it('keeps a long headline of label-classic clear of its price box', () => {
    const { pixels, width } = rasteriseRgba(renderSvg(classic, { headline: 'Sparkling natural mineral water, Alps', price: '€4,99' }), { width: 800 });
    const white = inkBounds(pixels, width, (r, g, b, a) => a > 200 && r > 200 && g > 200 && b > 200);
    expect(white?.left).toBeGreaterThanOrEqual(56);
    expect(white?.right).toBeLessThanOrEqual(530);
  });

  it.each([
    ['start', 'Hello', 'left'],
    ['middle', 'Hello', 'centre'],
    ['end', 'Hello', 'right'],
    ['start', 'مرحبا بالعالم', 'left'],
    ['middle', 'مرحبا بالعالم', 'centre'],
    ['end', 'مرحبا بالعالم', 'right'],
  ])('text-anchor="%s" puts %j with its %s at x, whatever the direction', (anchor, copy, edge) => {
    const box = ink(doc(`<text x="200" y="80" font-size="40" text-anchor="${anchor}">${copy}</text>`));
    const at = edge === 'left' ? box?.left : edge === 'right' ? box?.right : ((box?.left ?? 0) + (box?.right ?? 0)) / 2;
    expect(Math.abs((at ?? 0) - 200)).toBeLessThanOrEqual(4);
  });

  it('sets a paragraph right to left when its first letter is Arabic', () => {
    const arabicAlone = rasteriseRgba(doc('<text x="390" y="80" font-size="40" text-anchor="end">مرحبا</text>'), { width: 400 }).pixels;
    const mixed = (copy: string) => rasteriseRgba(doc(`<text x="390" y="80" font-size="40" text-anchor="end">${copy}</text>`), { width: 400 }).pixels;
    const overlap = (a: Buffer, b: Buffer) => {
      let both = 0;
      let total = 0;
      for (let i = 3; i < a.length; i += 4) {
        if (a[i] >= 128) {
          total++;
          if (b[i] >= 128) both++;
        }
      }
      return both / total;
    };
    // Right to left: the Arabic word, first, ends at the anchor on the right; the German one follows to its left.
    expect(overlap(arabicAlone, mixed('مرحبا Welt'))).toBeGreaterThan(0.9);
    // Forced left to right, the German word comes last, on the right.
    const ltr = rasteriseRgba(doc('<text x="390" y="80" font-size="40" text-anchor="end" direction="ltr">مرحبا Welt</text>'), { width: 400 }).pixels;
    expect(overlap(arabicAlone, ltr)).toBeLessThan(0.3);
  });

  it('multiplies opacity down the tree with fill-opacity', () => {
    const { pixels } = rasteriseRgba(doc('<g opacity="0.5"><text x="10" y="100" font-size="100" font-weight="900" fill="#FFFFFF" fill-opacity="0.5">WM</text></g>'), { width: 400 });
    let max = 0;
    for (let i = 3; i < pixels.length; i += 4) max = Math.max(max, pixels[i]);
    expect(Math.abs(max - 64)).toBeLessThanOrEqual(2);
  });

  it('sets Han in the regional forms of the text’s lang', () => {
    const px = (lang: string) => rasteriseRgba(textSvg('直骨').replace('<text ', `<text lang="${lang}" `), { width: 400 }).pixels;
    expect(px('ja').equals(px('zh-Hans'))).toBe(false);
    expect(px('ja').equals(px('zh-Hant'))).toBe(false);
    expect(px('ja').equals(px('ja-JP'))).toBe(true);
  });

  it('finds the Noto Sans family of a script the template does not name', () => {
    const px = (family: string) => rasteriseRgba(textSvg('हिन्दी में', family), { width: 400 }).pixels;
    expect(px("'Noto Sans', 'Noto Sans CJK JP', 'Noto Sans Arabic', sans-serif").equals(px("'Noto Sans Devanagari'"))).toBe(true);
  });

  it('fits worst-case copy of every field into every layout of every shipped template', async () => {
    const words = 'Sprudelndes Mineralwasser aus den Alpen, natürlich mit Kohlensäure und ohne Zusätze. Zzgl. Pfand. Nur solange der Vorrat reicht. Angebot gültig bis Ende Juli in allen teilnehmenden Märkten.';
    const japanese = '天然のスパークリングウォーターは、アルプスの湧き水から生まれました。価格は税込みです。在庫がなくなり次第終了となります。一部の店舗では取り扱いがございません。詳しくは店頭でお確かめください。数量限定の特別価格です。';
    const arabic = 'مياه معدنية فوارة طبيعية من ينابيع جبال الألب بدون أي إضافات. الأسعار تشمل ضريبة القيمة المضافة. العرض ساري حتى نفاد الكمية في المتاجر المشاركة فقط. الكمية محدودة.';
    const cut = (s: string, n = 40) => [...s].slice(0, n).join('').trim();
    for (const t of await registry.list()) {
      for (const aspect of [16 / 9, 1, 4 / 5]) {
        const laidOut = selectLayout(t, aspect);
        for (const copy of [words, japanese, arabic]) {
          const fields = Object.fromEntries(t.fields.map((f) => [f.name, f.name === 'price' ? cut('€1.234,99', f.maxLength) : cut(copy, f.maxLength)]));
          expect(() => renderLabelPng(laidOut, fields, { width: Math.min(laidOut.width, 600) })).not.toThrow();
        }
      }
    }
  });

  it.each([
    [doc('<filter id="f"><feDropShadow/></filter>'), 'SVG_UNSUPPORTED'],
    [doc('<text transform="rotate(3)">x</text>'), 'SVG_UNSUPPORTED'],
    [doc('<text>a & b</text>'), 'SVG_INVALID'],
    ['<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10000"/>', 'INVALID_RENDER_SIZE'],
  ])('refuses %s with %s', (svg, code) => {
    expect(domainError(() => rasterise(svg, { width: 10 })).code).toBe(code);
  });
});
