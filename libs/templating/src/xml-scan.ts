import { DomainError } from '@shotmatrix/domain';

export interface XmlElement {
  kind: 'element';
  name: string;
  /** Attribute values with entities decoded, in document order. */
  attrs: Map<string, string>;
  children: XmlNode[];
  /** Source offsets: `start` at `<`, `openEnd` just after the start tag's `>`, `end` just after the element. */
  start: number;
  openEnd: number;
  end: number;
}

export interface XmlText {
  kind: 'text';
  /** Character data with entities decoded. */
  text: string;
}

export type XmlNode = XmlElement | XmlText;

const NAME = /[A-Za-z_][-A-Za-z0-9_.:]*/y;
const ATTRIBUTE = /\s+([A-Za-z_][-A-Za-z0-9_.:]*)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
const TAG_END = /\s*(\/?)>/y;
const CLOSE_TAG = /<\/([A-Za-z_][-A-Za-z0-9_.:]*)\s*>/y;
const ENTITY = /&(?:#(\d{1,7})|#x([0-9A-Fa-f]{1,6})|(amp|lt|gt|quot|apos));/y;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function invalid(source: string, at: number, what: string): DomainError {
  const line = source.slice(0, at).split('\n').length;
  return new DomainError('SVG_INVALID', `the SVG is not well-formed XML: ${what} (line ${line})`, 'invalid');
}

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/** Decodes the five XML entities and character references; anything else (`&nbsp;`, a bare `&`) is an error. */
function decode(source: string, from: number, to: number): string {
  const raw = source.slice(from, to);
  if (!raw.includes('&')) return raw;
  let out = '';
  let i = 0;
  while (i < raw.length) {
    const amp = raw.indexOf('&', i);
    if (amp < 0) {
      out += raw.slice(i);
      break;
    }
    out += raw.slice(i, amp);
    ENTITY.lastIndex = amp;
    const m = ENTITY.exec(raw);
    if (!m) throw invalid(source, from + amp, `"${raw.slice(amp, amp + 12).split(/[\s<]/)[0]}" is not an XML entity (write &amp; for "&")`);
    if (m[3]) out += NAMED[m[3]];
    else {
      const cp = m[1] !== undefined ? Number(m[1]) : parseInt(m[2], 16);
      if (!isXmlChar(cp)) throw invalid(source, from + amp, `"${m[0]}" is not a character XML allows`);
      out += String.fromCodePoint(cp);
    }
    i = amp + m[0].length;
  }
  return out;
}

/**
 * A small, strict XML reader for our SVG templates: elements, attributes,
 * character data, comments, CDATA and a leading XML declaration. No DOCTYPE
 * (and so no entities beyond XML's five), no namespaces resolved: names are
 * taken as written. It keeps source offsets so callers can cut elements out of
 * the document without re-serialising what they do not touch.
 */
export function parseXml(source: string): XmlElement {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let i = 0;
  const appendText = (text: string, at: number) => {
    const parent = stack[stack.length - 1];
    if (!parent) {
      if (text.trim() !== '') throw invalid(source, at, 'text outside the root element');
      return;
    }
    const last = parent.children[parent.children.length - 1];
    if (last?.kind === 'text') last.text += text;
    else parent.children.push({ kind: 'text', text });
  };
  while (i < source.length) {
    const lt = source.indexOf('<', i);
    const textEnd = lt < 0 ? source.length : lt;
    if (textEnd > i) appendText(decode(source, i, textEnd), i);
    if (lt < 0) break;
    i = lt;
    if (source.startsWith('<!--', i)) {
      const close = source.indexOf('-->', i + 4);
      if (close < 0) throw invalid(source, i, 'an unclosed comment');
      i = close + 3;
    } else if (source.startsWith('<![CDATA[', i)) {
      const close = source.indexOf(']]>', i + 9);
      if (close < 0 || !stack.length) throw invalid(source, i, 'a CDATA section outside an element or unclosed');
      appendText(source.slice(i + 9, close), i);
      i = close + 3;
    } else if (source.startsWith('<?', i)) {
      const close = source.indexOf('?>', i + 2);
      if (close < 0 || root || stack.length) throw invalid(source, i, 'a processing instruction after the root element starts');
      i = close + 2;
    } else if (source.startsWith('<!', i)) {
      throw invalid(source, i, 'a DOCTYPE or other declaration');
    } else if (source.startsWith('</', i)) {
      CLOSE_TAG.lastIndex = i;
      const m = CLOSE_TAG.exec(source);
      const open = stack.pop();
      if (!m || !open || m[1] !== open.name) {
        throw invalid(source, i, open ? `</${m?.[1] ?? '?'}> closes <${open.name}>` : 'a closing tag without its opening tag');
      }
      i = CLOSE_TAG.lastIndex;
      open.end = i;
    } else {
      NAME.lastIndex = i + 1;
      const name = NAME.exec(source)?.[0];
      if (!name) throw invalid(source, i, 'a "<" that starts no tag (write &lt; in text)');
      const el: XmlElement = { kind: 'element', name, attrs: new Map(), children: [], start: i, openEnd: 0, end: 0 };
      let j = NAME.lastIndex;
      for (;;) {
        ATTRIBUTE.lastIndex = j;
        const a = ATTRIBUTE.exec(source);
        if (!a) break;
        if (el.attrs.has(a[1])) throw invalid(source, j, `attribute ${a[1]} given twice on <${name}>`);
        const quote = a[2] !== undefined ? 2 : 3;
        const valueEnd = ATTRIBUTE.lastIndex - 1;
        el.attrs.set(a[1], decode(source, valueEnd - a[quote].length, valueEnd));
        j = ATTRIBUTE.lastIndex;
      }
      TAG_END.lastIndex = j;
      const end = TAG_END.exec(source);
      if (!end) throw invalid(source, j, `a malformed attribute in <${name}> (values need quotes)`);
      el.openEnd = TAG_END.lastIndex;
      i = el.openEnd;
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(el);
      else if (root) throw invalid(source, el.start, 'a second root element');
      else root = el;
      if (end[1]) el.end = i;
      else stack.push(el);
    }
  }
  if (stack.length) throw invalid(source, source.length, `<${stack[stack.length - 1].name}> is never closed`);
  if (!root) throw invalid(source, 0, 'no root element');
  return root;
}
