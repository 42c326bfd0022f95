import type { ColourStatsFrame, LabStats } from '@shotmatrix/contracts';
import type { Cv } from './opencv';

type CvMat = InstanceType<Cv['Mat']>;

/** Matte values at or above this count as the subject. */
const FOREGROUND = 128;

/**
 * CIE L*a*b* mean and spread of a frame, of its subject (matte ≥ 128) and of
 * the rest. The frame is converted from float RGB in 0…1 (sRGB, D65), where
 * opencv gives true L*a*b* (L 0…100, a and b signed) rather than the 8-bit
 * encoding that offsets and rescales them. Without a matte, subject and
 * background are unknown (null); a part with no pixels is null too.
 */
export function colourStats(cv: Cv, rgb: Uint8Array, width: number, height: number, matte?: Uint8Array): ColourStatsFrame {
  if (rgb.length !== width * height * 3) throw new Error(`colour stats: RGB frame has ${rgb.length} bytes, expected ${width}×${height}×3`);
  if (matte && matte.length !== width * height) throw new Error(`colour stats: matte has ${matte.length} bytes, expected ${width}×${height}`);
  // Copied before any allocation: the caller's arrays may be views into opencv's heap, which allocating can move.
  const rgbBytes = rgb.slice();
  const matteBytes = matte?.slice();
  const src = new cv.Mat(height, width, cv.CV_8UC3);
  const float = new cv.Mat();
  const lab = new cv.Mat();
  const mask = new cv.Mat();
  try {
    src.data.set(rgbBytes);
    src.convertTo(float, cv.CV_32FC3, 1 / 255);
    cv.cvtColor(float, lab, cv.COLOR_RGB2Lab);
    const all = stats(cv, lab, null)!;
    if (!matteBytes) return { all, foreground: null, background: null };
    const m = new cv.Mat(height, width, cv.CV_8UC1);
    try {
      m.data.set(matteBytes);
      cv.threshold(m, mask, FOREGROUND - 1, 255, cv.THRESH_BINARY);
    } finally {
      m.delete();
    }
    const foreground = stats(cv, lab, mask);
    cv.bitwise_not(mask, mask);
    const background = stats(cv, lab, mask);
    return { all, foreground, background };
  } finally {
    src.delete();
    float.delete();
    lab.delete();
    mask.delete();
  }
}

function stats(cv: Cv, lab: CvMat, mask: CvMat | null): LabStats | null {
  if (mask && cv.countNonZero(mask) === 0) return null;
  const mean = new cv.Mat();
  const std = new cv.Mat();
  const none = mask ? null : new cv.Mat();
  try {
    cv.meanStdDev(lab, mean, std, mask ?? none!);
    const m = mean.data64F;
    const s = std.data64F;
    return { mean: [m[0], m[1], m[2]], std: [s[0], s[1], s[2]] };
  } finally {
    mean.delete();
    std.delete();
    none?.delete();
  }
}
