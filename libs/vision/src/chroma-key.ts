import { probeVideo, readFrames, runFfmpeg, type MediaTools } from '@shotmatrix/media';
import { loadOpenCv, type Cv } from './opencv';

export type Rgb = [number, number, number];

/**
 * Chroma keying for masters shot against a flat key colour (green, blue, or any
 * saturated wall). The key runs in ffmpeg (`chromakey` → `alphaextract`), so
 * no pixel passes through JavaScript, and it is exact and instant compared to
 * IS-Net on such footage.
 */
export interface ChromaMatteOptions {
  inputPath: string;
  outputPath: string;
  keyColour: Rgb;
  /** UV distance (0.01–1) under which a pixel is fully key. The key's neighbourhood is averaged 3×3 by chromakey. */
  similarity?: number;
  /** UV distance over `similarity` across which alpha ramps from 0 to 1: the soft edge. */
  blend?: number;
  /** Pixels the foreground is eroded by before softening, so the key colour's fringe is not kept. */
  chokePx?: number;
  /** Gaussian sigma (px) of the final softening; 0 for none. */
  softness?: number;
  /** A range of frames (by frame number); the whole clip when left out. */
  startFrame?: number;
  frameCount?: number;
}

/**
 * Tuned on the yellow-wall clip: similarity 0.1 + blend 0.08 left grey hair
 * that catches the wall's spill half transparent; 0.08 + 0.05 keeps it.
 */
export const CHROMA_DEFAULTS = { similarity: 0.08, blend: 0.05, chokePx: 1, softness: 0.7 } as const;

export function hexColour([r, g, b]: Rgb): string {
  return `0x${[r, g, b].map((c) => clampByte(c).toString(16).padStart(2, '0')).join('').toUpperCase()}`;
}

/** ffmpeg arguments that write the key's alpha as a lossless grey matte (255 = foreground). Pure, table-tested. */
export function buildChromaMatteArgs(o: ChromaMatteOptions): string[] {
  const similarity = o.similarity ?? CHROMA_DEFAULTS.similarity;
  const blend = o.blend ?? CHROMA_DEFAULTS.blend;
  const choke = o.chokePx ?? CHROMA_DEFAULTS.chokePx;
  const softness = o.softness ?? CHROMA_DEFAULTS.softness;
  checkRange('similarity', similarity, 0.01, 1);
  checkRange('blend', blend, 0, 1);
  checkRange('softness', softness, 0, 10);
  if (!Number.isInteger(choke) || choke < 0 || choke > 8) throw new RangeError(`chokePx must be a whole number 0–8, got ${choke}`);
  o.keyColour.forEach((c) => checkRange('keyColour channel', c, 0, 255));

  const filters: string[] = [];
  if (o.startFrame || o.frameCount !== undefined) {
    const start = o.startFrame ?? 0;
    filters.push(
      o.frameCount !== undefined ? `select='between(n\\,${start}\\,${start + o.frameCount - 1})'` : `select='gte(n\\,${start})'`,
      // The matte's frame 0 is the range's first frame.
      'setpts=PTS-STARTPTS',
    );
  }
  // 4:4:4 keeps the key at full chroma resolution: 4:2:0 would make the edge blocky.
  filters.push('format=yuva444p', `chromakey=color=${hexColour(o.keyColour)}:similarity=${num(similarity)}:blend=${num(blend)}`, 'alphaextract');
  for (let i = 0; i < choke; i++) filters.push('erosion');
  if (softness > 0) filters.push(`gblur=sigma=${num(softness)}`);
  filters.push('format=gray');

  const args = ['-protocol_whitelist', 'file', '-i', o.inputPath, '-an', '-sn', '-dn', '-vf', filters.join(','), '-fps_mode', 'passthrough'];
  if (o.frameCount !== undefined) args.push('-frames:v', String(o.frameCount));
  args.push('-c:v', 'ffv1', '-level', '3', '-g', '1', '-pix_fmt', 'gray', '-f', 'matroska', o.outputPath);
  return args;
}

export interface KeyChromaOptions extends Omit<ChromaMatteOptions, 'inputPath' | 'outputPath'> {
  signal?: AbortSignal;
  onProgress?: (outTimeS: number) => void;
}

/** Writes the chroma-key matte of `inputPath` to `outputPath` (FFV1 grey, one frame per input frame). */
export function keyChroma(tools: MediaTools, inputPath: string, outputPath: string, o: KeyChromaOptions): Promise<void> {
  const { signal, onProgress, ...rest } = o;
  return runFfmpeg(tools, buildChromaMatteArgs({ ...rest, inputPath, outputPath }), { signal, onProgress });
}

export interface DespillOptions {
  /** despill's spillmap mix (0–1): how the two other channels are weighed to define "no spill". */
  mix?: number;
  /** despill's spillmap expand (0–1): larger removes more. */
  expand?: number;
  /** How much of the measured spill is taken out (0–1). */
  amount?: number;
}

type Sextant = 'red' | 'yellow' | 'green' | 'cyan' | 'blue' | 'magenta';
const SEXTANTS: Sextant[] = ['red', 'yellow', 'green', 'cyan', 'blue', 'magenta'];

/** Which of the six primary/secondary hues a key colour is nearest to. */
export function keyHue([r, g, b]: Rgb): Sextant {
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  if (d === 0) return 'green';
  let h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  if (h < 0) h += 6;
  return SEXTANTS[Math.round(h) % 6];
}

/**
 * Spill suppression for the renderer's foreground branch (RGB, so every step is exact).
 * ffmpeg's `despill` knows green and blue screens only. Other key colours are
 * mapped onto one of those by exact, invertible 8-bit operations and mapped back:
 * a red key swaps R and G (then it is a green screen); a secondary key (yellow,
 * cyan, magenta) is negated, which turns it into its complementary primary
 * (yellow → blue): the spill, a deficit of blue on the subject, becomes an excess
 * of blue that despill removes, and negating again gives the subject its blue back.
 * Caveat: yellow and red keys sit next to skin hues. Seen on the yellow-wall
 * clip at amount 1: the wall turns neutral grey and skin shifts towards pink, so
 * pass a lower `amount` (≈ 0.5) for such keys where faces matter.
 */
export function buildDespillFilter(keyColour: Rgb, o: DespillOptions = {}): string {
  const mix = o.mix ?? 0.5;
  const expand = o.expand ?? 0;
  const amount = o.amount ?? 1;
  checkRange('mix', mix, 0, 1);
  checkRange('expand', expand, 0, 1);
  checkRange('amount', amount, 0, 1);
  // despill adds spill × scale to every channel; the scales are spelt out because its
  // defaults (green −1) are wrong for a blue screen.
  const common = `mix=${num(mix)}:expand=${num(expand)}:red=0`;
  const green = `despill=type=green:${common}:green=${num(-amount)}:blue=0`;
  const blue = `despill=type=blue:${common}:green=0:blue=${num(-amount)}`;
  const swapRG = 'colorchannelmixer=rr=0:rg=1:gr=1:gg=0';
  const chain: Record<Sextant, string[]> = {
    green: [green],
    blue: [blue],
    red: [swapRG, green, swapRG],
    yellow: ['negate', blue, 'negate'],
    magenta: ['negate', green, 'negate'],
    cyan: ['negate', swapRG, green, swapRG, 'negate'],
  };
  return ['format=gbrp', ...chain[keyHue(keyColour)]].join(',');
}

export interface DetectKeyOptions {
  /** Frames sampled, spread evenly over the clip. */
  samples?: number;
  signal?: AbortSignal;
}

/** Each side of the frame border is cut into this many patches. */
const PATCHES_PER_SIDE = 4;
/** Patches (of 4 × PATCHES_PER_SIDE) that must be one flat colour: half the border; the subject may cover the rest. */
const FLAT_PATCHES_NEEDED = 8;
/** Largest per-channel standard deviation (0–255) of a patch that still counts as flat. */
const MAX_FLAT_STD = 16;
/** Largest distance (RGB, 0–255) between two flat patches' means for them to be the same wall (lit unevenly). */
const MAX_SIDE_DISTANCE = 48;
/**
 * A key colour is vivid: saturated ((max − min) / max) with a large spread between
 * channels (max − min, 0–255). Brown soil, a wooden floor or a beige wall is saturated but not vivid.
 */
const MIN_SATURATION = 0.5;
const MIN_CHROMA = 110;

/**
 * The key colour of a master shot against a flat, saturated backdrop, or null.
 * Decodes the clip once at thumbnail size (128 px) and looks at the border of a
 * few frames spread over it. The subject may touch any edge (head at the top,
 * shoulders at the sides), so a good part of the border, not all of it, has to
 * be one flat vivid colour in most sampled frames. A grey studio wall, a field,
 * a wooden floor or ordinary footage gives null (and IS-Net is used instead).
 */
export async function detectKeyColour(tools: MediaTools, path: string, o: DetectKeyOptions = {}): Promise<Rgb | null> {
  const samples = Math.max(1, o.samples ?? 5);
  const probe = await probeVideo(tools, path, { signal: o.signal });
  const s = 128 / Math.max(probe.width, probe.height);
  const width = Math.max(16, 2 * Math.round((probe.width * s) / 2));
  const height = Math.max(16, 2 * Math.round((probe.height * s) / 2));
  const n = Math.max(1, probe.frameCount);
  const wanted = new Set(Array.from({ length: samples }, (_, i) => (samples === 1 ? 0 : Math.round((i * (n - 1)) / (samples - 1)))));
  const last = Math.max(...wanted);
  const cv = await loadOpenCv();
  const perFrame: Array<Rgb | null> = [];
  let i = 0;
  for await (const rgb of readFrames(tools, path, { width, height, pixelFormat: 'rgb24', signal: o.signal })) {
    if (wanted.has(i)) perFrame.push(flatBorderColour(cv, rgb, width, height));
    if (i++ >= last) break;
  }
  return agreeOnKey(perFrame);
}

/** Pure: the sampled frames' border colours → one key colour, when most frames agree and it is a key colour at all. */
export function agreeOnKey(perFrame: Array<Rgb | null>): Rgb | null {
  const found = perFrame.filter((c): c is Rgb => c !== null);
  if (found.length === 0 || found.length * 2 <= perFrame.length) return null;
  const key = [0, 1, 2].map((ch) => median(found.map((c) => c[ch]))) as Rgb;
  if (found.some((c) => distance(c, key) > MAX_SIDE_DISTANCE)) return null;
  if (!isKeyLike(key)) return null;
  return key.map(Math.round) as Rgb;
}

export function isKeyLike([r, g, b]: Rgb): boolean {
  const max = Math.max(r, g, b);
  const chroma = max - Math.min(r, g, b);
  return chroma >= MIN_CHROMA && chroma / max >= MIN_SATURATION;
}

/** Mean colour of the frame's flat border patches, when enough of them agree; else null. */
export function flatBorderColour(cv: Cv, rgb: Uint8Array, width: number, height: number): Rgb | null {
  const t = Math.max(2, Math.round(Math.min(width, height) * 0.06));
  const patches: InstanceType<Cv['Rect']>[] = [];
  for (let p = 0; p < PATCHES_PER_SIDE; p++) {
    const x0 = Math.round((p * width) / PATCHES_PER_SIDE);
    const x1 = Math.round(((p + 1) * width) / PATCHES_PER_SIDE);
    const y0 = t + Math.round((p * (height - 2 * t)) / PATCHES_PER_SIDE);
    const y1 = t + Math.round(((p + 1) * (height - 2 * t)) / PATCHES_PER_SIDE);
    patches.push(new cv.Rect(x0, 0, x1 - x0, t), new cv.Rect(x0, height - t, x1 - x0, t));
    patches.push(new cv.Rect(0, y0, t, y1 - y0), new cv.Rect(width - t, y0, t, y1 - y0));
  }
  const frame = new cv.Mat(height, width, cv.CV_8UC3);
  const mean = new cv.Mat();
  const std = new cv.Mat();
  const flat: Rgb[] = [];
  try {
    frame.data.set(rgb);
    for (const r of patches) {
      const roi = frame.roi(r);
      cv.meanStdDev(roi, mean, std);
      roi.delete();
      const sd = std.data64F;
      if (Math.max(sd[0], sd[1], sd[2]) <= MAX_FLAT_STD) flat.push([mean.data64F[0], mean.data64F[1], mean.data64F[2]]);
    }
  } finally {
    frame.delete();
    mean.delete();
    std.delete();
  }
  // The largest group of flat patches that agree with each other.
  let best: Rgb[] = [];
  for (const c of flat) {
    const group = flat.filter((o) => distance(o, c) <= MAX_SIDE_DISTANCE);
    if (group.length > best.length) best = group;
  }
  if (best.length < FLAT_PATCHES_NEEDED) return null;
  return [0, 1, 2].map((ch) => best.reduce((s, c) => s + c[ch], 0) / best.length) as Rgb;
}

function distance(a: Rgb, b: Rgb): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function checkRange(name: string, v: number, lo: number, hi: number): void {
  if (!Number.isFinite(v) || v < lo || v > hi) throw new RangeError(`${name} must be between ${lo} and ${hi}, got ${v}`);
}

function clampByte(v: number): number {
  return Math.max(0, Math.min(255, Math.round(v)));
}

/** Short, locale-free decimals for filter arguments. */
function num(v: number): string {
  return String(Math.round(v * 1e4) / 1e4);
}
