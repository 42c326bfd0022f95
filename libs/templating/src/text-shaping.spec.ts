import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createCanvas, Path2D } from '@napi-rs/canvas';
import { Resvg } from '@resvg/resvg-js';
import { notoSansFontFiles } from './font-files';
import { rasteriseRgba } from './render-label';

/**
 * Shaping test: our rasterised text must agree with HarfBuzz (harfbuzzjs,
 * WASM) shaping the same Noto Sans font. The reference is HarfBuzz's glyph
 * outlines placed where it says and filled as plain paths, so no text engine
 * is involved in drawing it. "Agree" means the same ink extent (within 2 %)
 * and mostly the same inked pixels (intersection over union ≥ 0.85; Skia's
 * hinting keeps it below 1). A control shows the check has teeth: resvg
 * 2.6.2, the previous rasteriser, fails it on Devanagari, and for Devanagari
 * and Arabic the unshaped text (each character shaped on its own) is far off.
 */

const W = 1000;
const H = 180;
const SIZE = 64;
const BASELINE = 120;
const LEFT = 40;
const RIGHT = 960;

interface Sample {
  script: string;
  text: string;
  file: string;
  family: string;
  rtl?: boolean;
  /** Scripts whose unshaped form is visibly wrong: the naive reference must differ clearly. */
  complex?: boolean;
}

const SAMPLES: Sample[] = [
  { script: 'Latin', text: 'Grüße aus Köln', file: 'NotoSans-Regular.ttf', family: 'Noto Sans' },
  { script: 'Japanese', text: 'こんにちは世界 ¥1,280', file: 'NotoSansCJK-Regular.ttc', family: 'Noto Sans CJK JP' },
  { script: 'Arabic', text: 'مرحبا بالعالم', file: 'NotoSansArabic-Regular.ttf', family: 'Noto Sans Arabic', rtl: true, complex: true },
  { script: 'Devanagari', text: 'हिन्दी में नमस्ते', file: 'NotoSansDevanagari-Regular.ttf', family: 'Noto Sans Devanagari', complex: true },
  { script: 'Thai', text: 'สวัสดีครับ', file: 'NotoSansThai-Regular.ttf', family: 'Noto Sans Thai' },
];

interface ShapedRun {
  upem: number;
  /** Total advance in font units. */
  advance: number;
  glyphs: Array<{ x: number; y: number; path: string; cluster: number }>;
}

// harfbuzzjs is an ES module with top-level await, which Jest's CommonJS
// runtime cannot load, so it runs in a child Node process.
const HARFBUZZ_SCRIPT = `
import fs from 'node:fs';
const { url, runs } = JSON.parse(fs.readFileSync(0, 'utf8'));
const hb = await import(url);
const out = runs.map(({ file, text }) => {
  const face = new hb.Face(new hb.Blob(fs.readFileSync(file)), 0);
  const font = new hb.Font(face);
  const shape = (t) => {
    const buffer = new hb.Buffer();
    buffer.addText(t);
    buffer.guessSegmentProperties();
    hb.shape(font, buffer);
    return buffer.getGlyphInfosAndPositions();
  };
  const run = (parts) => {
    let x = 0;
    const glyphs = [];
    for (const [offset, part] of parts) {
      for (const g of shape(part)) {
        glyphs.push({ x: x + g.xOffset, y: g.yOffset, path: font.glyphToPath(g.codepoint), cluster: g.cluster + offset });
        x += g.xAdvance;
      }
    }
    return { upem: face.upem, advance: x, glyphs };
  };
  // Unshaped: every character on its own, in logical order, as a renderer without shaping would set it.
  let offset = 0;
  const chars = [...text].map((c) => [(offset += c.length) - c.length, c]);
  return { shaped: run([[0, text]]), naive: run(chars) };
});
process.stdout.write(JSON.stringify(out));
`;

function harfbuzz(runs: Array<{ file: string; text: string }>): Array<{ shaped: ShapedRun; naive: ShapedRun }> {
  const url = pathToFileURL(require.resolve('harfbuzzjs')).href;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', HARFBUZZ_SCRIPT], { input: JSON.stringify({ url, runs }) });
  return JSON.parse(out.toString('utf8'));
}

type Mask = Uint8Array;

function maskOf(rgba: Uint8Array | Uint8ClampedArray): Mask {
  const m = new Uint8Array(W * H);
  for (let i = 0; i < m.length; i++) m[i] = rgba[i * 4 + 3] >= 128 ? 1 : 0;
  return m;
}

/** HarfBuzz's outlines filled at its positions; right-to-left runs end at RIGHT, as text-anchor="end" puts them. */
function drawRun(run: ShapedRun, rtl: boolean): Mask {
  const ctx = createCanvas(W, H).getContext('2d');
  const k = SIZE / run.upem;
  const origin = rtl ? RIGHT - run.advance * k : LEFT;
  for (const g of run.glyphs) {
    ctx.setTransform(k, 0, 0, -k, origin + g.x * k, BASELINE - g.y * k);
    ctx.fill(new Path2D(g.path));
  }
  return maskOf(ctx.getImageData(0, 0, W, H).data);
}

function inkColumns(m: Mask): { left: number; right: number } {
  let left = W;
  let right = -1;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      if (m[y * W + x]) {
        left = Math.min(left, x);
        right = Math.max(right, x + 1);
      }
    }
  }
  return { left, right };
}

function iou(a: Mask, b: Mask): number {
  let both = 0;
  let either = 0;
  for (let i = 0; i < a.length; i++) {
    both += a[i] & b[i];
    either += a[i] | b[i];
  }
  return either ? both / either : 0;
}

interface Agreement {
  iou: number;
  /** Ink width relative to the reference's, minus 1. */
  widthError: number;
  /** Largest distance of an ink edge from the reference's, in pixels. */
  edgeError: number;
  ok: boolean;
}

function agreement(ours: Mask, reference: Mask): Agreement {
  const a = inkColumns(ours);
  const b = inkColumns(reference);
  const width = b.right - b.left;
  const result = {
    iou: iou(ours, reference),
    widthError: (a.right - a.left) / width - 1,
    edgeError: Math.max(Math.abs(a.left - b.left), Math.abs(a.right - b.right)),
  };
  return { ...result, ok: result.iou >= 0.85 && Math.abs(result.widthError) <= 0.02 && result.edgeError <= Math.max(3, 0.02 * width) };
}

const svgOf = (s: Sample) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">` +
  `<text x="${s.rtl ? RIGHT : LEFT}" y="${BASELINE}" font-family="${s.family}" font-size="${SIZE}"${s.rtl ? ' text-anchor="end"' : ''}>${s.text}</text></svg>`;

describe('text shaping agrees with HarfBuzz', () => {
  const files = new Map(notoSansFontFiles().map((f) => [path.basename(f), f]));
  const fileOf = (s: Sample) => {
    const file = files.get(s.file);
    if (!file) throw new Error(`${s.file} is not installed (Debian fonts-noto-core and fonts-noto-cjk)`);
    return file;
  };
  let reference: ReturnType<typeof harfbuzz>;
  const measured: Record<string, unknown> = {};
  beforeAll(() => {
    reference = harfbuzz(SAMPLES.map((s) => ({ file: fileOf(s), text: s.text })));
  });
  afterAll(() => {
    // SHOW_SHAPING_FIGURES=1 prints what the docs quote.
    if (process.env['SHOW_SHAPING_FIGURES']) console.log(JSON.stringify(measured, null, 1));
  });

  describe.each(SAMPLES.map((s, i) => [s.script, s, i] as const))('%s', (script, sample, i) => {
    it(`matches HarfBuzz's shaped glyphs: "${sample.text}"`, () => {
      const { shaped, naive } = reference[i];
      const ours = maskOf(rasteriseRgba(svgOf(sample), { width: W }).pixels);
      const ref = drawRun(shaped, !!sample.rtl);
      const result = agreement(ours, ref);
      const unshaped = agreement(drawRun(naive, !!sample.rtl), ref);
      measured[script] = {
        hbAdvancePx: +((shaped.advance * SIZE) / shaped.upem).toFixed(1),
        naiveAdvancePx: +((naive.advance * SIZE) / naive.upem).toFixed(1),
        ours: { iou: +result.iou.toFixed(3), widthError: +result.widthError.toFixed(4), edgeError: result.edgeError },
        unshaped: { iou: +unshaped.iou.toFixed(3), widthError: +unshaped.widthError.toFixed(4) },
      };
      expect(result).toMatchObject({ ok: true });
      if (sample.complex) {
        // The check can tell shaped from unshaped text in these scripts.
        expect(unshaped.ok).toBe(false);
        expect(Math.abs(naive.advance / shaped.advance - 1)).toBeGreaterThan(0.2);
        expect(unshaped.iou).toBeLessThan(0.5);
      }
    });
  });

  it('sets Arabic right to left: anchored at its end, the ink ends at the anchor and starts with the first letter on the right', () => {
    const sample = SAMPLES.find((s) => s.rtl) as Sample;
    const { shaped } = reference[SAMPLES.indexOf(sample)];
    const ours = maskOf(rasteriseRgba(svgOf(sample), { width: W }).pixels);
    expect(Math.abs(inkColumns(ours).right - RIGHT)).toBeLessThanOrEqual(4);
    // The first letter (cluster 0) as HarfBuzz places it: at the right end of the run, joined to the next.
    const first = drawRun({ ...shaped, glyphs: shaped.glyphs.filter((g) => g.cluster === 0) }, true);
    const firstInk = inkColumns(first);
    expect(firstInk.right).toBeGreaterThan(RIGHT - 30);
    let covered = 0;
    let total = 0;
    for (let k = 0; k < first.length; k++) {
      total += first[k];
      covered += first[k] & ours[k];
    }
    expect(covered / total).toBeGreaterThan(0.8);
  });

  it('control: resvg 2.6.2 (the previous rasteriser) fails the same check on Devanagari', () => {
    const i = SAMPLES.findIndex((s) => s.script === 'Devanagari');
    const sample = SAMPLES[i];
    const resvg = new Resvg(svgOf(sample), {
      font: { loadSystemFonts: false, fontFiles: [fileOf(sample)], defaultFontFamily: sample.family },
      logLevel: 'off',
    }).render();
    const result = agreement(maskOf(resvg.pixels), drawRun(reference[i].shaped, false));
    measured['Devanagari (resvg control)'] = { iou: +result.iou.toFixed(3), widthError: +result.widthError.toFixed(4), edgeError: result.edgeError };
    expect(result.ok).toBe(false);
  });
});
