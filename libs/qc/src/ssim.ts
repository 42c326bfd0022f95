import type { Cv } from '@shotmatrix/vision';

type CvMat = InstanceType<Cv['Mat']>;

/** Mean SSIM where the weight is, and how much of the weight a person would see as changed. */
export interface SsimResult {
  mean: number;
  /** Share of the weight that lies where SSIM < 0.9: where a person would see a change. */
  changed: number;
}

const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;

/**
 * Structural similarity (Wang et al. 2004: 11×11 Gaussian window, σ 1.5) of
 * two grey frames, averaged under a weight such as the subject's matte. All of
 * it is opencv arithmetic on whole images, no per-pixel JavaScript.
 */
export function weightedSsim(cv: Cv, a: Uint8Array, b: Uint8Array, weight: Uint8Array | null, width: number, height: number): SsimResult {
  const n = width * height;
  if (a.length !== n || b.length !== n || (weight && weight.length !== n)) throw new Error(`ssim: frames must be ${width}×${height} grey`);
  const mats = [a, b, ...(weight ? [weight] : [])].map((bytes) => {
    const m = new cv.Mat(height, width, cv.CV_8UC1);
    m.data.set(bytes);
    return m;
  });
  try {
    return weightedSsimOfMats(cv, mats[0], mats[1], mats[2] ?? null);
  } finally {
    for (const m of mats) m.delete();
  }
}

/**
 * weightedSsim of frames already in opencv (CV_8UC1, one size): QC keeps
 * each frame there for its heatmap too, so it is copied in once.
 */
export function weightedSsimOfMats(cv: Cv, a8: CvMat, b8: CvMat, weight8: CvMat | null): SsimResult {
  const own: CvMat[] = [];
  const mat = () => {
    const m = new cv.Mat();
    own.push(m);
    return m;
  };
  const float = (m8: CvMat, scale = 1) => {
    const f = mat();
    m8.convertTo(f, cv.CV_32F, scale);
    return f;
  };
  try {
    const x = float(a8);
    const y = float(b8);
    const ksize = new cv.Size(11, 11);
    const blur = (src: CvMat) => {
      const d = mat();
      cv.GaussianBlur(src, d, ksize, 1.5, 1.5, cv.BORDER_REFLECT);
      return d;
    };
    const prod = (p: CvMat, q: CvMat) => {
      const d = mat();
      cv.multiply(p, q, d);
      return d;
    };
    const mx = blur(x);
    const my = blur(y);
    const mx2 = prod(mx, mx);
    const my2 = prod(my, my);
    const mxy = prod(mx, my);
    const sx2 = mat();
    cv.subtract(blur(prod(x, x)), mx2, sx2);
    const sy2 = mat();
    cv.subtract(blur(prod(y, y)), my2, sy2);
    const sxy = mat();
    cv.subtract(blur(prod(x, y)), mxy, sxy);
    // ((2 μx μy + C1)(2 σxy + C2)) / ((μx² + μy² + C1)(σx² + σy² + C2))
    const num1 = mat();
    mxy.convertTo(num1, cv.CV_32F, 2, C1);
    const num2 = mat();
    sxy.convertTo(num2, cv.CV_32F, 2, C2);
    const den1 = mat();
    cv.add(mx2, my2, den1);
    den1.convertTo(den1, cv.CV_32F, 1, C1);
    const den2 = mat();
    cv.add(sx2, sy2, den2);
    den2.convertTo(den2, cv.CV_32F, 1, C2);
    const map = mat();
    cv.divide(prod(num1, num2), prod(den1, den2), map);
    const low = mat();
    cv.threshold(map, low, 0.9, 1, cv.THRESH_BINARY_INV);
    if (!weight8) return { mean: cv.mean(map)[0], changed: cv.mean(low)[0] };
    const w = float(weight8, 1 / 255);
    // opencv.js has no sumElems; mean × area is the sum.
    const area = a8.rows * a8.cols;
    const sum = (m: CvMat) => cv.mean(m)[0] * area;
    const total = sum(w);
    if (total < 1) return { mean: 1, changed: 0 };
    return { mean: sum(prod(map, w)) / total, changed: sum(prod(low, w)) / total };
  } finally {
    for (const m of own) m.delete();
  }
}
