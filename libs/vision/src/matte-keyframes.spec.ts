import fc from 'fast-check';
import { createKeyframeCursor, planMatteKeyframes, type MatteKeyframeOptions } from './matte-keyframes';

const still = (n: number) => Array.from({ length: n }, () => 0);
const steady = (n: number, m: number) => Array.from({ length: n }, (_, i) => (i === 0 ? 0 : m));

describe('planMatteKeyframes', () => {
  it.each<[string, number[], MatteKeyframeOptions, { stride: number; keyframes: number[] }]>([
    ['fixed stride: every k-th frame', still(10), { stride: 3 }, { stride: 3, keyframes: [0, 3, 6, 9] }],
    ['fixed stride: plus the last frame', still(11), { stride: 3 }, { stride: 3, keyframes: [0, 3, 6, 9, 10] }],
    ['fixed stride ignores motion', steady(7, 100), { stride: 4 }, { stride: 4, keyframes: [0, 4, 6] }],
    ['stride 1: every frame', still(4), { stride: 1 }, { stride: 1, keyframes: [0, 1, 2, 3] }],
    ['one frame', still(1), { stride: 5 }, { stride: 5, keyframes: [0] }],
    ['two frames', still(2), { stride: 'auto' }, { stride: 1, keyframes: [0, 1] }],
    ['no motion: maxStride apart', still(33), { stride: 'auto', maxStride: 16 }, { stride: 16, keyframes: [0, 16, 32] }],
    // 2 px a frame against a budget of 10: five frames' motion fits, the sixth would not.
    ['steady motion: budget / motion apart', steady(21, 2), { stride: 'auto', motionBudget: 10 }, { stride: 5, keyframes: [0, 5, 10, 15, 20] }],
    ['fast motion: never closer than minStride', steady(9, 50), { stride: 'auto', minStride: 2, motionBudget: 10 }, { stride: 2, keyframes: [0, 2, 4, 6, 8] }],
    [
      'a burst of motion gets keyframes of its own',
      [0, 0, 0, 0, 0, 0, 0, 0, 6, 6, 6, 6, 6, 6, 0, 0, 0, 0, 0, 0],
      { stride: 'auto', minStride: 2, maxStride: 8, motionBudget: 12 },
      { stride: 5, keyframes: [0, 8, 10, 12, 19] },
    ],
  ])('%s', (_name, motion, opts, expected) => {
    expect(planMatteKeyframes(motion, opts)).toEqual(expected);
  });

  it.each<[MatteKeyframeOptions, RegExp]>([
    [{ stride: 0 }, /stride/],
    [{ stride: 2.5 }, /stride/],
    [{ stride: 'auto', minStride: 0 }, /minStride/],
    [{ stride: 'auto', minStride: 4, maxStride: 3 }, /maxStride/],
    [{ stride: 'auto', motionBudget: 0 }, /motionBudget/],
  ])('refuses %j', (opts, message) => {
    expect(() => planMatteKeyframes(still(5), opts)).toThrow(message);
  });

  it('refuses negative or non-finite motion', () => {
    expect(() => planMatteKeyframes([0, -1, 0], { stride: 'auto' })).toThrow(/motion/);
    expect(() => planMatteKeyframes([0, NaN, 0], { stride: 2 })).toThrow(/motion/);
  });

  const motionArb = fc.array(fc.float({ min: 0, max: 40, noNaN: true }), { minLength: 1, maxLength: 200 });
  const autoArb = fc
    .record({ minStride: fc.integer({ min: 1, max: 6 }), extra: fc.integer({ min: 0, max: 20 }), motionBudget: fc.float({ min: 1, max: 200, noNaN: true }) })
    .map(({ minStride, extra, motionBudget }) => ({ stride: 'auto' as const, minStride, maxStride: minStride + extra, motionBudget }));

  it('always starts at 0, ends at the last frame, ascends, and keeps gaps within [1, maxStride]', () => {
    fc.assert(
      fc.property(motionArb, autoArb, (motion, opts) => {
        const { keyframes } = planMatteKeyframes(motion, opts);
        expect(keyframes[0]).toBe(0);
        expect(keyframes.at(-1)).toBe(motion.length - 1);
        for (let i = 1; i < keyframes.length; i++) {
          const gap = keyframes[i] - keyframes[i - 1];
          expect(gap).toBeGreaterThanOrEqual(1);
          expect(gap).toBeLessThanOrEqual(opts.maxStride);
          // Only the closing segment may be shorter than minStride.
          if (i < keyframes.length - 1) expect(gap).toBeGreaterThanOrEqual(opts.minStride);
        }
      }),
    );
  });

  it('keeps each segment within the motion budget unless minStride forces a longer one', () => {
    fc.assert(
      fc.property(motionArb, autoArb, (motion, opts) => {
        const { keyframes } = planMatteKeyframes(motion, opts);
        for (let i = 1; i < keyframes.length; i++) {
          const [a, b] = [keyframes[i - 1], keyframes[i]];
          const sum = motion.slice(a + 1, b + 1).reduce((s, m) => s + m, 0);
          if (b - a > opts.minStride) expect(sum).toBeLessThanOrEqual(opts.motionBudget + 1e-6);
        }
      }),
    );
  });

  it('more motion never means fewer keyframes', () => {
    fc.assert(
      fc.property(motionArb, autoArb, fc.float({ min: 1, max: 4, noNaN: true }), (motion, opts, k) => {
        const calm = planMatteKeyframes(motion, opts).keyframes.length;
        const busy = planMatteKeyframes(motion.map((m) => m * k), opts).keyframes.length;
        expect(busy).toBeGreaterThanOrEqual(calm);
      }),
    );
  });

  it('the online cursor makes the same choices as the whole-clip plan', () => {
    fc.assert(
      fc.property(motionArb, autoArb, (motion, opts) => {
        const cursor = createKeyframeCursor(opts);
        const online = [0];
        for (let t = 1; t < motion.length; t++) if (cursor.next(motion[t])) online.push(t - 1);
        expect(planMatteKeyframes(motion, opts).keyframes.slice(0, online.length)).toEqual(online);
      }),
    );
  });
});
