import { DomainError } from '@shotmatrix/domain';
import { parseXml, type XmlElement } from './xml-scan';

describe('parseXml', () => {
  it('reads elements, attributes and text with entities decoded, keeping source offsets', () => {
    const src = `<?xml version="1.0"?>\n<!-- c --><svg a="1" b='x &amp; &#x27;y&#39;'><g><text>Fish &amp; Chips &lt;3 &#x1F34B;</text></g><rect/></svg>\n`;
    const root = parseXml(src);
    expect(root).toMatchObject({ name: 'svg', attrs: new Map([['a', '1'], ['b', "x & 'y'"]]) });
    const g = root.children[0] as XmlElement;
    const text = g.children[0] as XmlElement;
    expect(text.children).toEqual([{ kind: 'text', text: 'Fish & Chips <3 🍋' }]);
    expect(src.slice(text.start, text.end)).toBe('<text>Fish &amp; Chips &lt;3 &#x1F34B;</text>');
    expect(src.slice(root.start, root.openEnd)).toBe(`<svg a="1" b='x &amp; &#x27;y&#39;'>`);
    const rect = root.children[1] as XmlElement;
    expect(src.slice(rect.start, rect.end)).toBe('<rect/>');
  });

  it('reads CDATA as text', () => {
    expect(parseXml('<a><![CDATA[x < y & z]]></a>').children).toEqual([{ kind: 'text', text: 'x < y & z' }]);
  });

  it.each([
    ['<svg><g></svg>', '</svg> closes <g> (line 1)'],
    ['<svg>', '<svg> is never closed'],
    ['<svg></svg><svg></svg>', 'a second root element'],
    ['<svg>a & b</svg>', '"&" is not an XML entity (write &amp; for "&")'],
    ['<svg>&nbsp;</svg>', '"&nbsp;" is not an XML entity'],
    ['<svg>&#0;</svg>', '"&#0;" is not a character XML allows'],
    ['<svg a=1></svg>', 'a malformed attribute in <svg> (values need quotes)'],
    ['<svg a="1" a="2"></svg>', 'attribute a given twice on <svg>'],
    ['<svg a="<"></svg>', 'a malformed attribute'],
    ['<svg>1 < 2</svg>', 'a "<" that starts no tag'],
    ['<!DOCTYPE svg><svg/>', 'a DOCTYPE or other declaration'],
    ['text<svg/>', 'text outside the root element'],
    ['<svg><!-- </svg>', 'an unclosed comment'],
    ['\n\n</svg>', 'a closing tag without its opening tag (line 3)'],
    ['', 'no root element'],
  ])('refuses %j', (src, message) => {
    let err: unknown;
    try {
      parseXml(src);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'SVG_INVALID', kind: 'invalid' });
    expect((err as Error).message).toContain(message);
  });
});
