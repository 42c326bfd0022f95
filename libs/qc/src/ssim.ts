import type { Cv } from '@shotmatrix/vision';

type CvMat = InstanceType<Cv['Mat']>;

/** Mean SSIM where the weight is non-zero, and the SSIM map itself (float, 0…1 where the frames agree). */
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
 * it is opencv arithmetic on whole images, no per-pixel JavaScript. `mapOut`,
 * when given, receives the SSIM map (CV_32F) for heatmaps.
 */
export function weightedSsim(cv: Cv, a: Uint8Array, b: Uint8Array, weight: Uint8Array | null, width: number, height: number, mapOut?: CvMat): SsimResult {
  const n = width * height;
  if (a.length !== n || b.length !== n || (weight && weight.length !== n)) throw new Error(`ssim: frames must be ${width}×${height} grey`);
  const own: CvMat[] = [];
  const mat = () => {
    const m = new cv.Mat();
    own.push(m);
    return m;
  };
  const from = (bytes: Uint8Array) => {
    const m8 = new cv.Mat(height, width, cv.CV_8UC1);
    own.push(m8);
    m8.data.set(bytes);
    const f = mat();
    m8.convertTo(f, cv.CV_32F);
    return f;
  };
  try {
    const x = from(a.slice());
    const y = from(b.slice());
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
    const num = prod(num1, num2);
    const den = prod(den1, den2);
    const map = mapOut ?? mat();
    cv.divide(num, den, map);
    if (!weight) {
      const low = mat();
      cv.threshold(map, low, 0.9, 1, cv.THRESH_BINARY_INV);
      return { mean: cv.mean(map)[0], changed: cv.mean(low)[0] };
    }
    const w8 = new cv.Mat(height, width, cv.CV_8UC1);
    own.push(w8);
    w8.data.set(weight.slice());
    const w = mat();
    w8.convertTo(w, cv.CV_32F, 1 / 255);
    // opencv.js has no sumElems; mean × area is the sum.
    const sum = (m: CvMat) => cv.mean(m)[0] * n;
    const total = sum(w);
    if (total < 1) return { mean: 1, changed: 0 };
    const weighted = prod(map, w);
    const low = mat();
    cv.threshold(map, low, 0.9, 1, cv.THRESH_BINARY_INV);
    const lowW = prod(low, w);
    return { mean: sum(weighted) / total, changed: sum(lowW) / total };
  } finally {
    for (const m of own) m.delete();
  }
}
