import { createCanvas, Image, type Canvas } from '@napi-rs/canvas';
import Handlebars from 'handlebars';
import { DomainError } from '@shotmatrix/domain';
import type { LabelTemplate } from './label-template';
import { drawTexts, type DrawnText } from './skia-text';
import { splitSvg } from './svg-text';

export type TemplateFields = Record<string, string | number>;

export interface RasterImage {
  png: Buffer;
  width: number;
  height: number;
  /** The copy as set and its font size in this image's pixels (after shrink-to-fit). */
  texts: DrawnText[];
}

const MAX_RASTER_WIDTH = 8192;

/**
 * Copy is checked before rendering so a producer gets one clear message per
 * field. Fields a template does not declare are ignored: a market's copy deck
 * can hold more lines than one label shows.
 */
export function checkFields(template: LabelTemplate, fields: TemplateFields): void {
  for (const field of template.fields) {
    const value = fields[field.name];
    const text = value === undefined || value === null ? '' : String(value);
    if (field.required && text.trim() === '') {
      throw new DomainError(
        'TEMPLATE_FIELD_MISSING',
        `${template.kind} template "${template.name}" needs field "${field.name}"`,
        'invalid',
      );
    }
    const length = [...text].length;
    if (field.maxLength !== undefined && length > field.maxLength) {
      throw new DomainError(
        'TEMPLATE_FIELD_TOO_LONG',
        `${template.kind} template "${template.name}" allows at most ${field.maxLength} characters in field "${field.name}" (got ${length})`,
        'invalid',
      );
    }
  }
}

// One Handlebars environment for templates only: the built-in helpers and no
// others (`knownHelpersOnly`), so a template cannot call anything else. Text
// is fitted by the renderer (`data-fit-*` on `<text>`), not by a helper.
const hbs = Handlebars.create();
const compiled = new Map<string, Handlebars.TemplateDelegate>();

function compile(source: string): Handlebars.TemplateDelegate {
  let fn = compiled.get(source);
  if (!fn) {
    fn = hbs.compile(source, { strict: true, knownHelpersOnly: true });
    compiled.set(source, fn);
  }
  return fn;
}

/** Characters XML 1.0 forbids even as references; they would make the SVG unparseable. */
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Fills the template. Values are HTML-escaped by Handlebars (`& < > " ' \` =`
 * become entities XML also accepts). Only declared fields reach the template,
 * optional ones as "", so strict mode catches a template that uses a field
 * its schema does not declare.
 */
export function renderSvg(template: LabelTemplate, fields: TemplateFields): string {
  checkFields(template, fields);
  const context: Record<string, string> = {};
  for (const f of template.fields) {
    const v = fields[f.name];
    context[f.name] = v === undefined || v === null ? '' : String(v).replace(XML_INVALID, '');
  }
  try {
    return compile(template.source)(context);
  } catch (e) {
    const missing = /^"([^"]+)" not defined in/.exec((e as Error).message);
    if (missing) {
      throw new DomainError(
        'TEMPLATE_FIELD_MISSING',
        `${template.kind} template "${template.name}" needs field "${missing[1]}"`,
        'invalid',
      );
    }
    throw e;
  }
}

/**
 * Skia's SVG renderer reads `<image href="file:///any/local/file">` from disk
 * (it does here; resvg, used before, read plain paths), and no option turns
 * that off, so anything that refers outside the document is refused before
 * the renderer sees it: only `#fragment` and `data:image/` refs are allowed,
 * and no DOCTYPE (external entities). `url(` is looked for only in markup and
 * styles: copy that mentions "url(" is just text.
 */
export function assertSelfContained(svg: string): void {
  const styles = [...svg.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => m[1]).join('\n');
  const markup = svg.replace(/<style\b[^>]*>[\s\S]*?<\/style>/gi, '<style/>').replace(/>[^<]*</g, '><');
  const problems: string[] = [];
  // Escaped copy cannot spell `href="` or `<!`, so these scan the whole document.
  for (const m of svg.matchAll(/\bhref\s*=\s*(["'])(.*?)\1/gis)) {
    const ref = m[2].trim();
    if (!ref.startsWith('#') && !/^data:image\//i.test(ref)) problems.push(`href="${ref.slice(0, 60)}"`);
  }
  for (const m of `${markup}\n${styles}`.matchAll(/url\(\s*(['"]?)([^)'"]*)\1\s*\)/gi)) {
    if (!m[2].trim().startsWith('#')) problems.push(`url(${m[2].slice(0, 60)})`);
  }
  if (/<!DOCTYPE|<!ENTITY/i.test(svg)) problems.push('a DOCTYPE');
  if (/@import/i.test(styles)) problems.push('a CSS @import');
  if (problems.length) {
    throw new DomainError(
      'SVG_EXTERNAL_RESOURCE',
      `the SVG refers to resources outside itself, which are not loaded: ${problems.join(', ')}`,
      'invalid',
    );
  }
}

/**
 * Text is taken out of the document and drawn with Skia's `fillText`, which
 * shapes every script (resvg 2.6.2 broke Devanagari; the SVG renderers'
 * own text did not shape, or not right to left). The rest goes through Skia's
 * SVG renderer rather than resvg: one engine, and label-classic at 800 px
 * took 16.5 ms instead of 59 ms here. Skia draws fewer SVG features than
 * resvg, so splitSvg refuses the ones it would skip.
 */
function renderCanvas(svg: string, opts: { width: number }): { canvas: Canvas; texts: DrawnText[] } {
  if (!(Number.isInteger(opts.width) && opts.width > 0 && opts.width <= MAX_RASTER_WIDTH)) {
    throw new DomainError('INVALID_RENDER_SIZE', `label width must be a whole number of pixels from 1 to ${MAX_RASTER_WIDTH}`, 'invalid');
  }
  assertSelfContained(svg);
  const split = splitSvg(svg, opts.width);
  const { width, height } = split.output;
  if (height > MAX_RASTER_WIDTH) {
    throw new DomainError('INVALID_RENDER_SIZE', `the label would be ${height} pixels tall at ${width} wide; at most ${MAX_RASTER_WIDTH} are allowed`, 'invalid');
  }
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  const shapes = new Image();
  let unreadable = false;
  shapes.onerror = () => {
    unreadable = true;
  };
  shapes.src = Buffer.from(split.shapes);
  if (unreadable || shapes.width === 0) throw new DomainError('SVG_INVALID', 'the SVG renderer could not read the document', 'invalid');
  ctx.drawImage(shapes, 0, 0, width, height);
  const texts = drawTexts(ctx, split.texts, { scale: width / split.viewBox.width, x: split.viewBox.x, y: split.viewBox.y });
  return { canvas, texts };
}

/** SVG → PNG with alpha, scaled to `width` (height follows the SVG's aspect ratio). */
export function rasterise(svg: string, opts: { width: number }): RasterImage {
  const { canvas, texts } = renderCanvas(svg, opts);
  return { png: canvas.encodeSync('png'), width: canvas.width, height: canvas.height, texts };
}

/** Like `rasterise`, but straight (not premultiplied) RGBA bytes: for QC and tests that look at pixels. */
export function rasteriseRgba(svg: string, opts: { width: number }): { pixels: Buffer; width: number; height: number } {
  const { canvas } = renderCanvas(svg, opts);
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  return { pixels: Buffer.from(data.buffer, data.byteOffset, data.byteLength), width: canvas.width, height: canvas.height };
}

export function renderLabelPng(template: LabelTemplate, fields: TemplateFields, opts: { width: number }): RasterImage {
  return rasterise(renderSvg(template, fields), opts);
}
