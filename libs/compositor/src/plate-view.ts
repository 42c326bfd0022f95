import { applyH, frameCorners, inv3, type Mat3 } from '@shotmatrix/domain';

export interface Size {
  width: number;
  height: number;
}
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Which part of the plate the render uses, and where it sits in the master's
 * first frame. The plate is fitted to cover the frame (centred), zoomed in
 * further only when the camera's motion would otherwise show past its edges.
 */
export interface PlateView {
  /** Integer crop of the plate, in plate pixels. */
  crop: Rect;
  /** Where that crop lies in frame-0 coordinates (master pixels from the top-left corner). */
  rect: Rect;
  /** Extra magnification over the plain cover fit that the motion needed (1 = none). */
  zoom: number;
}

/**
 * Plans the plate's crop so that every frame's view, pulled back through that
 * frame's plate transform, lands on plate pixels: at frame t the viewer sees
 * the frame-0 region motion[t]⁻¹(frame), so the crop must hold the union of
 * those regions.
 */
export function planPlateView(plate: Size, frame: Size, motion: Mat3[]): PlateView {
  const { width: W, height: H } = frame;
  let [x0, y0, x1, y1] = [0, 0, W, H];
  for (const h of motion) {
    const back = inv3(h);
    if (!back) continue;
    for (const [x, y] of frameCorners(frame)) {
      const [u, v] = applyH(back, x, y);
      if (!Number.isFinite(u) || !Number.isFinite(v)) continue;
      x0 = Math.min(x0, u);
      y0 = Math.min(y0, v);
      x1 = Math.max(x1, u);
      y1 = Math.max(y1, v);
    }
  }
  const cover = Math.max(W / plate.width, H / plate.height);
  // The plate, centred on the frame at scale cover·zoom, must reach every side of the needed region.
  const halfW = (plate.width * cover) / 2;
  const halfH = (plate.height * cover) / 2;
  const zoom = Math.max(1, (W / 2 - x0) / halfW, (x1 - W / 2) / halfW, (H / 2 - y0) / halfH, (y1 - H / 2) / halfH);
  const k = cover * zoom;
  const toPlateX = (x: number) => (x - W / 2) / k + plate.width / 2;
  const toPlateY = (y: number) => (y - H / 2) / k + plate.height / 2;
  // Outward to whole plate pixels, with a hair of tolerance for round-off at the plate's own edge.
  const cx0 = clamp(Math.floor(toPlateX(x0) + 1e-6), 0, plate.width - 1);
  const cy0 = clamp(Math.floor(toPlateY(y0) + 1e-6), 0, plate.height - 1);
  const cx1 = clamp(Math.ceil(toPlateX(x1) - 1e-6), cx0 + 1, plate.width);
  const cy1 = clamp(Math.ceil(toPlateY(y1) - 1e-6), cy0 + 1, plate.height);
  const crop = { x: cx0, y: cy0, width: cx1 - cx0, height: cy1 - cy0 };
  const rect = {
    x: (cx0 - plate.width / 2) * k + W / 2,
    y: (cy0 - plate.height / 2) * k + H / 2,
    width: crop.width * k,
    height: crop.height * k,
  };
  return { crop, rect, zoom };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** The four points ffmpeg's `perspective` filter (sense=destination) takes: where the input's corners land in the output. */
export type PerspectiveCorners = [[number, number], [number, number], [number, number], [number, number]];

/**
 * Output corners for one frame. The plate view is fed to `perspective` at the
 * frame's size, so its input pixel i covers frame-0 point rect.origin + i·rect/size.
 * `perspective` counts pixel centres on integers (identity is corners at 0 and
 * W, measured here), while our homographies put them on halves; the
 * half-pixel shifts on both sides convert.
 */
export function perspectiveCorners(view: PlateView, frame: Size, motion: Mat3): PerspectiveCorners {
  const { width: W, height: H } = frame;
  const sx = view.rect.width / W;
  const sy = view.rect.height / H;
  const corner = (ix: number, iy: number): [number, number] => {
    // input index → input edge coords → frame 0 → frame t → output index
    const fx = view.rect.x + (ix + 0.5) * sx;
    const fy = view.rect.y + (iy + 0.5) * sy;
    const [u, v] = applyH(motion, fx, fy);
    return [u - 0.5, v - 0.5];
  };
  return [corner(0, 0), corner(W, 0), corner(0, H), corner(W, H)];
}
