import { applyH, homographyFromPoints } from '@shotmatrix/domain';
import type { Quad } from '@shotmatrix/contracts';
import type { PerspectiveCorners, Rect } from './plate-view';

/** Transparent border, in label pixels, so `perspective`'s edge clamping samples nothing but transparency outside the quad. */
export const LABEL_PAD = 4;

/**
 * A label warped onto a tracked plane: where the tracker lost the plane
 * (null quads) the label is hidden rather than guessed.
 */
export interface PlaneLabel {
  /** The rendered label, PNG with alpha. */
  path: string;
  size: { width: number; height: number };
  /** Per master frame, in master pixels (corners TL, TR, BR, BL). */
  quads: Array<Quad | null>;
  /** 0…1: how much of the master's light and shade across the plane the label takes (structure adherence). */
  shading: number;
  /** The master's mean luma (0–255) over the plane where it was seeded: that brightness leaves the label as designed. */
  referenceLuma: number;
  /** Hides the label where something passes in front of the plane (null: the label is always on top). */
  occlusion?: PlaneOcclusion | null;
  /**
   * The occlusion key made ahead from `occlusion` (buildOcclusionKeyArgs: grey,
   * canvas-sized, white = in front); when set it is read instead of worked out per frame.
   */
  occlusionKeyPath?: string | null;
}

/**
 * What passes in front of the plane, found per frame inside its canvas: the
 * matte (subject in front) gated by how the plane looked where it was seeded
 * (vision's planeReference: colour = the plane's, alpha =
 * whether the plane itself was subject). Where the plane was background, the
 * matte alone says something is in front; where it was subject (a bottle),
 * only matte pixels that no longer look like the plane (a hand) hide the label.
 */
export interface PlaneOcclusion {
  /** The rectified plane at its seed, a PNG (see above). */
  referencePath: string;
  /**
   * The size the reference was rectified at. The plane's own (planeRasterSizes) keeps the reference, and the
   * occlusion key made from it, the same whatever label goes on the plane.
   */
  referenceSize: { width: number; height: number };
  /** The master's matte (grey video, white = subject). */
  mattePath: string;
  /** Difference (0–255) in any of R, G, B above which a pixel no longer looks like the plane. */
  threshold: number;
}

/** Default colour difference for "no longer the plane": above x264 noise and small track errors on textured labels. */
export const OCCLUSION_THRESHOLD = 40;

/**
 * What to rasterise for a plane seeded with `quad`: the label's width, a
 * little larger than the plane appears (so the warp samples down rather than
 * up; 64–2048 px), the plane's aspect (width / height, which picks the
 * label's layout), and the size to rectify its occlusion reference at: that
 * width at the plane's own shape, so every label on the plane shares one
 * reference and one occlusion key.
 */
export function planeRasterSizes(quad: Quad): { labelWidth: number; aspect: number; reference: { width: number; height: number } } {
  const [top, right, bottom, left] = quad.map(([x, y], i) => Math.hypot(quad[(i + 1) % 4][0] - x, quad[(i + 1) % 4][1] - y));
  const labelWidth = Math.min(2048, Math.max(64, Math.round(Math.max(top, right, bottom, left) * 1.5)));
  const aspect = (top + bottom) / Math.max(1e-6, right + left);
  return { labelWidth, aspect, reference: { width: labelWidth, height: Math.min(2048, Math.max(16, Math.round(labelWidth / Math.max(1e-6, aspect)))) } };
}

/** The one fixed canvas every frame's warped label fits in: the quads' union box, even-aligned, inside the frame. */
export function planeCanvas(quads: Array<Quad | null>, frame: { width: number; height: number }): Rect | null {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const q of quads) {
    if (!q) continue;
    for (const [x, y] of q) {
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  }
  if (!Number.isFinite(x0)) return null;
  const left = Math.max(0, 2 * Math.floor((x0 - 2) / 2));
  const top = Math.max(0, 2 * Math.floor((y0 - 2) / 2));
  const right = Math.min(frame.width - (frame.width % 2), 2 * Math.ceil((x1 + 2) / 2));
  const bottom = Math.min(frame.height - (frame.height % 2), 2 * Math.ceil((y1 + 2) / 2));
  if (right - left < 2 || bottom - top < 2) return null;
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/**
 * The label's moving canvas: one size that holds any single frame's quad (as
 * far as it is on screen), placed per frame (even pixels, inside the frame)
 * around that frame's quad.
 * The label's warp, shading, occlusion key and overlay all work on it; on a
 * moving shot it is a few times smaller than the union of the quads
 * (planeCanvas), and their cost goes with its area. Lost frames take the
 * nearest tracked quad's place (they are hidden anyway).
 */
export interface PlaneWindow {
  width: number;
  height: number;
  /** Per master frame, the window's top-left corner in master pixels. */
  x: number[];
  y: number[];
}

export function planeWindow(quads: Array<Quad | null>, frame: { width: number; height: number }): PlaneWindow | null {
  if (!quads.some((q) => q)) return null;
  const fw = frame.width - (frame.width % 2);
  const fh = frame.height - (frame.height % 2);
  // Each frame's quad as far as it is on screen: what lies outside the frame is never drawn.
  const clip = (v: number, limit: number) => Math.min(Math.max(v, 0), limit);
  const boxes = fillLostQuads(quads).map((q) => ({
    x0: clip(Math.min(...q.map((p) => p[0])), fw),
    y0: clip(Math.min(...q.map((p) => p[1])), fh),
    x1: clip(Math.max(...q.map((p) => p[0])), fw),
    y1: clip(Math.max(...q.map((p) => p[1])), fh),
  }));
  // 2 px of room each side (the warp's soft edge): each frame's window starts on the even pixel at least 2 px
  // left of (above) its quad, and is as wide (tall) as the frame that needs most room from there; never past
  // the frame, and pulled back inside it where it would run over.
  const start = (v: number) => Math.max(0, 2 * Math.floor((v - 2) / 2));
  const evenUp = (v: number) => 2 * Math.ceil(v / 2);
  const width = Math.min(fw, evenUp(Math.max(...boxes.map((b) => b.x1 + 2 - start(b.x0)))));
  const height = Math.min(fh, evenUp(Math.max(...boxes.map((b) => b.y1 + 2 - start(b.y0)))));
  if (width < 2 || height < 2) return null;
  return { width, height, x: boxes.map((b) => Math.min(start(b.x0), fw - width)), y: boxes.map((b) => Math.min(start(b.y0), fh - height)) };
}

/** Frame n's window as a rectangle. */
export const windowAt = (w: PlaneWindow, n: number): Rect => ({ x: w.x[n], y: w.y[n], width: w.width, height: w.height });

/**
 * `perspective` corners (sense=destination, pixel centres on integers) that
 * put the padded, canvas-sized label's inner rectangle on `quad`, in canvas
 * coordinates. The padding maps just outside the quad, so it stays clear.
 */
export function planeLabelCorners(label: { width: number; height: number }, canvas: Rect, quad: Quad): PerspectiveCorners {
  const sx = canvas.width / (label.width + 2 * LABEL_PAD);
  const sy = canvas.height / (label.height + 2 * LABEL_PAD);
  const inner: Quad = [
    [LABEL_PAD * sx, LABEL_PAD * sy],
    [(LABEL_PAD + label.width) * sx, LABEL_PAD * sy],
    [(LABEL_PAD + label.width) * sx, (LABEL_PAD + label.height) * sy],
    [LABEL_PAD * sx, (LABEL_PAD + label.height) * sy],
  ];
  const target = quad.map(([x, y]) => [x - canvas.x, y - canvas.y]) as Quad;
  const h = homographyFromPoints(inner, target);
  if (!h) throw new Error('label plane: a tracked quad is degenerate');
  const corner = (ix: number, iy: number): [number, number] => {
    const [u, v] = applyH(h, ix + 0.5, iy + 0.5);
    return [u - 0.5, v - 0.5];
  };
  return [corner(0, 0), corner(canvas.width, 0), corner(0, canvas.height), corner(canvas.width, canvas.height)];
}

/** `enable` expression for the frames that have a quad; null when every frame has one. */
export function trackedFramesExpr(quads: Array<Quad | null>): string | null {
  if (quads.every((q) => q)) return null;
  const spans: Array<[number, number]> = [];
  quads.forEach((q, i) => {
    if (!q) return;
    const last = spans.at(-1);
    if (last && last[1] === i - 1) last[1] = i;
    else spans.push([i, i]);
  });
  if (!spans.length) return '0';
  return spans.map(([a, b]) => `between(n\\,${a}\\,${b})`).join('+');
}

/** Lost frames borrow the nearest tracked quad, so the corner paths stay continuous (those frames are hidden anyway). */
export function fillLostQuads(quads: Array<Quad | null>): Quad[] {
  const known = quads.map((q, i) => (q ? i : -1)).filter((i) => i >= 0);
  if (!known.length) throw new Error('label plane: the plane was not tracked on any frame');
  return quads.map((q, i) => q ?? quads[known.reduce((best, k) => (Math.abs(k - i) < Math.abs(best - i) ? k : best), known[0])]!);
}
