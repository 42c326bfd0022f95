import type { CameraMotionFrame, CameraMotionTrack } from '@shotmatrix/contracts';
import { applyH, IDENTITY, inv3, mul3, normalise3, type Mat3 } from '@shotmatrix/domain';
import type { Cv } from './opencv';

type CvMat = InstanceType<Cv['Mat']>;

export { applyH, IDENTITY, inv3, mul3, normalise3, type Mat3 } from '@shotmatrix/domain';

/**
 * The map from opencv pixel coordinates at work size (pixel centres on
 * integers) to master pixels measured from the frame's top-left corner (the
 * contracts' convention): x_master = (x_work + ½) · masterWidth / workWidth.
 * Getting the half pixel right matters once the camera zooms.
 */
export function workToMaster(master: { width: number; height: number }, work: { width: number; height: number }): Mat3 {
  const sx = master.width / work.width;
  const sy = master.height / work.height;
  return [sx, 0, sx / 2, 0, sy, sy / 2, 0, 0, 1];
}

/** Tuning shared by camera motion and plane tracking, in work pixels. */
export const LK_WINDOW = 15;
export const LK_LEVELS = 3;
/** Fewer agreeing points than this and a homography is a guess. */
export const MIN_POINTS = 8;
const RANSAC_THRESHOLD = 1.5;
/** Room around the predicted points so the pyramid has context at the ROI's edge. */
const ROI_MARGIN = 48;

/**
 * `homography` for planes (their features surround the corners we map).
 * `auto` for camera motion: background features often sit in a band (a table
 * edge, a skyline) that leaves a homography's perspective terms free, and a fit
 * that is exact on the band can still throw the frame's corners many pixels
 * off, or bend to take in part of a moving subject. A similarity (pan, zoom,
 * roll) is used unless the homography fits the points clearly better, as it
 * does once the camera has turned far enough to show perspective.
 */
export type MotionModel = 'auto' | 'homography';
/**
 * A homography is preferred when its robust cost is under this share of the
 * similarity's: on true perspective it is many times lower; where it only bends
 * to noise or to a few subject points the two are nearly equal.
 */
const PERSPECTIVE_GAIN = 0.5;
/** …and lower by at least this many px² per point, so two near-perfect fits do not count as a win. */
const MIN_GAIN_PER_POINT = 0.01;

/** MSAC cost: squared residuals, each capped at the RANSAC threshold's square so outliers count once. */
function robustCost(h: Mat3, from: ArrayLike<number>, to: ArrayLike<number>): number {
  const cap = RANSAC_THRESHOLD * RANSAC_THRESHOLD;
  let cost = 0;
  for (let i = 0; i < from.length / 2; i++) {
    const [x, y] = applyH(h, from[2 * i], from[2 * i + 1]);
    cost += Math.min(cap, (x - to[2 * i]) ** 2 + (y - to[2 * i + 1]) ** 2);
  }
  return cost;
}

export interface ReferenceMatch {
  /** Maps reference-frame work coordinates to current-frame work coordinates. */
  h: Mat3;
  inliers: number;
  /** Points LK followed and that passed `keep`; confidence is inliers / tracked. */
  tracked: number;
}

/**
 * Finds the homography from a reference frame to the current one. The
 * reference is first warped by a predicted homography so LK only has to find a
 * small residual, and every frame is matched against the same reference
 * patches: errors do not accumulate frame over frame as they would when
 * chaining frame-to-frame increments, and zoom or rotation since the reference
 * does not distort LK's square windows. Returns null with too few agreeing points.
 */
export function matchToReference(
  cv: Cv,
  ref: CvMat,
  refPts: Float32Array,
  cur: CvMat,
  predicted: Mat3,
  keep?: (x: number, y: number) => boolean,
  model: MotionModel = 'homography',
): ReferenceMatch | null {
  const n = refPts.length / 2;
  if (n < MIN_POINTS) return null;
  const moved = new Float32Array(refPts.length);
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i < n; i++) {
    const [x, y] = applyH(predicted, refPts[2 * i], refPts[2 * i + 1]);
    moved[2 * i] = x;
    moved[2 * i + 1] = y;
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  // LK on the predicted region only: a label is a small part of the frame, and the pyramids are most of LK's cost.
  const rx = Math.max(0, Math.floor(x0) - ROI_MARGIN);
  const ry = Math.max(0, Math.floor(y0) - ROI_MARGIN);
  const rw = Math.min(cur.cols, Math.ceil(x1) + ROI_MARGIN) - rx;
  const rh = Math.min(cur.rows, Math.ceil(y1) + ROI_MARGIN) - ry;
  if (!(rw > 8 && rh > 8)) return null;
  for (let i = 0; i < n; i++) {
    moved[2 * i] -= rx;
    moved[2 * i + 1] -= ry;
  }

  const toRoi = mul3([1, 0, -rx, 0, 1, -ry, 0, 0, 1], predicted);
  const warpM = cv.matFromArray(3, 3, cv.CV_64F, toRoi);
  const warped = new cv.Mat();
  const curRoi = cur.roi(new cv.Rect(rx, ry, rw, rh));
  const prevPts = cv.matFromArray(n, 1, cv.CV_32FC2, moved);
  // Not prevPts.clone(): in this opencv.js build clone() shares the data, and LK would overwrite its own input.
  const nextPts = new cv.Mat();
  const status = new cv.Mat();
  const err = new cv.Mat();
  const src = new cv.Mat();
  const dst = new cv.Mat();
  const mask = new cv.Mat();
  let h: CvMat | null = null;
  try {
    cv.warpPerspective(ref, warped, warpM, new cv.Size(rw, rh), cv.INTER_LINEAR, cv.BORDER_REPLICATE, new cv.Scalar());
    const criteria = new cv.TermCriteria(cv.TermCriteria_EPS | cv.TermCriteria_COUNT, 30, 0.01);
    cv.calcOpticalFlowPyrLK(warped, curRoi, prevPts, nextPts, status, err, new cv.Size(LK_WINDOW, LK_WINDOW), LK_LEVELS, criteria);
    const ok = status.data;
    const next = nextPts.data32F;
    const from: number[] = [];
    const to: number[] = [];
    for (let i = 0; i < n; i++) {
      if (!ok[i]) continue;
      const x = next[2 * i] + rx;
      const y = next[2 * i + 1] + ry;
      if (!(x >= 0 && y >= 0 && x <= cur.cols - 1 && y <= cur.rows - 1)) continue;
      if (keep && !keep(x, y)) continue;
      from.push(refPts[2 * i], refPts[2 * i + 1]);
      to.push(x, y);
    }
    const tracked = from.length / 2;
    if (tracked < MIN_POINTS) return null;
    src.create(tracked, 1, cv.CV_32FC2);
    src.data32F.set(from);
    dst.create(tracked, 1, cv.CV_32FC2);
    dst.data32F.set(to);
    h = cv.findHomography(src, dst, cv.RANSAC, RANSAC_THRESHOLD, mask, 2000, 0.995);
    if (h.rows !== 3 || h.cols !== 3) return null;
    const inliers = cv.countNonZero(mask);
    const hm = normalise3(Array.from(h.data64F));
    const homography = inliers >= MIN_POINTS && hm.every(Number.isFinite) ? { h: hm, inliers, tracked } : null;
    if (model === 'homography') return homography;
    const sim = fitSimilarity(from, to, RANSAC_THRESHOLD);
    const similarity = sim && sim.inliers >= MIN_POINTS ? { h: sim.h, inliers: sim.inliers, tracked } : null;
    if (!similarity || !homography) return similarity ?? homography;
    // The homography's extra freedom must clearly pay for itself in fit (see MotionModel).
    const hCost = robustCost(homography.h, from, to);
    const sCost = robustCost(similarity.h, from, to);
    return hCost < PERSPECTIVE_GAIN * sCost && sCost - hCost > MIN_GAIN_PER_POINT * tracked ? homography : similarity;
  } finally {
    for (const m of [warpM, warped, curRoi, prevPts, nextPts, status, err, src, dst, mask]) m.delete();
    h?.delete();
  }
}

/**
 * RANSAC over two-point samples, then least squares on the inliers, for
 * x' = a·x − b·y + tx, y' = b·x + a·y + ty. Hand-rolled because this opencv.js
 * build has no estimateAffinePartial2D; loops run over points, never pixels.
 * The sampler is seeded so a master always gets the same answer.
 */
export function fitSimilarity(from: ArrayLike<number>, to: ArrayLike<number>, threshold: number): { h: Mat3; inliers: number } | null {
  const n = Math.floor(from.length / 2);
  if (n < 2) return null;
  const t2 = threshold * threshold;
  let seed = 0x9e3779b9;
  const rand = (k: number) => {
    seed = (Math.imul(seed ^ (seed >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return seed % k;
  };
  const count = (p: number[], mark?: Uint8Array) => {
    const [a, b, tx, ty] = p;
    let c = 0;
    for (let i = 0; i < n; i++) {
      const x = from[2 * i];
      const y = from[2 * i + 1];
      const dx = a * x - b * y + tx - to[2 * i];
      const dy = b * x + a * y + ty - to[2 * i + 1];
      const ok = dx * dx + dy * dy <= t2;
      if (ok) c++;
      if (mark) mark[i] = ok ? 1 : 0;
    }
    return c;
  };
  let best: number[] | null = null;
  let bestCount = -1;
  for (let iter = 0; iter < 300; iter++) {
    const i = rand(n);
    const j = rand(n);
    if (i === j) continue;
    const dxf = from[2 * j] - from[2 * i];
    const dyf = from[2 * j + 1] - from[2 * i + 1];
    const dxt = to[2 * j] - to[2 * i];
    const dyt = to[2 * j + 1] - to[2 * i + 1];
    const d = dxf * dxf + dyf * dyf;
    if (d < 100) continue; // points this close pin rotation and scale poorly
    const a = (dxf * dxt + dyf * dyt) / d;
    const b = (dxf * dyt - dyf * dxt) / d;
    const p = [a, b, to[2 * i] - (a * from[2 * i] - b * from[2 * i + 1]), to[2 * i + 1] - (b * from[2 * i] + a * from[2 * i + 1])];
    const c = count(p);
    if (c > bestCount) {
      bestCount = c;
      best = p;
    }
  }
  if (!best) return null;
  const mark = new Uint8Array(n);
  let p = best;
  // Refit on the inliers (twice: the set can grow once the fit improves).
  for (let round = 0; round < 2; round++) {
    count(p, mark);
    const refit = leastSquaresSimilarity(from, to, mark);
    if (!refit) break;
    p = refit;
  }
  const inliers = count(p);
  const [a, b, tx, ty] = p;
  return { h: [a, -b, tx, b, a, ty, 0, 0, 1], inliers };
}

function leastSquaresSimilarity(from: ArrayLike<number>, to: ArrayLike<number>, mark: Uint8Array): number[] | null {
  // Centre both sets; then a, b have a closed form and the translation follows.
  let m = 0;
  let fx = 0;
  let fy = 0;
  let tx = 0;
  let ty = 0;
  for (let i = 0; i < mark.length; i++) {
    if (!mark[i]) continue;
    m++;
    fx += from[2 * i];
    fy += from[2 * i + 1];
    tx += to[2 * i];
    ty += to[2 * i + 1];
  }
  if (m < 2) return null;
  fx /= m;
  fy /= m;
  tx /= m;
  ty /= m;
  let sxx = 0;
  let sab = 0;
  let sba = 0;
  for (let i = 0; i < mark.length; i++) {
    if (!mark[i]) continue;
    const x = from[2 * i] - fx;
    const y = from[2 * i + 1] - fy;
    const u = to[2 * i] - tx;
    const v = to[2 * i + 1] - ty;
    sxx += x * x + y * y;
    sab += x * u + y * v;
    sba += x * v - y * u;
  }
  if (sxx < 1e-9) return null;
  const a = sab / sxx;
  const b = sba / sxx;
  return [a, b, tx - (a * fx - b * fy), ty - (b * fx + a * fy)];
}

export interface FeatureOptions {
  maxCorners: number;
  minDistance: number;
}

/**
 * Weakest corner (minimum eigenvalue of the 5×5 structure tensor, as opencv
 * scales it for 8-bit frames) that counts as texture. goodFeaturesToTrack's
 * quality level is relative to the strongest corner, so on a flat backdrop (a
 * key wall) it happily returns compression noise: measured here, noise
 * corners on the yellow wall clip stay below 3e-5 while real texture (tables,
 * fields, rooms, labels) starts around 5e-4.
 */
export const MIN_CORNER_EIGEN = 1e-4;

/** Corner features where `mask` is non-zero (all of `grey` without a mask), as x,y pairs; noise is left out. */
export function detectFeatures(cv: Cv, grey: CvMat, mask: CvMat | null, o: FeatureOptions): Float32Array {
  const corners = new cv.Mat();
  const eig = new cv.Mat();
  const none = mask ? null : new cv.Mat();
  try {
    cv.goodFeaturesToTrack(grey, corners, o.maxCorners, 0.01, o.minDistance, mask ?? none!, 5, false, 0.04);
    const all = corners.data32F;
    if (!all.length) return new Float32Array(0);
    cv.cornerMinEigenVal(grey, eig, 5, 3);
    const kept: number[] = [];
    for (let i = 0; i < all.length; i += 2) {
      // One lookup per corner (at most a few hundred), not per pixel.
      const x = Math.min(grey.cols - 1, Math.max(0, Math.round(all[i])));
      const y = Math.min(grey.rows - 1, Math.max(0, Math.round(all[i + 1])));
      if (eig.floatAt(y, x) >= MIN_CORNER_EIGEN) kept.push(all[i], all[i + 1]);
    }
    return new Float32Array(kept);
  } finally {
    corners.delete();
    eig.delete();
    none?.delete();
  }
}

export interface CameraMotionOptions {
  /** Master (mezzanine) size: the homographies are expressed in its pixels. */
  width: number;
  height: number;
  /** Size of the grey frames pushed; long side up to about 640. */
  workWidth: number;
  workHeight: number;
}

export interface CameraMotionEstimator {
  /**
   * Adds the next frame (grey, workWidth × workHeight) and returns its motion.
   * `foreground` is the subject's matte at work size (0…255): the subject moves
   * on its own, so features are only taken outside it.
   */
  push(grey: Uint8Array, foreground?: Uint8Array): CameraMotionFrame;
  /** The track so far. Ends the estimate: the reference frame's opencv memory is freed, and push() afterwards throws. */
  result(): CameraMotionTrack;
  /** Frees the reference frame without a result (an aborted analysis); safe to call more than once. */
  close(): void;
}

/** Matte values at or above this count as subject. */
const FOREGROUND = 128;
/** The matte's edge is soft and the subject moves: keep features this far from it. */
const FOREGROUND_MARGIN = 9;
/** A new reference is taken when fewer of its features still agree than this share of those that agreed at first… */
const KEEP_SHARE = 0.5;
/** …or when the camera has zoomed this much since it: the warped reference is then blurred or aliased against the frame. */
const MAX_SCALE_CHANGE = 1.3;

/**
 * Streaming camera-motion estimate from the background. Each frame is matched
 * against a reference frame (warped by the previous estimate, see
 * matchToReference) and the reference is renewed only when its features run
 * out, so drift accumulates per reference, not per frame. Frames with too few
 * agreeing features keep the previous motion (an identity increment) with
 * confidence 0.
 */
export function createCameraMotionEstimator(cv: Cv, o: CameraMotionOptions): CameraMotionEstimator {
  const { workWidth: ww, workHeight: wh } = o;
  if (!(ww > 16 && wh > 16 && o.width > 0 && o.height > 0)) throw new Error(`camera motion: bad sizes ${o.width}×${o.height} / ${ww}×${wh}`);
  const toMaster = workToMaster(o, { width: ww, height: wh });
  const fromMaster = inv3(toMaster)!;
  const features: FeatureOptions = { maxCorners: 300, minDistance: Math.max(5, Math.round(Math.max(ww, wh) / 64)) };

  const frames: CameraMotionFrame[] = [];
  let ref: CvMat | null = null;
  let refPts: Float32Array = new Float32Array(0);
  /** Points that agreed in the first match against the reference: the yardstick for renewing it. */
  let refAgreed = 0;
  /** frame 0 → reference, and reference → previous frame, in work coordinates. */
  let refH = IDENTITY;
  let relH = IDENTITY;
  let closed = false;

  const frameMat = (data: Uint8Array, what: string) => {
    if (data.length !== ww * wh) throw new Error(`camera motion: ${what} has ${data.length} bytes, expected ${ww}×${wh}`);
    // Callers may pass a view into opencv's own heap (another Mat's data); allocating can grow and detach that heap, so copy first.
    const bytes = data.slice();
    const m = new cv.Mat(wh, ww, cv.CV_8UC1);
    m.data.set(bytes);
    return m;
  };

  const anchor = (grey: CvMat, foreground: Uint8Array | undefined, h: Mat3) => {
    ref?.delete();
    ref = grey;
    refH = h;
    relH = IDENTITY;
    let mask: CvMat | null = null;
    if (foreground) {
      const matte = frameMat(foreground, 'foreground');
      const kernel = cv.getStructuringElement(cv.MORPH_ELLIPSE, new cv.Size(2 * FOREGROUND_MARGIN + 1, 2 * FOREGROUND_MARGIN + 1));
      mask = new cv.Mat();
      try {
        cv.threshold(matte, mask, FOREGROUND - 1, 255, cv.THRESH_BINARY);
        cv.dilate(mask, mask, kernel);
        cv.bitwise_not(mask, mask);
      } finally {
        matte.delete();
        kernel.delete();
      }
    }
    try {
      refPts = detectFeatures(cv, grey, mask, features);
    } finally {
      mask?.delete();
    }
    refAgreed = 0;
  };

  const emit = (workH: Mat3, confidence: number): CameraMotionFrame => {
    const frame = { h: normalise3(mul3(mul3(toMaster, workH), fromMaster)), confidence };
    frames.push(frame);
    return frame;
  };

  const close = () => {
    if (closed) return;
    closed = true;
    ref?.delete();
    ref = null;
  };

  return {
    push(grey, foreground) {
      if (closed) throw new Error('camera motion: push() after result() or close()');
      if (foreground && foreground.length !== ww * wh) throw new Error(`camera motion: foreground has ${foreground.length} bytes, expected ${ww}×${wh}`);
      const cur = frameMat(grey, 'frame');
      // Copied for the same reason as in frameMat: it is read after opencv has allocated.
      const matte = foreground?.slice();
      if (!ref) {
        anchor(cur, matte, IDENTITY);
        return emit(IDENTITY, 1);
      }
      const keep = matte ? (x: number, y: number) => matte[Math.round(y) * ww + Math.round(x)] < FOREGROUND : undefined;
      let m: ReferenceMatch | null = null;
      try {
        m = matchToReference(cv, ref, refPts, cur, relH, keep, 'auto');
      } catch (e) {
        cur.delete();
        throw e;
      }
      if (!m) {
        // Nothing to measure against (a blank frame, a cut, the subject filling the picture): hold the camera still.
        const held = mul3(relH, refH);
        anchor(cur, matte, held);
        return emit(held, 0);
      }
      relH = m.h;
      const h = mul3(relH, refH);
      refAgreed ||= m.inliers;
      const scale = Math.sqrt(Math.abs(relH[0] * relH[4] - relH[1] * relH[3]));
      if (m.inliers < Math.max(4 * MIN_POINTS, KEEP_SHARE * refAgreed) || scale > MAX_SCALE_CHANGE || scale < 1 / MAX_SCALE_CHANGE) {
        anchor(cur, matte, h);
      } else {
        cur.delete();
      }
      return emit(h, m.inliers / m.tracked);
    },
    result() {
      close();
      return { width: o.width, height: o.height, frames: [...frames] };
    },
    close,
  };
}
