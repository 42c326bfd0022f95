import { even } from './even';

export interface StillOptions {
  inputPath: string;
  /** Time of the frame to grab, in seconds from the start. */
  atS: number;
  width: number;
  outputPath: string;
}

/** One JPEG frame of a video (a poster or upload thumbnail), scaled to `width`. */
export function buildStillArgs(opts: StillOptions): string[] {
  const at = Math.max(0, Number.isFinite(opts.atS) ? opts.atS : 0);
  return [
    // Before -i, -ss seeks by keyframe and decodes forward: fast and still frame-exact.
    '-ss', at.toFixed(3),
    '-protocol_whitelist', 'file', '-i', opts.inputPath,
    '-map', '0:v:0',
    '-vf', `scale=${even(opts.width)}:-2`,
    '-frames:v', '1', '-update', '1', '-q:v', '3',
    '-an',
    opts.outputPath,
  ];
}

export interface EffectLayerOptions {
  inputPath: string;
  /** The master frame the layer covers. */
  width: number;
  height: number;
  /** 0…1, multiplied into the image's alpha. */
  opacity: number;
  /** A PNG (keeps alpha). */
  outputPath: string;
}

/**
 * An effect layer made once per render: the image scaled to cover the frame
 * (cropped centred, never letterboxed) with its opacity baked into alpha, so
 * the compositor only overlays it.
 */
export function buildEffectLayerArgs(o: EffectLayerOptions): string[] {
  const w = Math.round(o.width);
  const h = Math.round(o.height);
  const a = Math.min(1, Math.max(0, o.opacity));
  const filters = [`scale=${w}:${h}:force_original_aspect_ratio=increase:flags=lanczos`, `crop=${w}:${h}`, 'format=rgba'];
  if (a < 1) filters.push(`colorchannelmixer=aa=${a.toFixed(4)}`);
  return ['-protocol_whitelist', 'file', '-i', o.inputPath, '-frames:v', '1', '-vf', filters.join(','), '-update', '1', o.outputPath];
}
