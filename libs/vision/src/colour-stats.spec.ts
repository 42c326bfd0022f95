import { colourStats } from './colour-stats';
import { loadOpenCv, type Cv } from './opencv';

const W = 8;
const H = 4;

/** A W×H frame whose left half is `left` and right half `right`. */
function halves(left: [number, number, number], right: [number, number, number]): Uint8Array {
  const out = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) out.set(x < W / 2 ? left : right, (y * W + x) * 3);
  }
  return out;
}

const leftMatte = (value: number) => Uint8Array.from({ length: W * H }, (_, i) => (i % W < W / 2 ? value : 0));

function expectLab(actual: number[], expected: number[], tolerance = 0.3): void {
  actual.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(tolerance));
}

// Reference values: CIE L*a*b* (D65) of sRGB colours, from the CIE formulas.
const WHITE = [100, 0, 0];
const MID_GREY = [53.585, 0, 0]; // sRGB 128
const RED = [53.24, 80.09, 67.2];
const BLUE = [32.3, 79.19, -107.86];

describe('colourStats', () => {
  let cv: Cv;
  beforeAll(async () => (cv = await loadOpenCv()));

  it('gives true L*a*b* (L 0…100, signed a and b) for flat colours', () => {
    const white = colourStats(cv, halves([255, 255, 255], [255, 255, 255]), W, H);
    expectLab(white.all.mean, WHITE);
    expectLab(white.all.std, [0, 0, 0], 0.01);
    expectLab(colourStats(cv, halves([128, 128, 128], [128, 128, 128]), W, H).all.mean, MID_GREY);
    expectLab(colourStats(cv, halves([255, 0, 0], [255, 0, 0]), W, H).all.mean, RED, 0.5);
    expectLab(colourStats(cv, halves([0, 0, 255], [0, 0, 255]), W, H).all.mean, BLUE, 0.5);
    expect(white.foreground).toBeNull();
    expect(white.background).toBeNull();
  });

  it('spreads over the whole frame: half black, half white has L mean 50 and std 50', () => {
    const s = colourStats(cv, halves([0, 0, 0], [255, 255, 255]), W, H);
    expectLab(s.all.mean, [50, 0, 0]);
    expectLab(s.all.std, [50, 0, 0]);
  });

  it('splits subject (matte ≥ 128) from background', () => {
    const frame = halves([255, 0, 0], [128, 128, 128]);
    const s = colourStats(cv, frame, W, H, leftMatte(128));
    expectLab(s.foreground!.mean, RED, 0.5);
    expectLab(s.foreground!.std, [0, 0, 0], 0.01);
    expectLab(s.background!.mean, MID_GREY);
    expectLab(s.background!.std, [0, 0, 0], 0.01);
    // A matte just below the threshold is all background.
    const faint = colourStats(cv, frame, W, H, leftMatte(127));
    expect(faint.foreground).toBeNull();
    expectLab(faint.background!.mean, faint.all.mean, 1e-6);
    // A subject filling the frame leaves no background.
    const full = colourStats(cv, frame, W, H, new Uint8Array(W * H).fill(255));
    expect(full.background).toBeNull();
    expectLab(full.foreground!.mean, full.all.mean, 1e-6);
  });

  it('rejects buffers of the wrong size', () => {
    expect(() => colourStats(cv, new Uint8Array(5), W, H)).toThrow(/RGB frame has 5 bytes/);
    expect(() => colourStats(cv, halves([0, 0, 0], [0, 0, 0]), W, H, new Uint8Array(3))).toThrow(/matte has 3 bytes/);
  });
});

