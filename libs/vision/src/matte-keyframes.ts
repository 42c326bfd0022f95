/**
 * Where IS-Net runs. It costs seconds a frame on a CPU, optical flow tens of
 * milliseconds, so the matte is computed on keyframes and carried by flow in
 * between. How far apart keyframes can be depends on how much moves: a locked-off
 * interview needs few, a hand moving products needs many.
 *
 * Motion is per frame: `motion[t]` is how much frame t moved relative to frame
 * t − 1 (`motion[0]` is ignored), in pixels of the analysis frame (see
 * `frameMotion` in matte-propagation.ts).
 */

export interface MatteKeyframeOptions {
  /** A fixed distance between keyframes, or `auto` to derive it from the motion. */
  stride: number | 'auto';
  /** Bounds for `auto`: keyframes are never closer than minStride nor further than maxStride apart. */
  minStride?: number;
  maxStride?: number;
  /** For `auto`: how much motion (summed over the frames of a segment) one segment may hold. */
  motionBudget?: number;
}

export interface MatteKeyframePlan {
  /** The fixed stride, or for `auto` the mean distance between the chosen keyframes (rounded). */
  stride: number;
  /** Ascending frame indices; always holds the first and the last frame. */
  keyframes: number[];
}

export const KEYFRAME_DEFAULTS = { minStride: 2, maxStride: 16, motionBudget: 100 } as const;

interface Rule {
  min: number;
  max: number;
  budget: number;
}

function resolveRule(o: MatteKeyframeOptions): Rule {
  if (o.stride !== 'auto') {
    if (!Number.isInteger(o.stride) || o.stride < 1) throw new RangeError(`stride must be a whole number ≥ 1 or 'auto', got ${o.stride}`);
    return { min: o.stride, max: o.stride, budget: Infinity };
  }
  const min = o.minStride ?? KEYFRAME_DEFAULTS.minStride;
  const max = o.maxStride ?? KEYFRAME_DEFAULTS.maxStride;
  const budget = o.motionBudget ?? KEYFRAME_DEFAULTS.motionBudget;
  if (!Number.isInteger(min) || min < 1) throw new RangeError(`minStride must be a whole number ≥ 1, got ${min}`);
  if (!Number.isInteger(max) || max < min) throw new RangeError(`maxStride must be a whole number ≥ minStride (${min}), got ${max}`);
  if (!(budget > 0)) throw new RangeError(`motionBudget must be positive, got ${budget}`);
  return { min, max, budget };
}

/**
 * The keyframe rule in online form, for a pass that reads frames once: feed it
 * each new frame's motion (frames 1, 2, …); it answers whether the frame before
 * that one closes the current segment. A segment is closed before its summed
 * motion would pass the budget, but never shorter than minStride and never
 * longer than maxStride.
 */
export interface KeyframeCursor {
  /** Motion of frame t + 1 relative to frame t; true when frame t becomes a keyframe. */
  next(motion: number): boolean;
}

export function createKeyframeCursor(o: MatteKeyframeOptions): KeyframeCursor {
  const rule = resolveRule(o);
  let start = 0;
  let t = 0;
  let sum = 0;
  return {
    next(motion) {
      if (!(motion >= 0) || !Number.isFinite(motion)) throw new RangeError(`motion must be a finite number ≥ 0, got ${motion}`);
      const gap = t - start;
      const close = gap > 0 && (gap >= rule.max || (gap >= rule.min && sum + motion > rule.budget));
      if (close) {
        start = t;
        sum = 0;
      }
      sum += motion;
      t += 1;
      return close;
    },
  };
}

/** The whole-clip form: keyframes for a clip whose per-frame motion is known. Always frame 0 and the last frame. */
export function planMatteKeyframes(motion: number[], o: MatteKeyframeOptions): MatteKeyframePlan {
  const rule = resolveRule(o);
  const n = motion.length;
  if (n === 0) return { stride: o.stride === 'auto' ? rule.max : rule.min, keyframes: [] };
  const cursor = createKeyframeCursor(o);
  const keyframes = [0];
  for (let t = 1; t < n; t++) if (cursor.next(motion[t])) keyframes.push(t - 1);
  if (keyframes.at(-1) !== n - 1) keyframes.push(n - 1);
  const stride = o.stride !== 'auto' ? o.stride : keyframes.length > 1 ? Math.max(1, Math.round((n - 1) / (keyframes.length - 1))) : rule.max;
  return { stride, keyframes };
}
