import { GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import { DomainError } from '@shotmatrix/domain';
import { notoSansFontFiles } from './font-files';
import type { SvgText, TextPaint } from './svg-text';
import { layoutText, type Measure } from './text-layout';

interface FontSet {
  /** Noto Sans families Skia knows, by name. */
  families: Set<string>;
  /** Per script, the Noto Sans family for it, tried after the template's own families. */
  byScript: Array<{ script: RegExp; family: string }>;
  /** Last resorts for symbols and maths, after every script family. */
  last: string[];
}

let fontSet: FontSet | undefined;

const CJK_SCRIPTS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}]/u;
const GENERIC = new Set(['sans-serif', 'serif', 'monospace', 'system-ui', 'cursive', 'fantasy']);

/**
 * Registers the Noto Sans files with Skia once per process. Only Noto Sans
 * families are named in the fonts we ask for, so every script comes out in
 * the same sans design (Skia would otherwise fall back to any installed font).
 */
function fonts(): FontSet {
  if (fontSet) return fontSet;
  for (const file of notoSansFontFiles()) GlobalFonts.registerFromPath(file);
  const families = new Set(GlobalFonts.families.map((f) => f.family).filter((f) => /^Noto Sans\b/.test(f) && !/\bMono\b/.test(f)));
  const byScript: FontSet['byScript'] = [];
  for (const family of families) {
    const name = family.slice('Noto Sans '.length);
    if (!name || /^(CJK|Symbols|Math|Display)\b/.test(name)) continue;
    try {
      byScript.push({ script: new RegExp(`\\p{Script=${name.replace(/ /g, '_')}}`, 'u'), family });
    } catch {
      // A family named after something other than a Unicode script (e.g. "Noto Sans Adlam Unjoined").
    }
  }
  // Skia registers only the first face of a collection, CJK JP; Chinese and
  // Korean glyph forms come from its `locl` feature, picked by the text's lang.
  if (families.has('Noto Sans CJK JP')) byScript.push({ script: CJK_SCRIPTS, family: 'Noto Sans CJK JP' });
  const last = ['Noto Sans Symbols', 'Noto Sans Symbols 2', 'Noto Sans Math'].filter((f) => families.has(f));
  return (fontSet = { families, byScript, last });
}

/**
 * The family list for one text: the template's Noto Sans families in its
 * order (other families are skipped: only Noto Sans is registered, by policy),
 * then the Noto Sans family of every script in the copy, then symbols.
 */
export function fontStack(paint: TextPaint, copy: string): string[] {
  const set = fonts();
  const stack: string[] = [];
  const add = (f: string) => {
    if (!stack.includes(f) && (set.families.has(f) || set.families.size === 0)) stack.push(f);
  };
  for (const f of paint.families) if (!GENERIC.has(f)) add(f);
  add('Noto Sans');
  for (const { script, family } of set.byScript) if (script.test(copy)) add(family);
  for (const f of set.last) add(f);
  if (stack.length === 0) stack.push('sans-serif');
  return stack;
}

/** Canvas keeps the previous colour when given one it cannot parse; setting it over two different ones finds out. */
function setFill(ctx: SKRSContext2D, fill: string): void {
  ctx.fillStyle = '#000000';
  ctx.fillStyle = fill;
  if (ctx.fillStyle === '#000000') {
    ctx.fillStyle = '#ffffff';
    ctx.fillStyle = fill;
    if (ctx.fillStyle === '#ffffff') throw new DomainError('SVG_UNSUPPORTED', `the SVG gives text fill="${fill.slice(0, 40)}", which is not a colour`, 'invalid');
  }
}

// Anchors keep their physical meaning for right-to-left copy: a template
// designed with the headline starting at the left keeps it there in Arabic.
const ALIGN = { start: 'left', middle: 'center', end: 'right' } as const;

/** A text as it was set: its lines joined by spaces, and the font size it ended at, in output pixels. */
export interface DrawnText {
  text: string;
  sizePx: number;
}

/**
 * Draws the SVG's texts with Skia's shaper (HarfBuzz inside), in the SVG's
 * user space mapped to the canvas by `scale` and the viewBox origin. Text is
 * measured and set at its pixel size, so fitting sees the widths that are drawn.
 * Returns what was set and at what size (QC judges whether OCR can read it).
 */
export function drawTexts(ctx: SKRSContext2D, texts: SvgText[], view: { scale: number; x: number; y: number }): DrawnText[] {
  const { scale } = view;
  const drawn: DrawnText[] = [];
  ctx.textBaseline = 'alphabetic';
  for (const t of texts) {
    const stack = fontStack(t.paint, t.paragraphs.join(' ')).map((f) => `"${f.replace(/"/g, '')}"`).join(', ');
    const font = (size: number) => `${t.paint.italic ? 'italic ' : ''}${t.paint.weight} ${size * scale}px ${stack}`;
    ctx.lang = t.paint.lang ?? 'und';
    ctx.letterSpacing = `${t.paint.letterSpacing * scale}px`;
    ctx.direction = 'ltr';
    let current = '';
    const measure: Measure = (text, size) => {
      const f = font(size);
      if (f !== current) ctx.font = current = f;
      return ctx.measureText(text).width / scale;
    };
    const placed = layoutText(t, measure);
    if (!placed.lines.length) continue;
    setFill(ctx, t.paint.fill);
    ctx.globalAlpha = t.paint.alpha;
    ctx.font = font(placed.fontSize);
    ctx.textAlign = ALIGN[t.paint.anchor];
    for (const line of placed.lines) {
      ctx.direction = t.paint.direction ?? line.direction;
      ctx.fillText(line.text, (line.x - view.x) * scale, (line.baseline - view.y) * scale);
    }
    ctx.globalAlpha = 1;
    drawn.push({ text: placed.lines.map((l) => l.text).join(' '), sizePx: placed.fontSize * scale });
  }
  return drawn;
}
