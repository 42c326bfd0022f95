import type { Mat } from '@techstark/opencv-js';
import { openGreyVideoWriter, readFrames, type GreyVideoWriter, type MediaTools } from '@shotmatrix/media';
import type { Matter } from './isnet';
import { createKeyframeCursor, KEYFRAME_DEFAULTS } from './matte-keyframes';
import { denseFlow, flowSize, frameMotion, pickRerun, propagateSegment } from './matte-propagation';
import { loadOpenCv, type Cv } from './opencv';

export interface MatteVideoShape {
  /** Mezzanine frame size; the mattes have the same size. */
  width: number;
  height: number;
  /** Frames to matte (from `startFrame`). */
  frameCount: number;
  /** Exact rate as ffprobe gives it, so matte frame i lands on mezzanine frame i. */
  fpsFraction: string;
}

export interface ComputeMattesOptions {
  /** IS-Net every k frames, or `auto` to space keyframes by how much moves. */
  stride: number | 'auto';
  minStride?: number;
  maxStride?: number;
  motionBudget?: number;
  /**
   * Below this agreement (soft IoU) of the mattes carried forward and backward,
   * a frame gets IS-Net of its own and the segment is split there.
   */
  confidenceFloor?: number;
  /** Where the matte video goes (FFV1 grey, one frame per mezzanine frame). */
  outputPath: string;
  /** First mezzanine frame to matte (tests and benchmarks take a range); frame indices in the result count from it. */
  startFrame?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface MatteResult {
  /** The fixed stride, or for `auto` the mean distance between the planned keyframes. */
  stride: number;
  /** Every frame IS-Net ran on, ascending: planned keyframes and re-runs. */
  keyframes: number[];
  /** Frames IS-Net ran on because propagation confidence dropped below the floor. */
  reruns: number[];
  /** Per frame: 1 where IS-Net ran, else the forward/backward agreement of the propagated matte. */
  confidence: number[];
  /** Per frame: motion relative to the previous frame (flow pixels; 0 for frame 0 and in per-frame mode). */
  motion: number[];
  provider: 'cuda' | 'cpu';
}

export const DEFAULT_CONFIDENCE_FLOOR = 0.9;
/**
 * Segments shorter than this (in frames, keyframe to keyframe) are not split
 * further: where IS-Net itself flickers from frame to frame, splitting would
 * only end in IS-Net on every frame.
 */
export const MIN_SPLIT_GAP = 4;

/** One decoded frame of the open segment. */
interface FrameRecord {
  index: number;
  rgb: Uint8Array;
  grey?: Mat;
  toPrev?: Mat;
  toNext?: Mat;
  matte?: Uint8Array;
}

/**
 * Foreground mattes for a master: IS-Net on keyframes, optical flow in between,
 * IS-Net again wherever the carried matte is not trusted. Frames are read once;
 * at most one segment (≤ maxStride + 1 frames) is held in memory.
 */
export async function computeMattes(
  tools: MediaTools,
  mezzaninePath: string,
  video: MatteVideoShape,
  matter: Matter,
  o: ComputeMattesOptions,
): Promise<MatteResult> {
  if (o.stride === 1) return computeMattesPerFrame(tools, mezzaninePath, video, matter, o);
  checkShape(video);
  const floor = o.confidenceFloor ?? DEFAULT_CONFIDENCE_FLOOR;
  if (!(floor >= 0 && floor <= 1)) throw new RangeError(`confidenceFloor must be between 0 and 1, got ${floor}`);
  const cursor = createKeyframeCursor(o);
  const cv = await loadOpenCv();
  const { width, height, frameCount: n } = video;
  const small = flowSize(width, height);
  const keyframes: number[] = [];
  const reruns: number[] = [];
  const confidence: number[] = new Array(n).fill(1);
  const motion: number[] = new Array(n).fill(0);
  const planned: number[] = [];
  let written = 0;
  let seg: FrameRecord[] = [];
  const writer = openGreyVideoWriter(tools, o.outputPath, { width, height, fpsFraction: video.fpsFraction, signal: o.signal });
  const rgbMat = new cv.Mat(height, width, cv.CV_8UC3);
  const greyFull = new cv.Mat();

  const isNet = async (rec: FrameRecord) => {
    o.signal?.throwIfAborted();
    rec.matte = await matter.matte(rec.rgb, width, height);
    keyframes.push(rec.index);
  };
  const write = async (matte: Uint8Array) => {
    await abortable(writer.write(matte), o.signal);
    written += 1;
    o.onProgress?.(written, n);
  };
  // Mattes for the frames strictly between seg[i] and seg[j], splitting where confidence drops.
  const resolve = async (i: number, j: number): Promise<Uint8Array[]> => {
    if (j - i < 2) return [];
    const carried = propagateSegment(cv, seg.slice(i, j + 1), seg[i].matte!, seg[j].matte!, { width, height });
    const worst = j - i < MIN_SPLIT_GAP ? -1 : pickRerun(carried.map((c) => c.confidence), floor);
    if (worst < 0) {
      carried.forEach((c, k) => (confidence[seg[i + 1 + k].index] = c.confidence));
      return carried.map((c) => c.matte);
    }
    const t = i + 1 + worst;
    await isNet(seg[t]);
    reruns.push(seg[t].index);
    return [...(await resolve(i, t)), seg[t].matte!, ...(await resolve(t, j))];
  };
  // Closes the open segment at its last frame: IS-Net there, fill in between, write all but that last frame.
  const close = async () => {
    const last = seg[seg.length - 1];
    await isNet(last);
    planned.push(last.index);
    const between = await resolve(0, seg.length - 1);
    await write(seg[0].matte!);
    for (const m of between) await write(m);
    for (const rec of seg.slice(0, -1)) release(rec);
    last.toPrev?.delete();
    last.toPrev = undefined;
    seg = [last];
  };

  // A frame read but not yet in the segment, so an error in between still frees its Mats.
  let loose: FrameRecord | undefined;
  try {
    let i = 0;
    for await (const rgb of readFrames(tools, mezzaninePath, { width, height, pixelFormat: 'rgb24', startFrame: o.startFrame, frameCount: n, signal: o.signal })) {
      if (i >= n) break;
      const rec: FrameRecord = (loose = { index: i, rgb, grey: toSmallGrey(cv, rgb, rgbMat, greyFull, small) });
      if (i === 0) {
        seg = [rec];
        await isNet(rec);
        planned.push(0);
      } else {
        const prev = seg[seg.length - 1];
        prev.toNext = new cv.Mat();
        rec.toPrev = new cv.Mat();
        denseFlow(cv, prev.grey!, rec.grey!, prev.toNext);
        denseFlow(cv, rec.grey!, prev.grey!, rec.toPrev);
        motion[i] = frameMotion(cv, rec.toPrev);
        // The cursor answers for the previous frame once it has seen this one's motion.
        if (cursor.next(motion[i])) await close();
        seg.push(rec);
      }
      loose = undefined;
      i += 1;
    }
    if (i !== n) throw new Error(`read ${i} frames of ${mezzaninePath}, expected ${n}`);
    if (seg.length > 1) await close();
    if (seg.length === 1 && written === n - 1) await write(seg[0].matte!);
    await writer.close();
  } catch (e) {
    writer.abort();
    // An abort kills ffmpeg under the pipe; report the abort, not the broken pipe it caused.
    throw o.signal?.aborted ? o.signal.reason : e;
  } finally {
    for (const rec of seg) release(rec);
    if (loose) release(loose);
    rgbMat.delete();
    greyFull.delete();
  }
  const stride =
    typeof o.stride === 'number' ? o.stride : planned.length > 1 ? Math.max(1, Math.round((n - 1) / (planned.length - 1))) : (o.maxStride ?? KEYFRAME_DEFAULTS.maxStride);
  return { stride, keyframes: [...keyframes].sort((a, b) => a - b), reruns: reruns.sort((a, b) => a - b), confidence, motion, provider: matter.provider };
}

/** IS-Net on every frame: the reference the keyframe mode is measured against, and stride 1. */
export async function computeMattesPerFrame(
  tools: MediaTools,
  mezzaninePath: string,
  video: MatteVideoShape,
  matter: Matter,
  o: Omit<ComputeMattesOptions, 'stride'>,
): Promise<MatteResult> {
  checkShape(video);
  const n = video.frameCount;
  const writer: GreyVideoWriter = openGreyVideoWriter(tools, o.outputPath, { width: video.width, height: video.height, fpsFraction: video.fpsFraction, signal: o.signal });
  let i = 0;
  try {
    for await (const rgb of readFrames(tools, mezzaninePath, { width: video.width, height: video.height, pixelFormat: 'rgb24', startFrame: o.startFrame, frameCount: n, signal: o.signal })) {
      if (i >= n) break;
      o.signal?.throwIfAborted();
      await abortable(writer.write(await matter.matte(rgb, video.width, video.height)), o.signal);
      i += 1;
      o.onProgress?.(i, n);
    }
    if (i !== n) throw new Error(`read ${i} frames of ${mezzaninePath}, expected ${n}`);
    await writer.close();
  } catch (e) {
    writer.abort();
    // An abort kills ffmpeg under the pipe; report the abort, not the broken pipe it caused.
    throw o.signal?.aborted ? o.signal.reason : e;
  }
  const all = Array.from({ length: n }, (_, k) => k);
  return { stride: 1, keyframes: all, reruns: [], confidence: all.map(() => 1), motion: all.map(() => 0), provider: matter.provider };
}

/**
 * Ends a wait on the writer as soon as the job is aborted, and makes the abort
 * (not the broken pipe it causes when ffmpeg is killed) the reason reported.
 */
async function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  // Handled before anything can throw: opencv.js turns any unhandled rejection into a process abort.
  work.catch(() => undefined);
  signal.throwIfAborted();
  let onAbort = () => undefined as void;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function checkShape(v: MatteVideoShape): void {
  for (const [k, x] of [['width', v.width], ['height', v.height], ['frameCount', v.frameCount]] as const) {
    if (!Number.isInteger(x) || x < 1) throw new RangeError(`${k} must be a whole number ≥ 1, got ${x}`);
  }
}

function toSmallGrey(cv: Cv, rgb: Uint8Array, rgbMat: Mat, greyFull: Mat, size: { width: number; height: number }): Mat {
  const out = new cv.Mat();
  rgbMat.data.set(rgb);
  cv.cvtColor(rgbMat, greyFull, cv.COLOR_RGB2GRAY);
  cv.resize(greyFull, out, new cv.Size(size.width, size.height), 0, 0, cv.INTER_AREA);
  return out;
}

function release(rec: FrameRecord): void {
  rec.grey?.delete();
  rec.toPrev?.delete();
  rec.toNext?.delete();
  rec.grey = rec.toPrev = rec.toNext = undefined;
}

/**
 * Intersection over union of two mattes thresholded at `threshold` (foreground ≥ threshold).
 * Two empty mattes agree: 1.
 */
export function matteIoU(cv: Cv, a: Uint8Array, b: Uint8Array, width: number, height: number, threshold = 128): number {
  if (a.length !== width * height || b.length !== width * height) throw new Error(`mattes must be ${width}×${height} grey`);
  const ma = new cv.Mat(height, width, cv.CV_8UC1);
  const mb = new cv.Mat(height, width, cv.CV_8UC1);
  const both = new cv.Mat();
  const either = new cv.Mat();
  try {
    ma.data.set(a);
    mb.data.set(b);
    cv.threshold(ma, ma, threshold - 1, 255, cv.THRESH_BINARY);
    cv.threshold(mb, mb, threshold - 1, 255, cv.THRESH_BINARY);
    cv.bitwise_and(ma, mb, both);
    cv.bitwise_or(ma, mb, either);
    const union = cv.countNonZero(either);
    return union === 0 ? 1 : cv.countNonZero(both) / union;
  } finally {
    ma.delete();
    mb.delete();
    both.delete();
    either.delete();
  }
}
