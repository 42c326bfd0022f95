import type { Mat } from '@techstark/opencv-js';
import { matteIoU } from './matting';
import { denseFlow, flowSize, frameMotion, pickRerun, propagateSegment, type FlowFrame } from './matte-propagation';
import { loadOpenCv, type Cv } from './opencv';

describe('flowSize', () => {
  it.each([
    [1920, 1080, 480, 270],
    [1080, 1920, 270, 480],
    [640, 360, 480, 270],
    [320, 192, 320, 192],
    [4, 4, 8, 8],
  ])('%i×%i → %i×%i', (w, h, ew, eh) => {
    expect(flowSize(w, h)).toEqual({ width: ew, height: eh });
  });
});

describe('pickRerun', () => {
  it.each<[string, number[], number, number]>([
    ['all trusted', [0.99, 0.95, 0.97], 0.9, -1],
    ['the only frame below the floor', [0.99, 0.5, 0.97], 0.9, 1],
    // Every frame scores alike when a keyframe is the odd one out: halve the segment.
    ['the middle of a run below the floor', [0.6, 0.61, 0.62, 0.6, 0.59], 0.9, 2],
    ['nearest the middle, not the worst', [0.2, 0.95, 0.8, 0.95, 0.95], 0.9, 2],
    ['ties go to the lower confidence', [0.95, 0.7, 0.95, 0.6, 0.95], 0.9, 3],
    ['empty segment', [], 0.9, -1],
    ['a floor of 0 never re-runs', [0, 0, 0], 0, -1],
  ])('%s', (_name, confidence, floor, expected) => {
    expect(pickRerun(confidence, floor)).toBe(expected);
  });
});

/**
 * Synthetic shot: a textured square slides over a textured background. The
 * matte is known exactly for every frame, so propagation between two exact
 * keyframe mattes must land on the exact in-between mattes.
 */
describe('propagateSegment', () => {
  let cv: Cv;
  beforeAll(async () => (cv = await loadOpenCv()));

  const W = 320;
  const H = 192;
  const side = 80;
  const at = (t: number) => ({ x: 60 + 4 * t, y: 50 + 2 * t });

  function texture(seed: number, w: number, h: number): Mat {
    const m = new cv.Mat(h, w, cv.CV_8UC1);
    // Deterministic noise (one pass to build a test fixture, not a hot path), blurred into blobs Farneback can follow.
    let s = seed;
    for (let i = 0; i < m.data.length; i++) m.data[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
    cv.GaussianBlur(m, m, new cv.Size(0, 0), 1.5);
    cv.normalize(m, m, 0, 255, cv.NORM_MINMAX);
    return m;
  }

  function frame(t: number, bg: Mat, fg: Mat): { grey: Mat; matte: Uint8Array } {
    const { x, y } = at(t);
    // Not bg.clone(): in opencv.js that is Embind's handle clone, which shares the pixels.
    const grey = new cv.Mat();
    bg.copyTo(grey);
    const placed = new cv.Mat();
    const move = cv.matFromArray(2, 3, cv.CV_64FC1, [1, 0, x, 0, 1, y]);
    const matte = new cv.Mat(H, W, cv.CV_8UC1, new cv.Scalar(0));
    try {
      cv.warpAffine(fg, placed, move, new cv.Size(W, H), cv.INTER_NEAREST, cv.BORDER_CONSTANT, new cv.Scalar(0));
      cv.rectangle(matte, new cv.Point(x, y), new cv.Point(x + side - 1, y + side - 1), new cv.Scalar(255), -1);
      placed.copyTo(grey, matte);
      return { grey, matte: new Uint8Array(matte.data) };
    } finally {
      placed.delete();
      move.delete();
      matte.delete();
    }
  }

  it('carries an exact matte along the motion, and agrees with itself', () => {
    const bg = texture(7, W, H);
    const fg = texture(99, side, side);
    const frames = [0, 1, 2, 3, 4, 5, 6].map((t) => frame(t, bg, fg));
    const flows: FlowFrame[] = frames.map(() => ({}));
    try {
      for (let i = 1; i < frames.length; i++) {
        flows[i].toPrev = new cv.Mat();
        flows[i - 1].toNext = new cv.Mat();
        denseFlow(cv, frames[i].grey, frames[i - 1].grey, flows[i].toPrev!);
        denseFlow(cv, frames[i - 1].grey, frames[i].grey, flows[i - 1].toNext!);
      }
      expect(frameMotion(cv, flows[3].toPrev!)).toBeGreaterThan(3);
      const out = propagateSegment(cv, flows, frames[0].matte, frames[6].matte, { width: W, height: H });
      expect(out).toHaveLength(5);
      // Measured: IoU 0.92–0.98, confidence 0.81–0.84 (Farneback smooths across the square's sharp edge).
      out.forEach((p, k) => {
        expect(matteIoU(cv, p.matte, frames[k + 1].matte, W, H)).toBeGreaterThan(0.9);
        expect(p.confidence).toBeGreaterThan(0.75);
      });

      // Keyframes that disagree (the far one stuck where the square started; one that lost it) are caught.
      const stuck = propagateSegment(cv, flows, frames[0].matte, frames[0].matte, { width: W, height: H });
      for (const p of stuck) expect(p.confidence).toBeLessThan(0.65);
      const lost = propagateSegment(cv, flows, frames[0].matte, new Uint8Array(W * H), { width: W, height: H });
      for (const p of lost) expect(p.confidence).toBeLessThan(0.05);
    } finally {
      for (const f of frames) f.grey.delete();
      for (const f of flows) {
        f.toPrev?.delete();
        f.toNext?.delete();
      }
      bg.delete();
      fg.delete();
    }
  });

  it('has nothing to fill between adjacent keyframes', () => {
    expect(propagateSegment(cv, [{}, {}], new Uint8Array(4), new Uint8Array(4), { width: 2, height: 2 })).toEqual([]);
  });

  it("does not measure a still frame's noise as motion", () => {
    const flow = new cv.Mat(90, 160, cv.CV_32FC2, new cv.Scalar(0.1, -0.1));
    try {
      expect(frameMotion(cv, flow)).toBeLessThan(1);
    } finally {
      flow.delete();
    }
  });
});
