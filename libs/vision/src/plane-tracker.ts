import type { PlaneTrack, PlaneTrackFrame, Point, Quad } from '@shotmatrix/contracts';
import { DomainError } from '@shotmatrix/domain';
import { readFrames, type MediaTools } from '@shotmatrix/media';
import { applyH, detectFeatures, IDENTITY, inv3, matchToReference, MIN_POINTS, workToMaster, type Mat3 } from './camera-motion';
import type { Cv } from './opencv';

type CvMat = InstanceType<Cv['Mat']>;

export interface PlaneTrackShot {
  /** Master (mezzanine) size: seeds and results are in its pixels. */
  width: number;
  height: number;
  frameCount: number;
  /** Size the frames are decoded at for tracking. */
  workWidth: number;
  workHeight: number;
}

export interface PlaneSeed {
  frame: number;
  quad: Quad;
}

export interface TrackPlaneOptions {
  signal?: AbortSignal;
  /** Frames tracked so far and in all (frames between two seeds are tracked from both). */
  onProgress?: (done: number, total: number) => void;
  /**
   * Most bytes of decoded frames held at once. Tracking backwards needs frames
   * in reverse, so they are decoded in chunks of this size and walked backwards.
   */
  maxBufferBytes?: number;
}

const DEFAULT_BUFFER_BYTES = 256 * 1024 * 1024;
/** Features are taken this far inside the quad, toward its centre: at the edge the label meets a background that moves otherwise. */
const SHRINK = 0.1;
/** Smallest seed quad, in master px² (an 8×8 square), as the keyframe check demands. */
const MIN_SEED_AREA = 64;
/** Tracked quads whose area changes more than this factor from their reference are lost, not labels. */
const MAX_AREA_CHANGE = 16;
/** A reference is renewed once fewer of its features agree than this share of those that did at first. */
const KEEP_SHARE = 0.5;
/** Two seeds' tracks that disagree by more than this share of the quad's diagonal are not averaged; the nearer seed wins. */
const BLEND_TOLERANCE = 0.1;

/** A seed the producer has to fix: out of range, degenerate, or with nothing to follow. */
export class PlaneSeedError extends DomainError {
  constructor(message: string) {
    super('invalid-plane-seed', message, 'invalid');
    this.name = 'PlaneSeedError';
  }
}

/**
 * Follows a label plane through the master from the quads the producer drew on
 * keyframes. From each seed the plane is tracked forward to the next seed and
 * backward to the previous one (features inside the quad, LK against the
 * seed's frame, RANSAC homography), the corners carried through it. Between two
 * seeds both tracks exist and are blended toward the nearer seed, so the track
 * passes exactly through every seed. Frames where the plane cannot be followed
 * have a null quad.
 */
export async function trackPlane(
  cv: Cv,
  tools: MediaTools,
  mezzaninePath: string,
  shot: PlaneTrackShot,
  plane: string,
  seeds: PlaneSeed[],
  opts: TrackPlaneOptions = {},
): Promise<PlaneTrack> {
  const sorted = checkPlaneSeeds(plane, seeds, shot);
  const { workWidth: ww, workHeight: wh, frameCount: n } = shot;
  const toMaster = workToMaster(shot, { width: ww, height: wh });
  const toWork = inv3(toMaster)!;
  const mapQuad = (h: Mat3, q: Quad) => q.map(([x, y]) => applyH(h, x, y)) as Quad;
  const workSeeds = new Map(sorted.map((s) => [s.frame, mapQuad(toWork, s.quad)]));
  const first = sorted[0].frame;
  const last = sorted.at(-1)!.frame;

  const total = n - first + last + 1;
  let done = 0;
  const tick = () => {
    done += 1;
    opts.onProgress?.(done, total);
  };

  // Forward from the first seed to the end, one decode.
  const forward = new Array<TrackStep | undefined>(n);
  const fwd = new Sweep(cv, plane, workSeeds, ww, wh);
  try {
    let t = first;
    for await (const buf of readFrames(tools, mezzaninePath, { width: ww, height: wh, pixelFormat: 'gray', startFrame: first, frameCount: n - first, signal: opts.signal })) {
      forward[t] = fwd.step(t, buf);
      t += 1;
      tick();
    }
    if (t !== n) throw new Error(`plane "${plane}": read ${t} frames of the master, expected ${n}`);
  } finally {
    fwd.close();
  }

  // Backward from the last seed to frame 0, chunk by chunk from the end.
  const backward = new Array<TrackStep | undefined>(n);
  const chunk = Math.max(1, Math.floor((opts.maxBufferBytes ?? DEFAULT_BUFFER_BYTES) / (ww * wh)));
  const bwd = new Sweep(cv, plane, workSeeds, ww, wh);
  try {
    for (let hi = last; hi >= 0; hi -= chunk) {
      const lo = Math.max(0, hi - chunk + 1);
      const frames: Buffer[] = [];
      for await (const buf of readFrames(tools, mezzaninePath, { width: ww, height: wh, pixelFormat: 'gray', startFrame: lo, frameCount: hi - lo + 1, signal: opts.signal })) {
        frames.push(buf);
      }
      if (frames.length !== hi - lo + 1) throw new Error(`plane "${plane}": read ${frames.length} of frames ${lo}–${hi} of the master`);
      for (let t = hi; t >= lo; t--) {
        opts.signal?.throwIfAborted();
        backward[t] = bwd.step(t, frames[t - lo]);
        frames[t - lo] = EMPTY;
        tick();
      }
    }
  } finally {
    bwd.close();
  }

  const frames: PlaneTrackFrame[] = [];
  for (let t = 0; t < n; t++) {
    const seed = workSeeds.get(t);
    if (seed) {
      frames.push({ quad: sorted.find((s) => s.frame === t)!.quad.map(([x, y]) => [x, y]) as Quad, confidence: 1 });
      continue;
    }
    const merged = merge(forward[t], backward[t]);
    frames.push({ quad: merged.quad ? mapQuad(toMaster, merged.quad) : null, confidence: merged.confidence });
  }
  return { plane, seeds: sorted, frames };
}

const EMPTY = Buffer.alloc(0);

/** One direction's answer for one frame, in work coordinates, with the distance to the seed it came from. */
interface TrackStep {
  quad: Quad | null;
  confidence: number;
  distance: number;
}

function merge(f: TrackStep | undefined, b: TrackStep | undefined): { quad: Quad | null; confidence: number } {
  const fq = f?.quad ? f : null;
  const bq = b?.quad ? b : null;
  if (!fq || !bq) {
    const only = fq ?? bq;
    return only ? { quad: only.quad, confidence: only.confidence } : { quad: null, confidence: 0 };
  }
  const a = fq.quad!;
  const c = bq.quad!;
  const disagreement = Math.max(...a.map((p, i) => Math.hypot(p[0] - c[i][0], p[1] - c[i][1])));
  const diagonal = Math.max(Math.hypot(a[2][0] - a[0][0], a[2][1] - a[0][1]), Math.hypot(a[3][0] - a[1][0], a[3][1] - a[1][1]));
  if (disagreement > BLEND_TOLERANCE * diagonal) {
    // One of them has drifted or jumped; drift grows with distance, so trust the nearer seed.
    const near = fq.distance <= bq.distance ? fq : bq;
    return { quad: near.quad, confidence: near.confidence };
  }
  // Weights fall to zero at the far seed, so the track meets each seed exactly and drift is spread, not stepped.
  const w = fq.distance / (fq.distance + bq.distance);
  const quad = a.map((p, i) => [p[0] * (1 - w) + c[i][0] * w, p[1] * (1 - w) + c[i][1] * w]) as Quad;
  return { quad, confidence: fq.confidence * (1 - w) + bq.confidence * w };
}

/** Tracks in one direction through frames handed in order, restarting at every seed it meets. */
class Sweep {
  private follower: QuadFollower | null = null;
  private seedFrame = 0;

  constructor(
    private readonly cv: Cv,
    private readonly plane: string,
    private readonly seeds: Map<number, Quad>,
    private readonly width: number,
    private readonly height: number,
  ) {}

  step(t: number, grey: Uint8Array): TrackStep | undefined {
    const seed = this.seeds.get(t);
    if (!seed && !this.follower) return undefined;
    const mat = new this.cv.Mat(this.height, this.width, this.cv.CV_8UC1);
    try {
      mat.data.set(grey);
      if (seed) {
        this.follower?.close();
        this.follower = null;
        const follower = new QuadFollower(this.cv, mat, seed);
        if (follower.features < MIN_POINTS) {
          follower.close();
          throw new PlaneSeedError(
            `plane "${this.plane}", seed at frame ${t}: only ${follower.features} trackable corners inside the quad (at least ${MIN_POINTS} are needed); ` +
              'draw it over the printed label, or larger',
          );
        }
        this.follower = follower;
        this.seedFrame = t;
        return { quad: seed, confidence: 1, distance: 0 };
      }
      const r = this.follower!.step(mat);
      return { ...r, distance: Math.abs(t - this.seedFrame) };
    } finally {
      mat.delete();
    }
  }

  close(): void {
    this.follower?.close();
    this.follower = null;
  }
}

/**
 * Follows one quad from a reference frame. Every frame is matched against the
 * reference (see matchToReference), so the corners do not drift frame by
 * frame; the reference is renewed when too few of its features still agree
 * (the label turned away, left the frame, or was covered).
 */
class QuadFollower {
  private ref: CvMat;
  private refQuad: Quad;
  private refPts: Float32Array;
  /** Reference → the last frame the quad was found in. */
  private h: Mat3 = IDENTITY;
  private agreed = 0;
  private readonly seedArea: number;

  constructor(
    private readonly cv: Cv,
    grey: CvMat,
    quad: Quad,
  ) {
    this.ref = new cv.Mat();
    grey.copyTo(this.ref);
    this.refQuad = quad;
    this.refPts = this.detect(this.ref, quad);
    this.seedArea = area(quad);
  }

  get features(): number {
    return this.refPts.length / 2;
  }

  step(cur: CvMat): { quad: Quad | null; confidence: number } {
    const m = matchToReference(this.cv, this.ref, this.refPts, cur, this.h, undefined, 'homography');
    if (!m) return { quad: null, confidence: 0 };
    const quad = this.refQuad.map(([x, y]) => applyH(m.h, x, y)) as Quad;
    if (!this.plausible(quad, cur)) return { quad: null, confidence: 0 };
    this.h = m.h;
    this.agreed ||= m.inliers;
    if (m.inliers < Math.max(2 * MIN_POINTS, KEEP_SHARE * this.agreed)) this.renew(cur, quad);
    return { quad, confidence: m.inliers / m.tracked };
  }

  close(): void {
    this.ref.delete();
  }

  private renew(cur: CvMat, quad: Quad): void {
    const pts = this.detect(cur, quad);
    // A reference with fewer features than the old one still has is no better; keep the old one.
    if (pts.length / 2 < Math.max(MIN_POINTS, this.agreed * KEEP_SHARE)) return;
    cur.copyTo(this.ref);
    this.refQuad = quad;
    this.refPts = pts;
    this.h = IDENTITY;
    this.agreed = 0;
  }

  private detect(grey: CvMat, quad: Quad): Float32Array {
    const cv = this.cv;
    const cx = quad.reduce((s, p) => s + p[0], 0) / 4;
    const cy = quad.reduce((s, p) => s + p[1], 0) / 4;
    const inner = quad.flatMap(([x, y]) => [Math.round(cx + (x - cx) * (1 - SHRINK)), Math.round(cy + (y - cy) * (1 - SHRINK))]);
    const mask = cv.Mat.zeros(grey.rows, grey.cols, cv.CV_8UC1);
    const poly = cv.matFromArray(4, 1, cv.CV_32SC2, inner);
    try {
      cv.fillConvexPoly(mask, poly, new cv.Scalar(255));
      const side = Math.sqrt(area(quad));
      return detectFeatures(cv, grey, mask, { maxCorners: 300, minDistance: Math.min(10, Math.max(3, Math.round(side / 15))) });
    } finally {
      mask.delete();
      poly.delete();
    }
  }

  /** A convex quad of sensible size that still overlaps the picture; anything else means the track went wrong. */
  private plausible(q: Quad, cur: CvMat): boolean {
    if (!q.every(([x, y]) => Number.isFinite(x) && Number.isFinite(y))) return false;
    if (!isConvex(q)) return false;
    const a = area(q);
    if (a < this.seedArea / MAX_AREA_CHANGE || a > this.seedArea * MAX_AREA_CHANGE) return false;
    const xs = q.map((p) => p[0]);
    const ys = q.map((p) => p[1]);
    return Math.max(...xs) > 0 && Math.min(...xs) < cur.cols && Math.max(...ys) > 0 && Math.min(...ys) < cur.rows;
  }
}

function cross(o: Point, a: Point, b: Point): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

function isConvex(q: Quad): boolean {
  const turns = q.map((_, i) => cross(q[i], q[(i + 1) % 4], q[(i + 2) % 4]));
  return turns.every((t) => t > 0) || turns.every((t) => t < 0);
}

function area(q: Quad): number {
  let s = 0;
  for (let i = 0; i < 4; i++) s += q[i][0] * q[(i + 1) % 4][1] - q[(i + 1) % 4][0] * q[i][1];
  return Math.abs(s) / 2;
}

/**
 * Checks seeds before any decoding, so a bad quad fails at once with a message
 * the producer can act on (plane, frame, problem). Returns them in frame order.
 */
export function checkPlaneSeeds(plane: string, seeds: PlaneSeed[], shot: Pick<PlaneTrackShot, 'width' | 'height' | 'frameCount'>): PlaneSeed[] {
  if (!seeds.length) throw new PlaneSeedError(`plane "${plane}": no seed quad; draw the label's corners on at least one keyframe`);
  const seen = new Set<number>();
  for (const s of seeds) {
    const where = `plane "${plane}", seed at frame ${s.frame}`;
    if (!Number.isInteger(s.frame) || s.frame < 0 || s.frame >= shot.frameCount) {
      throw new PlaneSeedError(`${where}: the master has frames 0–${shot.frameCount - 1}`);
    }
    if (seen.has(s.frame)) throw new PlaneSeedError(`${where}: two seeds on the same frame`);
    seen.add(s.frame);
    const q = s.quad;
    if (!Array.isArray(q) || q.length !== 4 || !q.every((p) => Array.isArray(p) && p.length === 2 && p.every(Number.isFinite))) {
      throw new PlaneSeedError(`${where}: a quad is four [x, y] corners`);
    }
    const margin = 0.5 * Math.max(shot.width, shot.height);
    if (q.some(([x, y]) => x < -margin || y < -margin || x > shot.width + margin || y > shot.height + margin)) {
      throw new PlaneSeedError(`${where}: a corner lies far outside the ${shot.width}×${shot.height} picture`);
    }
    if (!isConvex(q)) {
      throw new PlaneSeedError(`${where}: the quad is not convex (corners go top-left, top-right, bottom-right, bottom-left)`);
    }
    const a = area(q);
    if (a < MIN_SEED_AREA) throw new PlaneSeedError(`${where}: the quad covers ${a.toFixed(0)} px²; draw it at least 8×8 pixels`);
  }
  return [...seeds].sort((a, b) => a.frame - b.frame).map((s) => ({ frame: s.frame, quad: s.quad.map(([x, y]) => [x, y]) as Quad }));
}
