import type { Mat } from '@techstark/opencv-js';
import type { Cv } from './opencv';

/**
 * Carries IS-Net mattes from keyframes to the frames between them with dense
 * optical flow (Farneback), all in opencv.js Mat operations.
 *
 * Flow is measured on small grey frames and only the sampling maps are scaled
 * up, so the matte itself is warped at full resolution and keeps its edge. Each
 * in-between frame's map is composed back to its keyframe (not chained frame
 * to frame through the matte), so the matte is resampled once, not blurred a
 * little more at every step.
 */

/** Long side of the frames flow is measured on: enough for a moving hand, cheap in WASM. */
export const FLOW_LONG_SIDE = 480;

export function flowSize(width: number, height: number, longSide = FLOW_LONG_SIDE): { width: number; height: number } {
  const s = Math.min(1, longSide / Math.max(width, height));
  return { width: Math.max(8, Math.round(width * s)), height: Math.max(8, Math.round(height * s)) };
}

/** Dense flow from `from` to `to`: from(x) ≈ to(x + flow(x)). Grey CV_8UC1 in, CV_32FC2 out. */
export function denseFlow(cv: Cv, from: Mat, to: Mat, out: Mat): void {
  // pyramid 0.5 × 4 levels reaches ~30 px motion at 480 px; window 21 steadies flat walls.
  cv.calcOpticalFlowFarneback(from, to, out, 0.5, 4, 21, 3, 5, 1.1, 0);
}

/** Pixels moving less than this (flow pixels) count as still when measuring motion. */
const STILL_PX = 0.5;
/** Motion is averaged over at least this share of the frame, so one noisy pixel does not look like motion. */
const MIN_MOVING_SHARE = 0.05;

/**
 * How much a frame moved, from its flow to the previous frame: the mean speed
 * (flow pixels) of the pixels that move, over no less than 5 % of the frame.
 * A small hand moving fast counts as fast even though most of the frame is still.
 */
export function frameMotion(cv: Cv, flow: Mat): number {
  const xy = new cv.MatVector();
  const mag = new cv.Mat();
  const moving = new cv.Mat();
  try {
    cv.split(flow, xy);
    const fx = xy.get(0);
    const fy = xy.get(1);
    cv.magnitude(fx, fy, mag);
    fx.delete();
    fy.delete();
    cv.threshold(mag, moving, STILL_PX, 255, cv.THRESH_BINARY);
    moving.convertTo(moving, cv.CV_8UC1);
    const share = cv.countNonZero(moving) / (mag.rows * mag.cols);
    if (share === 0) return 0;
    // Mean speed of the moving pixels, spread over no less than MIN_MOVING_SHARE of the frame.
    return (cv.mean(mag, moving)[0] * share) / Math.max(share, MIN_MOVING_SHARE);
  } finally {
    xy.delete();
    mag.delete();
    moving.delete();
  }
}

/** One frame of a segment as propagation needs it. */
export interface FlowFrame {
  /** Flow to the previous frame (absent on the segment's first frame). */
  toPrev?: Mat;
  /** Flow to the next frame (absent on the segment's last frame). */
  toNext?: Mat;
}

export interface PropagatedFrame {
  /** width×height grey matte, 255 = foreground. */
  matte: Uint8Array;
  /** Agreement (soft IoU, 0–1) of the matte carried forward from a and backward from b. */
  confidence: number;
}

/**
 * Fills the frames strictly between two keyframes: the matte of `a` is carried
 * forward, the matte of `b` backward, and the two are blended by distance
 * (near a, mostly a's). Where forward and backward disagree, the flow could not
 * explain what happened between the keyframes (occlusion, fast or non-rigid
 * motion, or the keyframes disagree): that is the frame's confidence.
 *
 * `frames[i]` is frame a + i, so `frames.length = b − a + 1`.
 */
export function propagateSegment(
  cv: Cv,
  frames: FlowFrame[],
  matteA: Uint8Array,
  matteB: Uint8Array,
  size: { width: number; height: number },
): PropagatedFrame[] {
  const n = frames.length - 1;
  if (n < 2) return [];
  const first = frames[1].toPrev ?? fail('toPrev', 1);
  const grid = identityMap(cv, first.cols, first.rows);
  const a = new cv.Mat(size.height, size.width, cv.CV_8UC1);
  const b = new cv.Mat(size.height, size.width, cv.CV_8UC1);
  // toA[i] sends frame a + i's pixels to frame a; toB[i] sends them to frame b.
  const toA: Mat[] = [];
  const toB: Mat[] = [];
  const s = { big: new cv.Mat(), warpedA: new cv.Mat(), warpedB: new cv.Mat(), blend: new cv.Mat(), lo: new cv.Mat(), hi: new cv.Mat() };
  try {
    a.data.set(matteA);
    b.data.set(matteB);
    for (let i = 1; i < n; i++) toA[i] = compose(cv, toA[i - 1] ?? grid, frames[i].toPrev ?? fail('toPrev', i), grid);
    for (let i = n - 1; i >= 1; i--) toB[i] = compose(cv, toB[i + 1] ?? grid, frames[i].toNext ?? fail('toNext', i), grid);
    const out: PropagatedFrame[] = [];
    for (let i = 1; i < n; i++) {
      warp(cv, a, toA[i], size, s.big, s.warpedA);
      warp(cv, b, toB[i], size, s.big, s.warpedB);
      const w = i / n;
      cv.addWeighted(s.warpedA, 1 - w, s.warpedB, w, 0, s.blend);
      cv.min(s.warpedA, s.warpedB, s.lo);
      cv.max(s.warpedA, s.warpedB, s.hi);
      const union = cv.mean(s.hi)[0];
      // Both sides empty: they agree.
      const confidence = union > 0 ? cv.mean(s.lo)[0] / union : 1;
      out.push({ matte: new Uint8Array(s.blend.data), confidence });
    }
    return out;
  } finally {
    for (const m of [grid, a, b, ...toA.filter(Boolean), ...toB.filter(Boolean), ...Object.values(s)]) m.delete();
  }
}

/** A CV_32FC2 map whose every pixel holds its own (x, y). */
function identityMap(cv: Cv, width: number, height: number): Mat {
  const xs = new cv.Mat(height, width, cv.CV_32FC1);
  const ys = new cv.Mat(height, width, cv.CV_32FC1);
  const rowX = new cv.Mat(1, width, cv.CV_32FC1);
  const colY = new cv.Mat(height, 1, cv.CV_32FC1);
  const planes = new cv.MatVector();
  const map = new cv.Mat();
  try {
    // Building one row and one column is O(w + h); repeat() tiles them into the planes.
    for (let x = 0; x < width; x++) rowX.data32F[x] = x;
    for (let y = 0; y < height; y++) colY.data32F[y] = y;
    cv.repeat(rowX, height, 1, xs);
    cv.repeat(colY, 1, width, ys);
    planes.push_back(xs);
    planes.push_back(ys);
    cv.merge(planes, map);
    return map;
  } finally {
    xs.delete();
    ys.delete();
    rowX.delete();
    colY.delete();
    planes.delete();
  }
}

/**
 * `map` sends frame t ∓ 1's pixels to the keyframe; `flow` sends frame t's
 * pixels to frame t ∓ 1. The result sends frame t's pixels to the keyframe:
 * map(x + flow(x)). A new Mat; the caller deletes it.
 */
function compose(cv: Cv, map: Mat, flow: Mat, grid: Mat): Mat {
  const at = new cv.Mat();
  const empty = new cv.Mat();
  const next = new cv.Mat();
  try {
    cv.add(grid, flow, at);
    cv.remap(map, next, at, empty, cv.INTER_LINEAR, cv.BORDER_REPLICATE);
    return next;
  } catch (e) {
    next.delete();
    throw e;
  } finally {
    at.delete();
    empty.delete();
  }
}

/** Warps a full-size matte by a flow-size map: the map is scaled up and its coordinates scaled with it. */
function warp(cv: Cv, matte: Mat, map: Mat, size: { width: number; height: number }, big: Mat, out: Mat): void {
  const sx = size.width / map.cols;
  const sy = size.height / map.rows;
  const planes = new cv.MatVector();
  const scaled = new cv.MatVector();
  const empty = new cv.Mat();
  try {
    cv.resize(map, big, new cv.Size(size.width, size.height), 0, 0, cv.INTER_LINEAR);
    cv.split(big, planes);
    const x = planes.get(0);
    const y = planes.get(1);
    // Pixel centres: small (x + ½)·s − ½ is the same point in the big frame.
    x.convertTo(x, cv.CV_32FC1, sx, sx / 2 - 0.5);
    y.convertTo(y, cv.CV_32FC1, sy, sy / 2 - 0.5);
    scaled.push_back(x);
    scaled.push_back(y);
    x.delete();
    y.delete();
    cv.merge(scaled, big);
    cv.remap(matte, out, big, empty, cv.INTER_LINEAR, cv.BORDER_REPLICATE);
  } finally {
    planes.delete();
    scaled.delete();
    empty.delete();
  }
}

function fail(what: string, i: number): never {
  throw new Error(`propagateSegment: frame ${i} of the segment has no ${what} flow`);
}

/**
 * The frame to run IS-Net on next when propagation is not trusted, or −1.
 * `confidence[i]` belongs to frame a + 1 + i. Of the frames below the floor the
 * one nearest the middle of the segment is taken, not simply the worst: when one
 * keyframe is the odd one out, every frame between scores about the same, and
 * taking the worst tends to walk frame by frame from one end; halving finds
 * where the change happens in a few runs.
 */
export function pickRerun(confidence: number[], floor: number): number {
  const middle = (confidence.length - 1) / 2;
  let pick = -1;
  for (let i = 0; i < confidence.length; i++) {
    if (!(confidence[i] < floor)) continue;
    const d = Math.abs(i - middle);
    const best = pick < 0 ? Infinity : Math.abs(pick - middle);
    if (d < best || (d === best && confidence[i] < confidence[pick])) pick = i;
  }
  return pick;
}
