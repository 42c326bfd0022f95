import { localInput } from './probe';
import { even } from './even';

/** Colour description of the master, carried onto everything derived from it (SDR, PQ, HLG alike). */
export interface ColourInfo {
  primaries: string | null;
  transfer: string | null;
  matrix: string | null;
  range: 'tv' | 'pc' | null;
  /** Source bit depth decides the mezzanine's: 10-bit HDR stays 10-bit. */
  bitDepth: 8 | 10;
}

const colourArgs = (c: ColourInfo) => [
  ...(c.primaries ? ['-color_primaries', c.primaries] : []),
  ...(c.transfer ? ['-color_trc', c.transfer] : []),
  ...(c.matrix ? ['-colorspace', c.matrix] : []),
  ...(c.range ? ['-color_range', c.range] : []),
];

/**
 * The mezzanine every later step reads: every frame of the master, no more
 * and no fewer (the structure lock compares frame by frame), re-stamped onto
 * a constant grid at the master's nominal rate — so variable-rate phone
 * footage gets even timing rather than duplicated or dropped frames. Near
 * lossless, short-GOP H.264 so frame-accurate seeks are cheap, and the
 * master's colour description kept. Audio is copied untouched.
 */
export function buildMezzanineArgs(opts: { inputPath: string; outputPath: string; fpsFraction: string; colour: ColourInfo; hasAudio: boolean }): string[] {
  const pixFmt = opts.colour.bitDepth === 10 ? 'yuv420p10le' : 'yuv420p';
  return [
    ...input(opts.inputPath),
    '-map', '0:v:0',
    ...(opts.hasAudio ? ['-map', '0:a:0?', '-c:a', 'copy'] : ['-an']),
    '-vf', `setpts=N/(${opts.fpsFraction})/TB`,
    '-fps_mode', 'cfr', '-r', opts.fpsFraction,
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '10', '-g', '12', '-pix_fmt', pixFmt,
    ...colourArgs(opts.colour),
    '-movflags', '+faststart',
    opts.outputPath,
  ];
}

/** A 540p H.264 proxy for review and scrubbing in the browser. */
export function buildProxyArgs(opts: { inputPath: string; outputPath: string; hasAudio: boolean }): string[] {
  return [
    ...input(opts.inputPath),
    '-map', '0:v:0',
    ...(opts.hasAudio ? ['-map', '0:a:0?', '-c:a', 'aac', '-b:a', '128k'] : ['-an']),
    '-vf', 'scale=-2:540',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p',
    '-movflags', '+faststart',
    opts.outputPath,
  ];
}

export interface SpriteLayout {
  columns: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
  /** Seconds between tiles: tile i shows the frame at i × intervalS. */
  intervalS: number;
}

/** Lays a scrub sprite out so its tiles cover the whole shot evenly. */
export function spriteLayout(master: { width: number; height: number; durationS: number }, tiles = 100, tileWidth = 160): SpriteLayout {
  const columns = 10;
  const rows = Math.ceil(tiles / columns);
  const w = even(tileWidth);
  return { columns, rows, tileWidth: w, tileHeight: even((w * master.height) / master.width), intervalS: master.durationS / (columns * rows) };
}

/** One JPEG grid of evenly spaced frames: a dashboard scrubs by moving a window over it. */
export function buildSpriteArgs(opts: { inputPath: string; outputPath: string; layout: SpriteLayout }): string[] {
  const l = opts.layout;
  return [
    ...input(opts.inputPath),
    '-map', '0:v:0',
    '-vf', `fps=1/${l.intervalS.toFixed(6)},scale=${l.tileWidth}:${l.tileHeight},tile=${l.columns}x${l.rows}`,
    '-frames:v', '1', '-update', '1', '-q:v', '4',
    '-an',
    opts.outputPath,
  ];
}

/** Like every input here: the local file only, never a protocol or a playlist. */
function input(filePath: string): string[] {
  const [flag, protocols, file] = localInput(filePath);
  return [flag, protocols, '-i', file];
}
