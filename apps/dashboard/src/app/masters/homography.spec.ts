import type { CameraMotionTrack } from '@shotmatrix/contracts';
import { applyHomography, cameraPath, pathRuns } from './homography';

const identity = [1, 0, 0, 0, 1, 0, 0, 0, 1];
const shift = (dx: number, dy: number) => [1, 0, dx, 0, 1, dy, 0, 0, 1];

describe('applyHomography', () => {
  it('leaves points alone under the identity and moves them by a translation', () => {
    expect(applyHomography(identity, [12, 34])).toEqual([12, 34]);
    expect(applyHomography(shift(5, -3), [12, 34])).toEqual([17, 31]);
  });

  it('divides by w (projective)', () => {
    // Scale 2 expressed through w = 0.5.
    expect(applyHomography([1, 0, 0, 0, 1, 0, 0, 0, 0.5], [3, 4])).toEqual([6, 8]);
    // A perspective term: w = 0.001·x + 1.
    const p = applyHomography([1, 0, 0, 0, 1, 0, 0.001, 0, 1], [1000, 500])!;
    expect(p[0]).toBeCloseTo(500);
    expect(p[1]).toBeCloseTo(250);
  });

  it('gives null for points at infinity and malformed matrices', () => {
    expect(applyHomography([1, 0, 0, 0, 1, 0, 0, 0, 0], [3, 4])).toBeNull();
    expect(applyHomography([1, 0, 0], [3, 4])).toBeNull();
    expect(applyHomography([Number.NaN, 0, 0, 0, 1, 0, 0, 0, 1], [3, 4])).toBeNull();
  });
});

describe('cameraPath', () => {
  const track: CameraMotionTrack = {
    width: 480,
    height: 270,
    frames: [
      { h: identity, confidence: 1 },
      { h: shift(10, 0), confidence: 0.9 },
      { h: [0, 0, 0, 0, 0, 0, 0, 0, 0], confidence: 0 },
      { h: shift(20, 5), confidence: 0.2 },
    ],
  };

  it('follows the centre of frame 0, in master pixels, skipping degenerate frames', () => {
    expect(cameraPath(track, 1920, 1080)).toEqual([
      { frame: 0, x: 960, y: 540, confidence: 1 },
      { frame: 1, x: 1000, y: 540, confidence: 0.9 },
      { frame: 3, x: 1040, y: 560, confidence: 0.2 },
    ]);
  });

  it('needs no scaling when the track is in master pixels', () => {
    expect(cameraPath({ ...track, width: 1920, height: 1080 }, 1920, 1080)[1]).toMatchObject({ x: 970, y: 540 });
  });
});

describe('pathRuns', () => {
  const p = (frame: number, x: number, confidence: number) => ({ frame, x, y: 0, confidence });

  it('splits the line where confidence drops, keeping it continuous', () => {
    expect(pathRuns([p(0, 0, 1), p(1, 1, 0.9), p(2, 2, 0.1), p(3, 3, 0.2), p(4, 4, 0.8), p(5, 5, 0.9)])).toEqual([
      { low: false, points: '0,0 1,0' },
      { low: true, points: '1,0 2,0 3,0 4,0' },
      { low: false, points: '4,0 5,0' },
    ]);
  });

  it('handles empty and single-point paths', () => {
    expect(pathRuns([])).toEqual([]);
    expect(pathRuns([p(0, 1.234, 0.2)])).toEqual([{ low: true, points: '1.2,0' }]);
  });
});
