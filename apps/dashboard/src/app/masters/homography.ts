/** The camera-motion path drawn over the master. Pure, so tested without Angular. */
import type { CameraMotionTrack, Point } from '@shotmatrix/contracts';

/** `h` (3×3, row-major) applied to `p`; null where the result is at infinity or not a number. */
export function applyHomography(h: readonly number[], [x, y]: Point): Point | null {
  if (h.length !== 9) return null;
  const w = h[6] * x + h[7] * y + h[8];
  if (!Number.isFinite(w) || Math.abs(w) < 1e-9) return null;
  const px = (h[0] * x + h[1] * y + h[2]) / w;
  const py = (h[3] * x + h[4] * y + h[5]) / w;
  return Number.isFinite(px) && Number.isFinite(py) ? [px, py] : null;
}

export interface PathPoint {
  frame: number;
  x: number;
  y: number;
  confidence: number;
}

/**
 * Where the centre of frame 0 is in every frame, in master pixels: h_t maps
 * frame-0 pixels to frame-t pixels in the track's own pixel space, which is
 * scaled to the master's when the analysis ran at another size. Frames whose
 * homography is degenerate are left out.
 */
export function cameraPath(track: CameraMotionTrack, masterWidth: number, masterHeight: number): PathPoint[] {
  const sx = track.width > 0 ? masterWidth / track.width : 1;
  const sy = track.height > 0 ? masterHeight / track.height : 1;
  const centre: Point = [track.width / 2, track.height / 2];
  const out: PathPoint[] = [];
  track.frames.forEach((f, frame) => {
    const p = applyHomography(f.h, centre);
    if (p) out.push({ frame, x: p[0] * sx, y: p[1] * sy, confidence: f.confidence });
  });
  return out;
}

export interface PathRun {
  /** True where the homographies along the run were poorly supported (drawn dimmed). */
  low: boolean;
  /** SVG `points` attribute value. */
  points: string;
}

const fmt = (v: number) => String(Math.round(v * 10) / 10);

/**
 * The path cut into runs of confident and low-confidence frames. Neighbouring
 * runs share their end point so the line stays unbroken; a segment counts as
 * low when either end is below `threshold`.
 */
export function pathRuns(points: readonly PathPoint[], threshold = 0.5): PathRun[] {
  const runs: Array<{ low: boolean; pts: PathPoint[] }> = [];
  if (points.length === 1) return [{ low: points[0].confidence < threshold, points: `${fmt(points[0].x)},${fmt(points[0].y)}` }];
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    const low = a.confidence < threshold || b.confidence < threshold;
    const last = runs[runs.length - 1];
    if (last && last.low === low) last.pts.push(b);
    else runs.push({ low, pts: [a, b] });
  }
  return runs.map((r) => ({ low: r.low, points: r.pts.map((p) => `${fmt(p.x)},${fmt(p.y)}`).join(' ') }));
}
