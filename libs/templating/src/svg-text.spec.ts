import { DomainError } from '@shotmatrix/domain';
import { splitSvg } from './svg-text';

const svg = (body: string, root = 'width="400" height="100" viewBox="0 0 400 100"') => `<svg xmlns="http://www.w3.org/2000/svg" ${root}>${body}</svg>`;

describe('splitSvg', () => {
  it('takes texts out with what they inherit, decoded, and sizes the rest to the output', () => {
    const doc = svg(
      '<rect width="400" height="100" fill="#123"/>' +
        '<g font-family="\'Noto Sans\', &quot;Noto Sans CJK JP&quot;, sans-serif" font-size="30" fill="#fff" opacity="0.5" text-anchor="middle">' +
        '<text x="200" y="60" font-weight="bold" fill-opacity="0.8" data-fit-width="380" data-min-size="12">Fish &amp; Chips &#x27;n&#x27; &lt;b&gt;</text>' +
        '<circle r="3"/></g>',
    );
    const split = splitSvg(doc, 200);
    expect(split.output).toEqual({ width: 200, height: 50 });
    expect(split.viewBox).toEqual({ x: 0, y: 0, width: 400, height: 100 });
    expect(split.texts).toEqual([
      {
        x: 200,
        y: 60,
        paragraphs: ["Fish & Chips 'n' <b>"],
        fontSize: 30,
        fit: { width: 380, minSize: 12 },
        maxLines: 1,
        lineHeight: 1.2,
        grow: 'down',
        paint: {
          families: ['Noto Sans', 'Noto Sans CJK JP', 'sans-serif'],
          weight: 700,
          italic: false,
          fill: '#fff',
          alpha: 0.4,
          anchor: 'middle',
          letterSpacing: 0,
        },
      },
    ]);
    expect(split.shapes).toBe(
      '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="50" viewBox="0 0 400 100"><rect width="400" height="100" fill="#123"/>' +
        '<g font-family="\'Noto Sans\', &quot;Noto Sans CJK JP&quot;, sans-serif" font-size="30" fill="#fff" opacity="0.5" text-anchor="middle"><circle r="3"/></g></svg>',
    );
  });

  it('gives a viewBox to a document that has none, and rounds the output height', () => {
    const split = splitSvg('<svg xmlns="http://www.w3.org/2000/svg" width="800" height="260"/>', 333);
    expect(split.output).toEqual({ width: 333, height: 108 });
    expect(split.shapes).toBe('<svg xmlns="http://www.w3.org/2000/svg" width="333" height="108" viewBox="0 0 800 260"/>');
  });

  it('reads lines: copy line breaks as far as max lines allows, then <tspan> lines with their dy', () => {
    const text = (attrs: string, body: string) => splitSvg(svg(`<text x="10" y="50" font-size="20" ${attrs}>${body}</text>`), 400).texts[0];
    expect(text('', '\n   Fresh\n  and  cold \n').paragraphs).toEqual(['Fresh and cold']);
    expect(text('data-fit-width="300" data-min-size="10" data-max-lines="2"', 'Fresh\nand\r\ncold').paragraphs).toEqual(['Fresh', 'and cold']);
    const spans = text('', '\n  <tspan>First</tspan>\n  <tspan x="10" dy="1.5em">Second</tspan><tspan x="10" dy="30">Third</tspan>\n');
    expect(spans).toMatchObject({ paragraphs: ['First', 'Second', 'Third'], maxLines: 3, lineHeight: 1.5 });
  });

  it('drops text with fill="none" and keeps the template’s own lang and direction', () => {
    expect(splitSvg(svg('<text fill="none">x</text>'), 10).texts).toEqual([]);
    expect(splitSvg(svg('<g lang="ja"><text direction="rtl" letter-spacing="3">x</text></g>'), 10).texts[0].paint).toMatchObject({
      lang: 'ja',
      direction: 'rtl',
      letterSpacing: 3,
    });
  });

  it.each([
    ['<text transform="rotate(5)">x</text>', 'transform="…" on <text> "x"'],
    ['<g transform="translate(5)"><text>x</text></g>', 'transform="translate(5)" on a <g> around <text> "x"'],
    ['<g filter="url(#f)"><text>x</text></g>', 'filter="url(#f)" on a <g> around'],
    ['<g stroke="#000"><text>x</text></g>', 'stroke="#000" on a <g>'],
    ['<text stroke="#000">x</text>', 'stroke="…" on <text>'],
    ['<text>a <a href="#x">b</a></text>', '<a> inside <text> "a b"'],
    ['<text>a <tspan font-weight="700">b</tspan></text>', 'copy beside <tspan> lines'],
    ['<text><tspan>a</tspan><tspan>b</tspan></text>', 'an inline <tspan>'],
    ['<text><tspan fill="red">a</tspan></text>', 'fill="…" on a <tspan>'],
    ['<text><tspan>a<tspan>b</tspan></tspan></text>', 'an element inside a <tspan>'],
    ['<text x="1,2">x</text>', 'x="1,2" (only plain numbers'],
    ['<text font-size="2em">x</text>', 'font-size="2em"'],
    ['<text fill="url(#g)">x</text>', 'fill="url(#g)" on <text> "x" (text takes a plain colour)'],
    ['<text data-fit-width="100">x</text>', 'only one of data-fit-width and data-min-size'],
    ['<text data-max-lines="2">x</text>', 'data-max-lines without data-fit-width'],
    ['<text data-fit-width="9" data-min-size="5" data-max-lines="0">x</text>', 'data-max-lines="0"'],
    ['<text data-fit-width="9" data-min-size="50" font-size="20">x</text>', 'data-min-size="50" above font-size="20"'],
    ['<text data-grow="sideways">x</text>', 'data-grow="sideways"'],
    ['<text text-anchor="left">x</text>', 'text-anchor="left"'],
    ['<defs><text id="t">x</text></defs>', '<text> "x" inside <defs>'],
    ['<g id="copy"><text>x</text></g><use href="#copy"/>', '<use href="#copy"> of an element holding text'],
    ['<tspan>x</tspan>', 'a <tspan> outside <text>'],
    ['<style>text { fill: red }</style>', 'a <style> sheet'],
    ['<filter id="f"><feDropShadow dy="4"/></filter>', '<feDropShadow>'],
    ['<foreignObject/>', '<foreignObject>'],
    ['<symbol id="s"/>', '<symbol>'],
  ])('refuses %s', (body, message) => {
    let err: unknown;
    try {
      splitSvg(svg(body), 100);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'SVG_UNSUPPORTED', kind: 'invalid' });
    expect((err as Error).message).toContain(message);
    expect((err as Error).message).toMatch(/^the SVG uses .*, which the label renderer does not draw$/);
  });

  it.each([
    ['width="400" height="100" viewBox="0 0 400 200"', 'a viewBox (400×200) whose shape differs'],
    ['width="50%" height="100"', 'width="50%" (only plain numbers'],
    ['width="400" height="100" preserveAspectRatio="none"', 'preserveAspectRatio or transform on the root'],
  ])('refuses a root with %s', (root, message) => {
    expect(() => splitSvg(svg('', root), 100)).toThrow(message);
  });

  it('needs a size from width and height or a viewBox', () => {
    expect(splitSvg(svg('', 'viewBox="10 20 300 150"'), 100)).toMatchObject({ width: 300, height: 150, output: { width: 100, height: 50 } });
    expect(() => splitSvg(svg('', ''), 100)).toThrow('the root <svg> needs width and height, or a viewBox');
  });
});
