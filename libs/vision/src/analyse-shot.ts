import * as path from 'node:path';
import type { CameraMotionTrack, ColourStatsFrame } from '@shotmatrix/contracts';
import { even } from '@shotmatrix/domain';
import { readFrames, type MediaTools } from '@shotmatrix/media';
import { createCameraMotionEstimator } from './camera-motion';
import { detectKeyColour, keyChroma } from './chroma-key';
import { colourStats } from './colour-stats';
import { createIsNetMatter } from './isnet';
import { computeMattes } from './matting';
import { loadOpenCv } from './opencv';

export interface ShotInfo {
  width: number;
  height: number;
  frameCount: number;
  fpsFraction: string;
}

export interface AnalyseShotOptions {
  modelPath: string;
  provider: 'auto' | 'cpu' | 'cuda';
  stride: number | 'auto';
  /** Where the matte video is written (FFV1 grey, one frame per mezzanine frame). */
  mattePath: string;
  signal?: AbortSignal;
  /** Stage name and its progress 0…1; called often, so keep it cheap. */
  onProgress?: (stage: string, progress: number) => void;
}

export interface ShotAnalysis {
  matting: {
    mode: 'isnet' | 'chroma';
    /** Null for chroma keys: no network ran. */
    provider: 'cuda' | 'cpu' | null;
    keyColour: [number, number, number] | null;
    stride: number | null;
    keyframes: number[];
    reruns: number[];
  };
  cameraMotion: CameraMotionTrack;
  colourStats: ColourStatsFrame[];
}

/** Long side of the frames motion and colour are measured on: enough for features, cheap to decode. */
const WORK_LONG_SIDE = 480;

/** A frame size scaled so its long side is at most `longSide`, never up, kept even. */
export function workSize(width: number, height: number, longSide = WORK_LONG_SIDE): { width: number; height: number } {
  const s = Math.min(1, longSide / Math.max(width, height));
  return { width: even(width * s), height: even(height * s) };
}

/** Labels are small: planes are tracked at up to twice the motion work size (960 px long side), never upscaled. */
export function planeWorkSize(width: number, height: number): { width: number; height: number } {
  const half = workSize(width, height);
  return 2 * half.width <= width ? { width: 2 * half.width, height: 2 * half.height } : { width, height };
}

/**
 * Everything that keeps a variant "the same shot", from one master: the
 * subject's matte (chroma key where the footage is a flat key colour, else
 * IS-Net on keyframes with flow in between), the camera's motion measured on
 * the background only, and colour statistics of subject and background.
 */
export async function analyseShot(tools: MediaTools, mezzaninePath: string, shot: ShotInfo, o: AnalyseShotOptions): Promise<ShotAnalysis> {
  const progress = o.onProgress ?? (() => undefined);
  progress('mattes', 0);
  const keyColour = await detectKeyColour(tools, mezzaninePath);
  let matting: ShotAnalysis['matting'];
  if (keyColour) {
    await keyChroma(tools, mezzaninePath, o.mattePath, { keyColour, signal: o.signal });
    matting = { mode: 'chroma', provider: null, keyColour, stride: null, keyframes: [], reruns: [] };
  } else {
    const matter = await createIsNetMatter(o.modelPath, { provider: o.provider });
    try {
      const r = await computeMattes(tools, mezzaninePath, shot, matter, {
        stride: o.stride,
        outputPath: o.mattePath,
        signal: o.signal,
        onProgress: (done, total) => progress('mattes', done / total),
      });
      matting = { mode: 'isnet', provider: matter.provider, keyColour: null, stride: r.stride, keyframes: r.keyframes, reruns: r.reruns };
    } finally {
      await matter.close();
    }
  }

  progress('camera motion', 0);
  const cv = await loadOpenCv();
  const work = workSize(shot.width, shot.height);
  const camera = createCameraMotionEstimator(cv, { width: shot.width, height: shot.height, workWidth: work.width, workHeight: work.height });
  const stats: ColourStatsFrame[] = [];
  const frames = readFrames(tools, mezzaninePath, { ...work, pixelFormat: 'rgb24', signal: o.signal });
  const mattes = readFrames(tools, o.mattePath, { ...work, pixelFormat: 'gray', signal: o.signal });
  const rgbMat = new cv.Mat(work.height, work.width, cv.CV_8UC3);
  const grey = new cv.Mat();
  let cameraMotion: CameraMotionTrack;
  try {
    let i = 0;
    for await (const rgb of frames) {
      const m = await mattes.next();
      if (m.done) throw new Error(`the matte has ${i} frames, the mezzanine more`);
      rgbMat.data.set(rgb);
      cv.cvtColor(rgbMat, grey, cv.COLOR_RGB2GRAY);
      camera.push(grey.data, m.value);
      stats.push(colourStats(cv, rgb, work.width, work.height, m.value));
      i += 1;
      if (i % 10 === 0) progress('camera motion', i / shot.frameCount);
    }
    if (i !== shot.frameCount) throw new Error(`read ${i} frames of the mezzanine, expected ${shot.frameCount}`);
    cameraMotion = camera.result();
  } finally {
    camera.close();
    rgbMat.delete();
    grey.delete();
    await mattes.return(undefined);
  }
  return { matting, cameraMotion, colourStats: stats };
}

export const MATTE_FILE = 'matte.mkv';
export const mattePathIn = (dir: string) => path.join(dir, MATTE_FILE);
