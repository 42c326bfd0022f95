import type { LabStats } from '@shotmatrix/contracts';

/** Per-plane affine maps for `lutyuv`: out = a·(in − centre) + centre + b, in 8-bit studio range. */
export interface YuvAffine {
  y: { a: number; b: number };
  u: { a: number; b: number };
  v: { a: number; b: number };
}

/** How much of a full colour transfer the subject takes at s = 0; a full transfer repaints a product in the plate's colours. */
export const DEFAULT_HARMONISE = 0.5;

/**
 * Structure adherence s: the subject is moved toward the plate's colour
 * statistics by k = (1 − s) · strength, Reinhard-style: luma mean and contrast
 * follow the plate's, chroma means shift toward it. At s = 1 nothing is
 * applied and the subject's pixels are the master's. Gains are bounded so a
 * dark night plate dims a subject without crushing it.
 */
export function harmoniseSubject(subject: LabStats, plate: LabStats, s: number, strength = DEFAULT_HARMONISE): YuvAffine | null {
  const k = clamp((1 - s) * strength, 0, 1);
  if (k < 1e-3) return null;
  const f = labToYuv(subject.mean);
  const p = labToYuv(plate.mean);
  // Luma spread scales like L*'s (studio-range Y′ ≈ 16 + 2.19·L* across the mid-tones).
  const ratio = subject.std[0] > 0.5 ? clamp(plate.std[0] / subject.std[0], 0.5, 2) : 1;
  const a = 1 + k * (ratio - 1);
  return {
    // Pivot on the subject's own mean, then move that mean toward the plate's.
    y: { a, b: (1 - a) * (f[0] - 128) + k * (p[0] - f[0]) },
    u: { a: 1, b: k * (p[1] - f[1]) },
    v: { a: 1, b: k * (p[2] - f[2]) },
  };
}

/** `lutyuv` filter text for the map (commas escaped for a filtergraph). */
export function lutyuvFilter(m: YuvAffine): string {
  const plane = (p: { a: number; b: number }) => `clip(${n(p.a)}*(val-128)+128+${n(p.b)}\\,minval\\,maxval)`;
  return `lutyuv=y=${plane(m.y)}:u=${plane(m.u)}:v=${plane(m.v)}`;
}

const n = (v: number) => (Math.round(v * 1e4) / 1e4).toString();
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** A CIE L*a*b* colour (D65) as 8-bit studio-range BT.709 Y′CbCr. */
export function labToYuv([L, a, b]: [number, number, number]): [number, number, number] {
  const fy = (L + 16) / 116;
  const fx = fy + a / 500;
  const fz = fy - b / 200;
  const inv = (t: number) => (t > 6 / 29 ? t ** 3 : 3 * (6 / 29) ** 2 * (t - 4 / 29));
  const X = 0.95047 * inv(fx);
  const Y = inv(fy);
  const Z = 1.08883 * inv(fz);
  const lin = [3.2406 * X - 1.5372 * Y - 0.4986 * Z, -0.9689 * X + 1.8758 * Y + 0.0415 * Z, 0.0557 * X - 0.204 * Y + 1.057 * Z];
  const [r, g, bl] = lin.map((c) => {
    const v = clamp(c, 0, 1);
    return v <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055;
  });
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  return [16 + 219 * y, 128 + 224 * ((bl - y) / 1.8556), 128 + 224 * ((r - y) / 1.5748)];
}

/** The middle of a shot's per-frame statistics, so one correction serves every frame and nothing flickers. */
export function medianStats(frames: Array<LabStats | null>): LabStats | null {
  const have = frames.filter((f): f is LabStats => !!f);
  if (!have.length) return null;
  const med = (pick: (s: LabStats) => number) => {
    const v = have.map(pick).sort((x, y) => x - y);
    return v[Math.floor(v.length / 2)];
  };
  return {
    mean: [med((s) => s.mean[0]), med((s) => s.mean[1]), med((s) => s.mean[2])],
    std: [med((s) => s.std[0]), med((s) => s.std[1]), med((s) => s.std[2])],
  };
}
