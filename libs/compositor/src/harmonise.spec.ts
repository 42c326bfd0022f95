import { harmoniseSubject, labToYuv, lutyuvFilter, medianStats } from './harmonise';

describe('labToYuv', () => {
  it.each([
    [[100, 0, 0], [235, 128, 128]],
    [[0, 0, 0], [16, 128, 128]],
  ])('%j → %j', (lab, yuv) => labToYuv(lab as [number, number, number]).forEach((v, i) => expect(v).toBeCloseTo(yuv[i], 0)));
  it('a red has Cr above neutral', () => expect(labToYuv([53, 80, 67])[2]).toBeGreaterThan(200));
});

describe('harmoniseSubject', () => {
  const subject = { mean: [60, 5, 10] as [number, number, number], std: [20, 5, 5] as [number, number, number] };
  const night = { mean: [25, 0, -20] as [number, number, number], std: [10, 4, 8] as [number, number, number] };
  it('does nothing at s = 1', () => expect(harmoniseSubject(subject, night, 1)).toBeNull());
  it('moves the subject’s mean toward the plate’s by (1 − s)·strength', () => {
    const m = harmoniseSubject(subject, night, 0, 1)!;
    const f = labToYuv(subject.mean);
    const p = labToYuv(night.mean);
    const yOut = m.y.a * (f[0] - 128) + 128 + m.y.b;
    expect(yOut).toBeCloseTo(p[0], 5);
    expect(m.y.a).toBeCloseTo(0.5);
    const half = harmoniseSubject(subject, night, 0.5, 1)!;
    expect(half.y.a * (f[0] - 128) + 128 + half.y.b).toBeCloseTo((f[0] + p[0]) / 2, 5);
  });
  it('writes a lutyuv filter with escaped commas', () => {
    expect(lutyuvFilter({ y: { a: 1.2, b: -3 }, u: { a: 1, b: 2 }, v: { a: 1, b: 0 } })).toBe(
      'lutyuv=y=clip(1.2*(val-128)+128+-3\\,minval\\,maxval):u=clip(1*(val-128)+128+2\\,minval\\,maxval):v=clip(1*(val-128)+128+0\\,minval\\,maxval)',
    );
  });
  it('takes the median of per-frame statistics, skipping frames without a subject', () => {
    const s = (L: number) => ({ mean: [L, 0, 0] as [number, number, number], std: [1, 1, 1] as [number, number, number] });
    expect(medianStats([s(10), null, s(90), s(50)])!.mean[0]).toBe(50);
    expect(medianStats([null])).toBeNull();
  });
});
