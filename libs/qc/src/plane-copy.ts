import type { Quad } from '@shotmatrix/contracts';

/** A reframe window per master frame (domain's ReframeWindow, as far as QC needs it). */
export interface WindowPath {
  width: number;
  height: number;
  x: number[];
  y: number[];
}

/**
 * Where to read a label on a tracked plane back from the delivered file: the
 * tracked frame nearest `preferred` (the middle of the shot); in a reframed
 * cell, the nearest one whose quad lies whole inside that frame's window,
 * with the quad moved into the window's pixels (the output frame's). When no
 * frame shows the plane whole in the window, says so instead.
 */
export function planeCopyFrame(
  quads: Array<Quad | null>,
  reframe: WindowPath | null,
  preferred: number,
): { frame: number; quad: Quad } | { unreadable: string } | null {
  const inside = (q: Quad, n: number) =>
    !reframe || q.every(([x, y]) => x >= reframe.x[n] && x <= reframe.x[n] + reframe.width && y >= reframe.y[n] && y <= reframe.y[n] + reframe.height);
  const seen = quads.flatMap((q, n) => (q && inside(q, n) ? [n] : []));
  if (!seen.length) return reframe && quads.some((q) => q) ? { unreadable: "the label's plane is never whole inside the reframed window" } : null;
  const at = seen.reduce((best, n) => (Math.abs(n - preferred) < Math.abs(best - preferred) ? n : best), seen[0]);
  const q = quads[at]!;
  return { frame: at, quad: reframe ? (q.map(([x, y]) => [x - reframe.x[at], y - reframe.y[at]]) as Quad) : q };
}
