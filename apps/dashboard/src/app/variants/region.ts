/** A reviewer's rectangle on the picture, normalised to 0..1 of its width and height. Pure, so it is table-tested. */

export interface Region {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface NormPoint {
  x: number;
  y: number;
}

/** The part of the screen the picture fills (a DOMRect will do). */
export interface PictureBox {
  left: number;
  top: number;
  width: number;
  height: number;
}

const clamp01 = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0);
// Four decimals: a tenth of a pixel on a 4K frame, and short in the API's JSON.
const round4 = (v: number) => Math.round(v * 10_000) / 10_000;

/** A pointer position as a point on the picture (0..1 each way; outside the picture sticks to its edge). */
export function pointOnPicture(clientX: number, clientY: number, box: PictureBox): NormPoint {
  return {
    x: clamp01(box.width > 0 ? (clientX - box.left) / box.width : 0),
    y: clamp01(box.height > 0 ? (clientY - box.top) / box.height : 0),
  };
}

/**
 * The rectangle a drag from `a` to `b` spans, whichever way it went, inside
 * the picture. A drag smaller than `minSize` (of the picture) either way is a
 * click, not a region: null.
 */
export function regionFromDrag(a: NormPoint, b: NormPoint, minSize = 0.01): Region | null {
  const x0 = round4(clamp01(Math.min(a.x, b.x)));
  const x1 = round4(clamp01(Math.max(a.x, b.x)));
  const y0 = round4(clamp01(Math.min(a.y, b.y)));
  const y1 = round4(clamp01(Math.max(a.y, b.y)));
  if (x1 - x0 < minSize || y1 - y0 < minSize) return null;
  return { x: x0, y: y0, w: round4(x1 - x0), h: round4(y1 - y0) };
}

/** CSS placement of a region over the picture, in percent. */
export function regionStyle(r: Region): { left: string; top: string; width: string; height: string } {
  const pct = (v: number) => `${round4(v * 100)}%`;
  return { left: pct(r.x), top: pct(r.y), width: pct(r.w), height: pct(r.h) };
}

/** "region at 12%, 30% · 20% × 15%": how a region reads beside a comment. */
export function describeRegion(r: Region): string {
  const p = (v: number) => `${Math.round(v * 100)}%`;
  return `region at ${p(r.x)}, ${p(r.y)} · ${p(r.w)} × ${p(r.h)}`;
}
