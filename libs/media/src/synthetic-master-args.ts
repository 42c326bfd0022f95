import { even } from './even';

export interface SyntheticMasterOptions {
  /** Still image, ideally about twice the output size so the move never upsamples. */
  scenePath: string;
  outputPath: string;
  width: number;
  height: number;
  fps: number;
  durationS: number;
}

/** Push-in from 1.0 to this zoom, eased in and out. */
const ZOOM = 0.12;
/** Pan across this share of the scene width, left to right; a little upward drift too. */
const PAN_X = 0.06;
const PAN_Y = 0.02;
/** The window at zoom 1 takes this share of the scene, leaving room to pan. */
const WINDOW = 0.84;

/**
 * A camera move over a still, in three steps: a fixed-size window pans
 * across the scene (crop with `t` expressions), the window is scaled up by
 * the frame's zoom, and the centre is cropped back to a fixed size. In
 * ffmpeg 5.1 crop evaluates `iw`/`ih` once, so the centring crop after a
 * per-frame scale computes the scaled size from `t` itself. Zoom steps are
 * taken at twice the output size, so each size step is one output pixel or
 * less. The still is decoded once and looped.
 */
export function buildSyntheticMasterArgs(opts: SyntheticMasterOptions): string[] {
  const { width, height, fps, durationS } = opts;
  if (!(fps > 0 && durationS > 0 && width >= 2 && height >= 2)) {
    throw new Error('synthetic master needs a positive size, fps and duration');
  }
  const W = even(width);
  const H = even(height);
  const SW = 2 * W;
  const SH = 2 * H;
  const frames = Math.max(1, Math.round(fps * durationS));
  const T = (frames / fps).toFixed(6);
  // Eased progress 0→1 over the shot.
  const e = `(1-cos(PI*min(t/${T}\\,1)))/2`;
  const zoomed = (n: number) => `2*trunc(${n}*(1+${ZOOM}*${e})/2)`;
  // The window keeps the output's aspect ratio whatever the scene's is.
  const cw = `2*trunc(min(${WINDOW}*iw\\,${WINDOW}*ih*${W}/${H})/2)`;
  const ch = `2*trunc(${cw}*${H}/${W}/2)`;
  const graph = [
    // `loop` repeats the single decoded frame; setpts numbers the copies at the output rate.
    `[0:v]format=rgb24,loop=loop=-1:size=1:start=0,setpts=N/(${fps}*TB)`,
    `crop=w=${cw}:h=${ch}:x=(iw-ow)/2+(${e}-0.5)*${PAN_X}*iw:y=(ih-oh)/2-(${e}-0.5)*${PAN_Y}*ih`,
    `scale=w=${zoomed(SW)}:h=${zoomed(SH)}:eval=frame:flags=bicubic`,
    `crop=w=${SW}:h=${SH}:x=(${zoomed(SW)}-${SW})/2:y=(${zoomed(SH)}-${SH})/2`,
    `scale=${W}:${H}:flags=lanczos,setsar=1,format=yuv420p[v]`,
  ].join(',');
  return [
    '-protocol_whitelist', 'file', '-framerate', String(fps), '-i', opts.scenePath,
    '-filter_complex', graph,
    '-map', '[v]',
    '-frames:v', String(frames),
    '-r', String(fps),
    '-c:v', 'libx264', '-preset', 'medium', '-crf', '18', '-pix_fmt', 'yuv420p',
    '-an', '-movflags', '+faststart',
    opts.outputPath,
  ];
}
