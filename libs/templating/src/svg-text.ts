import { DomainError } from '@shotmatrix/domain';
import type { LineGrowth, TextBox } from './text-layout';
import { parseXml, type XmlElement, type XmlNode } from './xml-scan';

/** How a `<text>` is painted: its own attributes over what it inherits from enclosing `<g>`s. */
export interface TextPaint {
  /** As written in `font-family`, quotes removed, in order. */
  families: string[];
  weight: number;
  italic: boolean;
  /** A CSS colour; texts with `fill="none"` are dropped before they get here. */
  fill: string;
  /** `fill-opacity` times every `opacity` on the way up. */
  alpha: number;
  anchor: 'start' | 'middle' | 'end';
  /** In user units. */
  letterSpacing: number;
  /** Forced by a `direction` attribute; otherwise each paragraph's first letter decides. */
  direction?: 'ltr' | 'rtl';
  /** BCP 47, from `lang` / `xml:lang`: picks CJK glyph forms and language-specific shaping. */
  lang?: string;
}

export interface SvgText extends TextBox {
  paint: TextPaint;
}

export interface SplitSvg {
  /** The document without its `<text>` elements, its root sized to `output` in pixels. */
  shapes: string;
  /** Raster size: the asked-for width, the height following the document's aspect ratio. */
  output: { width: number; height: number };
  /** The document's own size (its `width`/`height`, else its viewBox). */
  width: number;
  height: number;
  viewBox: { x: number; y: number; width: number; height: number };
  texts: SvgText[];
}

/**
 * Elements the Skia SVG renderer draws (SkSVGDOM's tag list) plus `text` and
 * `tspan`, which we draw ourselves. Anything else Skia would skip without a
 * word (`feDropShadow`, `symbol`, `marker`, `foreignObject`, …), so it is
 * refused instead. `<style>` is refused too: a style sheet can restyle text,
 * which is not drawn by the SVG renderer.
 */
const DRAWN = new Set(
  (
    'svg g defs title desc metadata rect circle ellipse line polyline polygon path image use ' +
    'linearGradient radialGradient stop clipPath mask pattern filter ' +
    'feBlend feColorMatrix feComponentTransfer feComposite feDiffuseLighting feDisplacementMap feDistantLight ' +
    'feFlood feFuncA feFuncR feFuncG feFuncB feGaussianBlur feImage feMerge feMergeNode feMorphology feOffset ' +
    'fePointLight feSpecularLighting feSpotLight feTurbulence text tspan'
  ).split(' '),
);
/** Free-form content nobody draws: its inside is not checked. */
const OPAQUE = new Set(['title', 'desc', 'metadata']);

/** Attributes a `<text>` may carry; anything else would be ignored by the text drawer, so it is refused. */
const TEXT_ATTRIBUTES = new Set([
  'x', 'y', 'id', 'font-family', 'font-size', 'font-weight', 'font-style', 'fill', 'fill-opacity', 'opacity',
  'text-anchor', 'letter-spacing', 'direction', 'lang', 'xml:lang',
  'data-fit-width', 'data-fit-height', 'data-min-size', 'data-max-lines', 'data-line-height', 'data-grow',
]);
const INHERITED = ['font-family', 'font-size', 'font-weight', 'font-style', 'fill', 'fill-opacity', 'text-anchor', 'letter-spacing', 'direction', 'lang', 'xml:lang'];
/** On a `<g>` (or the root) around text these change how the text looks in ways the text drawer does not reproduce. */
const NOT_AROUND_TEXT = [
  'transform', 'filter', 'clip-path', 'mask', 'style', 'class', 'display', 'visibility', 'font', 'text-decoration',
  'dominant-baseline', 'alignment-baseline', 'baseline-shift', 'writing-mode', 'font-variant', 'font-stretch',
  'word-spacing', 'xml:space', 'unicode-bidi', 'systemLanguage', 'requiredFeatures', 'requiredExtensions',
  'stroke',
];
const GROW: LineGrowth[] = ['down', 'up', 'both'];
const MAX_LINES = 8;

function unsupported(what: string): DomainError {
  return new DomainError('SVG_UNSUPPORTED', `the SVG uses ${what}, which the label renderer does not draw`, 'invalid');
}

const LENGTH = /^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*(px)?\s*$/i;

function length(value: string, what: string): number {
  const m = LENGTH.exec(value);
  if (!m) throw unsupported(`${what}="${value.slice(0, 40)}" (only plain numbers in user units are supported)`);
  return Number(m[1]);
}

function positive(value: string, what: string): number {
  const v = length(value, what);
  if (!(v > 0)) throw unsupported(`${what}="${value}" (it must be greater than 0)`);
  return v;
}

function opacity(value: string, what: string): number {
  const pct = /^\s*([\d.]+)%\s*$/.exec(value);
  const v = pct ? Number(pct[1]) / 100 : Number(value);
  if (!Number.isFinite(v)) throw unsupported(`${what}="${value}"`);
  return Math.min(1, Math.max(0, v));
}

function weight(value: string): number {
  if (value === 'normal') return 400;
  if (value === 'bold') return 700;
  const n = Number(value);
  if (!(Number.isInteger(n) && n >= 1 && n <= 1000)) throw unsupported(`font-weight="${value}" (use normal, bold or 1–1000)`);
  return n;
}

function families(value: string): string[] {
  return value
    .split(',')
    .map((f) => f.trim().replace(/^(['"])(.*)\1$/, '$2').trim())
    .filter((f) => f !== '');
}

/** Copy whitespace as SVG shows it (runs collapse), except that line breaks inside the copy are kept as hard breaks. */
function paragraphsOf(raw: string): string[] {
  return raw
    .replace(/\r\n?/g, '\n')
    .trim()
    .split('\n')
    .map((l) => l.replace(/[ \t]+/g, ' ').trim());
}

interface Inherited {
  attrs: Map<string, string>;
  alpha: number;
}

/**
 * Parses the SVG, checks it uses only what we draw, and takes its `<text>`
 * elements out: Skia's SVG renderer neither shapes complex scripts nor
 * lays out right-to-left text, so text is drawn separately with its
 * `fillText`, which does (see render-label.ts).
 */
export function splitSvg(svg: string, outputWidth: number): SplitSvg {
  const root = parseXml(svg);
  if (root.name !== 'svg') throw new DomainError('SVG_INVALID', `the document's root is <${root.name}>, not <svg>`, 'invalid');
  const size = viewport(root);
  const output = { width: outputWidth, height: Math.max(1, Math.round((outputWidth * size.height) / size.width)) };
  const texts: SvgText[] = [];
  const cut: Array<[number, number]> = [];
  const textIds = new Set<string>();
  const useRefs: string[] = [];

  const walk = (el: XmlElement, inherited: Inherited, ancestors: XmlElement[]) => {
    if (!DRAWN.has(el.name)) throw unsupported(el.name === 'style' ? 'a <style> sheet (use presentation attributes such as fill="…")' : `<${el.name}>`);
    if (el.name === 'use') {
      const ref = el.attrs.get('href') ?? el.attrs.get('xlink:href');
      if (ref?.startsWith('#')) useRefs.push(ref.slice(1));
    }
    if (el.name === 'text') {
      texts.push(...readText(el, inherited, ancestors));
      cut.push([el.start, el.end]);
      for (const holder of [el, ...ancestors]) {
        const id = holder.attrs.get('id');
        if (id) textIds.add(id);
      }
      return;
    }
    if (el.name === 'tspan') throw unsupported('a <tspan> outside <text>');
    if (OPAQUE.has(el.name)) return;
    const attrs = new Map(inherited.attrs);
    for (const name of INHERITED) {
      const v = el.attrs.get(name);
      if (v !== undefined && v !== 'inherit') attrs.set(name, v);
    }
    const own = el.attrs.get('opacity');
    const next: Inherited = { attrs, alpha: inherited.alpha * (own === undefined ? 1 : opacity(own, 'opacity')) };
    for (const child of el.children) if (child.kind === 'element') walk(child, next, [...ancestors, el]);
  };
  walk(root, { attrs: new Map(), alpha: 1 }, []);
  const copied = useRefs.find((r) => textIds.has(r));
  if (copied) throw unsupported(`<use href="#${copied}"> of an element holding text`);

  let shapes = '';
  let from = 0;
  for (const [start, end] of cut) {
    shapes += svg.slice(from, start);
    from = end;
  }
  shapes += svg.slice(from);
  return { shapes: resizeRoot(shapes, root, size.viewBox, output), output, ...size, texts };
}

function viewport(root: XmlElement): Pick<SplitSvg, 'width' | 'height' | 'viewBox'> {
  if (root.attrs.has('preserveAspectRatio') || root.attrs.has('transform')) throw unsupported('preserveAspectRatio or transform on the root <svg>');
  const w = root.attrs.get('width');
  const h = root.attrs.get('height');
  const vbAttr = root.attrs.get('viewBox');
  let viewBox: SplitSvg['viewBox'] | undefined;
  if (vbAttr !== undefined) {
    const n = vbAttr.trim().split(/[\s,]+/).map(Number);
    if (n.length !== 4 || n.some((v) => !Number.isFinite(v)) || !(n[2] > 0 && n[3] > 0)) throw unsupported(`viewBox="${vbAttr.slice(0, 40)}"`);
    viewBox = { x: n[0], y: n[1], width: n[2], height: n[3] };
  }
  if (w === undefined || h === undefined) {
    if (!viewBox) throw new DomainError('SVG_INVALID', 'the root <svg> needs width and height, or a viewBox', 'invalid');
    return { width: viewBox.width, height: viewBox.height, viewBox };
  }
  const width = positive(w, 'width');
  const height = positive(h, 'height');
  viewBox ??= { x: 0, y: 0, width, height };
  if (Math.abs(viewBox.width / viewBox.height / (width / height) - 1) > 0.005) {
    throw unsupported(`a viewBox (${viewBox.width}×${viewBox.height}) whose shape differs from the <svg>'s width and height (${width}×${height})`);
  }
  return { width, height, viewBox };
}

/** The root start tag, sized in output pixels so Skia draws the document at that size (no image scaling). */
function resizeRoot(shapes: string, root: XmlElement, vb: SplitSvg['viewBox'], output: { width: number; height: number }): string {
  const attrs = [...root.attrs].filter(([k]) => k !== 'width' && k !== 'height' && k !== 'viewBox');
  const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const selfClosing = shapes.slice(root.openEnd - 2, root.openEnd) === '/>';
  const tag =
    `<svg ${attrs.map(([k, v]) => `${k}="${esc(v)}"`).join(' ')} width="${output.width}" height="${output.height}"` +
    ` viewBox="${vb.x} ${vb.y} ${vb.width} ${vb.height}"${selfClosing ? '/>' : '>'}`;
  // Texts are never the root, so the root's start tag sits at the same offsets in `shapes`.
  return shapes.slice(0, root.start) + tag + shapes.slice(root.openEnd);
}

function readText(el: XmlElement, inherited: Inherited, ancestors: XmlElement[]): SvgText[] {
  const where = `<text> "${textContent(el).trim().slice(0, 30)}"`;
  for (const [depth, holder] of ancestors.entries()) {
    if (depth > 0 && holder.name !== 'g') throw unsupported(`${where} inside <${holder.name}>`);
    for (const name of NOT_AROUND_TEXT) {
      const v = holder.attrs.get(name);
      if (v !== undefined && !(name === 'stroke' && v === 'none')) throw unsupported(`${name}="${v.slice(0, 30)}" on a <${holder.name}> around ${where}`);
    }
  }
  for (const name of el.attrs.keys()) {
    if (!TEXT_ATTRIBUTES.has(name)) throw unsupported(`${name}="…" on ${where}`);
  }
  const a = new Map(inherited.attrs);
  for (const [k, v] of el.attrs) if (v !== 'inherit') a.set(k, v);

  const fill = a.get('fill') ?? '#000000';
  if (fill === 'none') return [];
  if (/^\s*(url\(|currentColor|context-)/i.test(fill)) throw unsupported(`fill="${fill}" on ${where} (text takes a plain colour)`);

  const anchor = a.get('text-anchor') ?? 'start';
  if (anchor !== 'start' && anchor !== 'middle' && anchor !== 'end') throw unsupported(`text-anchor="${anchor}"`);
  const direction = a.get('direction');
  if (direction !== undefined && direction !== 'ltr' && direction !== 'rtl') throw unsupported(`direction="${direction}"`);
  const style = a.get('font-style') ?? 'normal';
  if (style !== 'normal' && style !== 'italic') throw unsupported(`font-style="${style}"`);

  const x = length(el.attrs.get('x') ?? '0', 'x');
  const y = length(el.attrs.get('y') ?? '0', 'y');
  const fontSize = positive(a.get('font-size') ?? '16', 'font-size');
  const lines = textLines(el, x, fontSize, where);

  const fitWidth = el.attrs.get('data-fit-width');
  const minSize = el.attrs.get('data-min-size');
  const maxLinesAttr = el.attrs.get('data-max-lines');
  const maxLines = maxLinesAttr === undefined ? lines.declared : Number(maxLinesAttr);
  if (!(Number.isInteger(maxLines) && maxLines >= 1 && maxLines <= MAX_LINES)) throw unsupported(`data-max-lines="${maxLinesAttr}" (1 to ${MAX_LINES})`);
  if ((fitWidth === undefined) !== (minSize === undefined)) throw unsupported(`${where} with only one of data-fit-width and data-min-size (give both)`);
  if (maxLines > 1 && fitWidth === undefined && maxLinesAttr !== undefined) throw unsupported(`data-max-lines without data-fit-width on ${where} (wrapping needs a width)`);
  const fitHeight = el.attrs.get('data-fit-height');
  if (fitHeight !== undefined && fitWidth === undefined) throw unsupported(`data-fit-height without data-fit-width on ${where}`);
  const fit =
    fitWidth === undefined || minSize === undefined
      ? undefined
      : {
          width: positive(fitWidth, 'data-fit-width'),
          minSize: positive(minSize, 'data-min-size'),
          ...(fitHeight !== undefined ? { height: positive(fitHeight, 'data-fit-height') } : {}),
        };
  if (fit && fit.minSize > fontSize) throw unsupported(`data-min-size="${fit.minSize}" above font-size="${fontSize}" on ${where}`);
  const grow = (el.attrs.get('data-grow') ?? 'down') as LineGrowth;
  if (!GROW.includes(grow)) throw unsupported(`data-grow="${grow}" (down, up or both)`);
  const lineHeightAttr = el.attrs.get('data-line-height');
  const lineHeight = lines.lineHeight ?? (lineHeightAttr === undefined ? 1.2 : positive(lineHeightAttr, 'data-line-height'));

  // A slot with room for n lines keeps the copy's first n − 1 line breaks; later ones become spaces.
  const paragraphs = lines.paragraphs.slice(0, maxLines - 1);
  const rest = lines.paragraphs.slice(maxLines - 1).filter((p) => p !== '');
  paragraphs.push(rest.join(' '));

  const fillOpacity = a.get('fill-opacity');
  const ownOpacity = el.attrs.get('opacity');
  const lang = a.get('xml:lang') ?? a.get('lang');
  return [
    {
      x,
      y,
      paragraphs,
      fontSize,
      ...(fit ? { fit } : {}),
      maxLines,
      lineHeight,
      grow,
      paint: {
        families: families(a.get('font-family') ?? 'sans-serif'),
        weight: weight(a.get('font-weight') ?? 'normal'),
        italic: style === 'italic',
        fill,
        alpha:
          inherited.alpha *
          (ownOpacity === undefined ? 1 : opacity(ownOpacity, 'opacity')) *
          (fillOpacity === undefined ? 1 : opacity(fillOpacity, 'fill-opacity')),
        anchor,
        letterSpacing: a.has('letter-spacing') && a.get('letter-spacing') !== 'normal' ? length(a.get('letter-spacing') ?? '0', 'letter-spacing') : 0,
        ...(direction ? { direction } : {}),
        ...(lang ? { lang } : {}),
      },
    },
  ];
}

function textContent(node: XmlNode): string {
  return node.kind === 'text' ? node.text : node.children.map(textContent).join('');
}

/**
 * A `<text>` holds either copy, or `<tspan>` lines: each tspan after the
 * first starts a new line at the text's `x`, `dy` below the previous one
 * (the way SVG editors write multi-line text). Inline tspans (a bold word)
 * are not supported.
 */
function textLines(el: XmlElement, x: number, fontSize: number, where: string): { paragraphs: string[]; declared: number; lineHeight?: number } {
  const spans = el.children.filter((c): c is XmlElement => c.kind === 'element');
  const other = spans.find((c) => c.name !== 'tspan');
  if (other) throw unsupported(`<${other.name}> inside ${where}`);
  if (spans.length === 0) return { paragraphs: paragraphsOf(textContent(el)), declared: 1 };
  if (el.children.some((c) => c.kind === 'text' && c.text.trim() !== '')) throw unsupported(`copy beside <tspan> lines in ${where}`);
  let lineHeight: number | undefined;
  const paragraphs: string[] = [];
  spans.forEach((span, i) => {
    for (const name of span.attrs.keys()) if (name !== 'x' && name !== 'dy') throw unsupported(`${name}="…" on a <tspan> (a tspan is a line; style the <text>)`);
    if (span.children.some((c) => c.kind === 'element')) throw unsupported(`an element inside a <tspan> in ${where}`);
    const sx = span.attrs.get('x');
    const dy = span.attrs.get('dy');
    if (i > 0) {
      if (sx === undefined || dy === undefined || length(sx, 'x') !== x) {
        throw unsupported(`an inline <tspan> in ${where} (each tspan after the first needs x="${x}" and a dy, as a new line)`);
      }
      const em = /^\s*([\d.]+)em\s*$/.exec(dy);
      const step = (em ? Number(em[1]) * fontSize : positive(dy, 'dy on <tspan>')) / fontSize;
      if (lineHeight !== undefined && Math.abs(step - lineHeight) > 1e-6) throw unsupported(`<tspan> lines with different dy in ${where}`);
      lineHeight = step;
    } else if ((sx !== undefined && length(sx, 'x') !== x) || (dy !== undefined && length(dy, 'dy') !== 0)) {
      throw unsupported(`a first <tspan> that moves away from its <text>'s x and y in ${where}`);
    }
    paragraphs.push(...paragraphsOf(textContent(span)));
  });
  return { paragraphs, declared: spans.length, ...(lineHeight !== undefined ? { lineHeight } : {}) };
}
