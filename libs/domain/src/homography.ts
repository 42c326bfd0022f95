/**
 * 3×3 homographies, row-major, acting on [x, y, 1]. Coordinates follow the
 * contracts: master pixels measured from the frame's top-left corner, so the
 * centre of pixel (i, j) is (i + ½, j + ½).
 */
export type Mat3 = number[];

export const IDENTITY: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];

export function mul3(a: Mat3, b: Mat3): Mat3 {
  const r = new Array<number>(9);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) r[i * 3 + j] = a[i * 3] * b[j] + a[i * 3 + 1] * b[3 + j] + a[i * 3 + 2] * b[6 + j];
  }
  return r;
}

export function inv3(m: Mat3): Mat3 | null {
  const [a, b, c, d, e, f, g, h, i] = m;
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) return null;
  return [A, -(b * i - c * h), b * f - c * e, B, a * i - c * g, -(a * f - c * d), C, -(a * h - b * g), a * e - b * d].map((v) => v / det);
}

export function applyH(h: Mat3, x: number, y: number): [number, number] {
  const w = h[6] * x + h[7] * y + h[8];
  return [(h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w];
}

/** Scales so h[8] = 1, the form homographies are stored and compared in. */
export function normalise3(h: Mat3): Mat3 {
  return Math.abs(h[8]) > 1e-12 ? h.map((v) => v / h[8]) : h;
}

export const translate3 = (x: number, y: number): Mat3 => [1, 0, x, 0, 1, y, 0, 0, 1];
export const scale3 = (sx: number, sy: number): Mat3 => [sx, 0, 0, 0, sy, 0, 0, 0, 1];

type P = [number, number];

/** A frame's corners, TL, TR, BR, BL: the points motion is judged and interpolated by. */
export function frameCorners(frame: { width: number; height: number }): [P, P, P, P] {
  const { width: w, height: h } = frame;
  return [
    [0, 0],
    [w, 0],
    [w, h],
    [0, h],
  ];
}

/**
 * The homography taking four points to four others (no three collinear):
 * the 8×8 linear system with h33 = 1, solved by Gaussian elimination with
 * partial pivoting. Null when the points are degenerate.
 */
export function homographyFromPoints(from: [P, P, P, P], to: [P, P, P, P]): Mat3 | null {
  const a: number[][] = [];
  for (let k = 0; k < 4; k++) {
    const [x, y] = from[k];
    const [u, v] = to[k];
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  for (let col = 0; col < 8; col++) {
    let pivot = col;
    for (let r = col + 1; r < 8; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    if (Math.abs(a[pivot][col]) < 1e-12) return null;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    for (let r = 0; r < 8; r++) {
      if (r === col) continue;
      const f = a[r][col] / a[col][col];
      for (let c = col; c < 9; c++) a[r][c] -= f * a[col][c];
    }
  }
  const h = a.map((row, i) => row[8] / row[i]);
  return [...h, 1];
}

/**
 * Motion adherence m: the plate's transform at one frame, between identity
 * (m = 0, a locked-off plate) and the master camera's homography (m = 1).
 * The four corners of the frame move m of the way from where they were to
 * where the camera took them; the transform through those corners is the
 * answer. Exact at both ends, and it keeps lines straight in between, which
 * interpolating the matrix's entries does not promise.
 */
export function scaleMotion(h: Mat3, m: number, frame: { width: number; height: number }): Mat3 {
  if (m <= 0) return IDENTITY;
  if (m >= 1) return normalise3(h);
  const corners = frameCorners(frame);
  const moved = corners.map(([x, y]) => {
    const [u, v] = applyH(h, x, y);
    return [x + m * (u - x), y + m * (v - y)] as P;
  }) as [P, P, P, P];
  return homographyFromPoints(corners, moved) ?? IDENTITY;
}

/** Largest distance any frame corner moves under `h`, in pixels; how far a transform is from identity. */
export function cornerDisplacement(h: Mat3, frame: { width: number; height: number }): number {
  let worst = 0;
  for (const [x, y] of frameCorners(frame)) {
    const [u, v] = applyH(h, x, y);
    worst = Math.max(worst, Math.hypot(u - x, v - y));
  }
  return worst;
}
