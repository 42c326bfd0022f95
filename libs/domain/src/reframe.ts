/**
 * Reframes that follow the subject: the largest window of the asked aspect
 * inside the master's frame, slid each frame to keep the subject's centroid
 * (from the matte) centred, smoothed so it glides instead of jittering, and
 * never leaving the frame.
 */
export interface ReframeWindow {
  width: number;
  height: number;
  /** Top-left corner per master frame, in master pixels (even, so 4:2:0 chroma lines up). */
  x: number[];
  y: number[];
}

/** "9:16" → 0.5625; null for anything else. */
export function parseAspect(ratio: string | null | undefined): number | null {
  const m = /^(\d{1,2}):(\d{1,2})$/.exec(ratio ?? '');
  if (!m || !Number(m[1]) || !Number(m[2])) return null;
  return Number(m[1]) / Number(m[2]);
}

/** The window keeps the master's aspect within this share: no reframe is needed then. */
export const SAME_ASPECT_TOLERANCE = 0.01;

// Not layout's even, which never goes below 2: a window's position may be 0.
const even = (v: number) => 2 * Math.round(v / 2);

export function windowSize(frame: { width: number; height: number }, aspect: number): { width: number; height: number } {
  const own = frame.width / frame.height;
  if (aspect < own) return { width: Math.max(2, Math.min(frame.width, even(frame.height * aspect))), height: frame.height - (frame.height % 2) };
  return { width: frame.width - (frame.width % 2), height: Math.max(2, Math.min(frame.height, even(frame.width / aspect))) };
}

/**
 * `centroids` per frame in master pixels, null where the matte is empty (the
 * subject left the frame): those frames hold the neighbouring positions.
 * `smoothingFrames` is the Gaussian's sigma in frames (about half a second).
 */
export function followSubject(
  frame: { width: number; height: number },
  aspect: number,
  centroids: Array<[number, number] | null>,
  smoothingFrames: number,
): ReframeWindow | null {
  if (Math.abs(aspect / (frame.width / frame.height) - 1) < SAME_ASPECT_TOLERANCE) return null;
  const size = windowSize(frame, aspect);
  const n = centroids.length;
  const filled = fillGaps(centroids, [frame.width / 2, frame.height / 2]);
  const cx = gaussianSmooth(filled.map((c) => c[0]), smoothingFrames);
  const cy = gaussianSmooth(filled.map((c) => c[1]), smoothingFrames);
  const clampTo = (v: number, max: number) => Math.min(Math.max(0, v), max);
  const x = Array.from({ length: n }, (_, i) => clampTo(even(cx[i] - size.width / 2), frame.width - size.width - ((frame.width - size.width) % 2)));
  const y = Array.from({ length: n }, (_, i) => clampTo(even(cy[i] - size.height / 2), frame.height - size.height - ((frame.height - size.height) % 2)));
  return { ...size, x, y };
}

function fillGaps(values: Array<[number, number] | null>, fallback: [number, number]): Array<[number, number]> {
  const firstKnown = values.find((v) => v) ?? fallback;
  let last: [number, number] = firstKnown;
  return values.map((v) => (v ? (last = v) : last));
}

/** A Gaussian blur of a series with its ends held (no pull toward zero at the shot's start and end). */
export function gaussianSmooth(values: number[], sigma: number): number[] {
  if (sigma <= 0 || values.length < 2) return values.slice();
  const r = Math.ceil(3 * sigma);
  const kernel = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  return values.map((_, i) => {
    let s = 0;
    let w = 0;
    for (let k = -r; k <= r; k++) {
      const j = Math.min(values.length - 1, Math.max(0, i + k));
      s += values[j] * kernel[k + r];
      w += kernel[k + r];
    }
    return s / w;
  });
}
