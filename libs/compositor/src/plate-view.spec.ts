import { applyH, IDENTITY, type Mat3 } from '@shotmatrix/domain';
import { perspectiveCorners, planPlateView } from './plate-view';

const frame = { width: 1920, height: 1080 };

describe('planPlateView', () => {
  it('a locked-off plate is a plain centred cover crop', () => {
    const v = planPlateView({ width: 3840, height: 2880 }, frame, [IDENTITY]);
    expect(v.zoom).toBe(1);
    expect(v.crop).toEqual({ x: 0, y: 360, width: 3840, height: 2160 });
    expect(v.rect).toEqual({ x: 0, y: 0, width: 1920, height: 1080 });
  });
  it('zooms in just enough that a pan never shows past the plate', () => {
    const pan: Mat3 = [1, 0, -200, 0, 1, 0, 0, 0, 1];
    const v = planPlateView({ width: 1920, height: 1080 }, frame, [IDENTITY, pan]);
    expect(v.zoom).toBeCloseTo((960 + 200) / 960, 3);
    // Frame 1 sees frame-0 x from 200 to 2120: inside the crop's rect.
    expect(v.rect.x).toBeLessThanOrEqual(0);
    expect(v.rect.x + v.rect.width).toBeGreaterThanOrEqual(2120 - 1e-6);
    expect(v.crop.x).toBeGreaterThanOrEqual(0);
    expect(v.crop.x + v.crop.width).toBeLessThanOrEqual(1920);
  });
});

describe('perspectiveCorners', () => {
  it('is ffmpeg’s identity (corners at 0 and W) for a view that is the frame', () => {
    const v = planPlateView(frame, frame, [IDENTITY]);
    expect(perspectiveCorners(v, frame, IDENTITY)).toEqual([
      [0, 0],
      [1920, 0],
      [0, 1080],
      [1920, 1080],
    ]);
  });
  it('moves the corners with the camera', () => {
    const v = planPlateView(frame, frame, [IDENTITY]);
    const h: Mat3 = [1.1, 0, -30, 0, 1.1, 12, 0, 0, 1];
    const [tl] = perspectiveCorners(v, frame, h);
    const [x, y] = applyH(h, 0.5, 0.5);
    expect(tl[0]).toBeCloseTo(x - 0.5);
    expect(tl[1]).toBeCloseTo(y - 0.5);
  });
});
