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
