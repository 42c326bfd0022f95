import { loadOpenCv, type Cv } from '@shotmatrix/vision';
import { weightedSsim } from './ssim';

const W = 64;
const H = 48;

/** A textured test frame: a deterministic pattern with detail at several scales. */
function texture(seed = 1): Uint8Array {
  const f = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) f[y * W + x] = (128 + 60 * Math.sin((x * seed) / 3) * Math.cos(y / 4) + ((x * 7 + y * 13) % 17)) & 255;
  return f;
}

describe('weightedSsim', () => {
  let cv: Cv;
  beforeAll(async () => {
    cv = await loadOpenCv();
  });

  it('is 1 for identical frames', () => {
    const a = texture();
    expect(weightedSsim(cv, a, a.slice(), null, W, H).mean).toBeCloseTo(1, 6);
  });

  it('falls for a different picture and for noise', () => {
    const a = texture(1);
    const noisy = a.map((v, i) => Math.max(0, Math.min(255, v + ((i * 7919) % 41) - 20)));
    const other = weightedSsim(cv, a, texture(3), null, W, H);
    const n = weightedSsim(cv, a, noisy, null, W, H);
    expect(other.mean).toBeLessThan(0.6);
    expect(n.mean).toBeLessThan(0.95);
    expect(n.mean).toBeGreaterThan(other.mean);
    expect(other.changed).toBeGreaterThan(0.5);
  });

  it('counts only where the weight is: a change outside the subject does not lower it', () => {
    const a = texture();
    const b = a.slice();
    const weight = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      if (x < W / 2) b[y * W + x] = 255 - b[y * W + x]; // left half changed
      if (x >= W / 2 + 8) weight[y * W + x] = 255; // subject on the right, clear of the window
    }
    expect(weightedSsim(cv, a, b, weight, W, H).mean).toBeGreaterThan(0.999);
    expect(weightedSsim(cv, a, b, null, W, H).mean).toBeLessThan(0.8);
  });

  it('refuses frames of the wrong size', () => expect(() => weightedSsim(cv, new Uint8Array(10), new Uint8Array(10), null, W, H)).toThrow('64×48'));
});
