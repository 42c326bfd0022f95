import { applyH, cornerDisplacement, homographyFromPoints, IDENTITY, inv3, mul3, scaleMotion, type Mat3 } from './homography';

const frame = { width: 1920, height: 1080 };
const close = (a: number[], b: number[], tol = 1e-6) => a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(tol));

describe('homographyFromPoints', () => {
  it('recovers a known perspective transform from its corners', () => {
    const h: Mat3 = [1.1, 0.05, 12, -0.03, 0.97, -8, 2e-5, -1e-5, 1];
    const from: Array<[number, number]> = [
      [0, 0],
      [1920, 0],
      [1920, 1080],
      [0, 1080],
    ];
    const to = from.map(([x, y]) => applyH(h, x, y));
    close(homographyFromPoints(from as never, to as never)!, h);
  });
  it('refuses collinear points', () => {
    expect(
      homographyFromPoints(
        [
          [0, 0],
          [1, 1],
          [2, 2],
          [3, 3],
        ],
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 1],
        ],
      ),
    ).toBeNull();
  });
});

describe('scaleMotion (motion adherence)', () => {
  const pan: Mat3 = [1.05, 0, -40, 0, 1.05, 25, 0, 0, 1];
  it.each([
    [0, IDENTITY],
    [1, pan],
  ])('m=%s is exact at the ends', (m, want) => close(scaleMotion(pan, m, frame), want));
  it('m=0.5 moves every corner half way', () => {
    const half = scaleMotion(pan, 0.5, frame);
    for (const [x, y] of [
      [0, 0],
      [1920, 0],
      [1920, 1080],
      [0, 1080],
    ]) {
      const [u, v] = applyH(pan, x, y);
      close(applyH(half, x, y), [x + (u - x) / 2, y + (v - y) / 2]);
    }
  });
  it('keeps composition with the inverse near identity', () => {
    const m = scaleMotion(pan, 0.3, frame);
    expect(cornerDisplacement(mul3(m, inv3(m)!), frame)).toBeLessThan(1e-6);
    expect(cornerDisplacement(m, frame)).toBeGreaterThan(10);
  });
});
