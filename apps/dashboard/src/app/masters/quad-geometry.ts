/**
 * Label-plane quads on the master: the checks the API makes, hit-testing and
 * the maths of dragging corners. Pure, so tested without Angular.
 * Quads go top-left, top-right, bottom-right, bottom-left, in master pixels.
 */
import type { Point, Quad } from '@shotmatrix/contracts';

export const CORNER_NAMES = ['top-left', 'top-right', 'bottom-right', 'bottom-left'] as const;

/** The API refuses quads smaller than this (8×8 px). */
export const MIN_QUAD_AREA = 64;

function cross(o: Point, a: Point, b: Point): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

export function quadArea(q: Quad): number {
  let s = 0;
  for (let j = 0; j < 4; j++) s += q[j][0] * q[(j + 1) % 4][1] - q[(j + 1) % 4][0] * q[j][1];
  return Math.abs(s) / 2;
}

/** Strictly convex: every corner turns the same way (no crossed or folded corners). */
export function isConvex(q: Quad): boolean {
  const turns = q.map((_, j) => cross(q[j], q[(j + 1) % 4], q[(j + 2) % 4]));
  return turns.every((t) => t > 0) || turns.every((t) => t < 0);
}

/** What the API would refuse about this quad, in its words; null when it is fine. */
export function quadProblem(q: Quad, width: number, height: number): string | null {
  if (q.some(([x, y]) => !Number.isFinite(x) || !Number.isFinite(y))) return 'every corner needs an x and a y';
  const margin = Math.max(width, height) * 0.5;
  if (q.some(([x, y]) => x < -margin || y < -margin || x > width + margin || y > height + margin)) {
    return `a corner is far outside the ${width}×${height} picture`;
  }
  if (!isConvex(q)) return 'the quad is not convex (corners go top-left, top-right, bottom-right, bottom-left)';
  const area = quadArea(q);
  if (area < MIN_QUAD_AREA) return `the quad covers ${area.toFixed(0)} px²; draw it at least 8×8 pixels`;
  return null;
}

/** Inside the quad (or on its edge); works for any simple quad by ray casting. */
export function pointInQuad([x, y]: Point, q: Quad): boolean {
  let inside = false;
  for (let i = 0, j = 3; i < 4; j = i++) {
    const [xi, yi] = q[i];
    const [xj, yj] = q[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside || q.some((_, i) => distanceToSegment([x, y], q[i], q[(i + 1) % 4]) < 1e-9);
}

function distanceToSegment(p: Point, a: Point, b: Point): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len = dx * dx + dy * dy;
  const t = len ? Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len)) : 0;
  return Math.hypot(p[0] - (a[0] + t * dx), p[1] - (a[1] + t * dy));
}

export type QuadHit = { index: number; part: 'corner'; corner: number } | { index: number; part: 'body' };

/**
 * What a pointer at `p` grabs among `quads` (drawn in order, so the last is on
 * top): the nearest corner handle within `radius`, else the topmost quad whose
 * inside holds the point, else nothing. Corners win so a small quad's handles
 * stay reachable over its body.
 */
export function hitTestQuads(quads: readonly Quad[], p: Point, radius: number): QuadHit | null {
  let best: { index: number; corner: number; d: number } | null = null;
  quads.forEach((q, index) =>
    q.forEach((c, corner) => {
      const d = Math.hypot(c[0] - p[0], c[1] - p[1]);
      if (d <= radius && (!best || d <= best.d)) best = { index, corner, d };
    }),
  );
  if (best) {
    const { index, corner } = best;
    return { index, part: 'corner', corner };
  }
  for (let index = quads.length - 1; index >= 0; index--) {
    if (pointInQuad(p, quads[index])) return { index, part: 'body' };
  }
  return null;
}

/** A client (CSS pixel) position over an element showing the whole picture, in master pixels. */
export function clientToMaster(
  clientX: number,
  clientY: number,
  box: { left: number; top: number; width: number; height: number },
  width: number,
  height: number,
): Point {
  const x = box.width > 0 ? ((clientX - box.left) / box.width) * width : 0;
  const y = box.height > 0 ? ((clientY - box.top) / box.height) * height : 0;
  return [x, y];
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const tenth = (v: number) => Math.round(v * 10) / 10;

/** The quad with corner `corner` at `p`, kept inside the picture and rounded to 0.1 px. */
export function moveCorner(q: Quad, corner: number, p: Point, width: number, height: number): Quad {
  const next = q.map((c) => [c[0], c[1]]) as Quad;
  next[corner] = [tenth(clamp(p[0], 0, width)), tenth(clamp(p[1], 0, height))];
  return next;
}

/** The quad moved by (dx, dy), stopped at the picture's edges so its shape never changes. */
export function translateQuad(q: Quad, dx: number, dy: number, width: number, height: number): Quad {
  const xs = q.map((c) => c[0]);
  const ys = q.map((c) => c[1]);
  // Only limit the move in the directions the quad starts inside the picture.
  const ddx = clamp(dx, Math.min(0, -Math.min(...xs)), Math.max(0, width - Math.max(...xs)));
  const ddy = clamp(dy, Math.min(0, -Math.min(...ys)), Math.max(0, height - Math.max(...ys)));
  return q.map(([x, y]) => [tenth(x + ddx), tenth(y + ddy)]) as Quad;
}

/** A rectangle for a new label plane: a third of the picture, centred. */
export function defaultQuad(width: number, height: number): Quad {
  const w = Math.round(width / 3);
  const h = Math.round(height / 3);
  const x = Math.round((width - w) / 2);
  const y = Math.round((height - h) / 2);
  return [
    [x, y],
    [x + w, y],
    [x + w, y + h],
    [x, y + h],
  ];
}

/** The quad with one coordinate replaced (the keyboard route: number inputs per corner). */
export function setCoordinate(q: Quad, corner: number, axis: 0 | 1, value: number): Quad {
  const next = q.map((c) => [c[0], c[1]]) as Quad;
  next[corner][axis] = value;
  return next;
}

/** SVG `points` attribute for a quad. */
export function quadPoints(q: Quad): string {
  return q.map(([x, y]) => `${x},${y}`).join(' ');
}

export type ConfidenceLevel = 'high' | 'mid' | 'low';

/** Colour band for a tracked quad's confidence (0…1). */
export function confidenceLevel(confidence: number): ConfidenceLevel {
  if (confidence >= 0.7) return 'high';
  if (confidence >= 0.4) return 'mid';
  return 'low';
}
