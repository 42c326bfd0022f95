import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { PlaneTrack, Quad } from '@shotmatrix/contracts';
import { readFrames, runFfmpeg, type MediaTools } from '@shotmatrix/media';
import { mul3, type Mat3 } from '@shotmatrix/domain';
import { loadOpenCv, type Cv } from './opencv';
import { checkPlaneSeeds, PlaneSeedError, trackPlane } from './plane-tracker';

const SHARED_MEDIA = path.resolve(__dirname, '../../../../shared/media');
const tools: MediaTools = { ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' };

const W = 960;
const H = 540;
/** Frames in which the label moves over the plate; after them it slides out of the picture. */
const MOVING = 40;
const N = 48;
const LABEL = { width: 240, height: 160 };
/** Half the shot's size: tracking runs below master resolution, as in production for 1080p masters. */
const shot = { width: W, height: H, frameCount: N, workWidth: 640, workHeight: 360 };

/**
 * The label's true corners at frame t (master pixels from the top-left corner):
 * it travels, turns, grows and tilts away on its right side, then leaves the picture.
 */
function truthQuad(t: number): Quad {
  const u = Math.min(t, MOVING - 1) / (MOVING - 1);
  const exit = Math.max(0, t - (MOVING - 1));
  const cx = 300 + 300 * u + exit * 110;
  const cy = 260 + 40 * Math.sin(3 * u);
  const theta = (12 * u * Math.PI) / 180;
  const scale = 1 + 0.25 * u;
  const tilt = 1 - 0.2 * u;
  const local: Array<[number, number]> = [
    [-LABEL.width / 2, -LABEL.height / 2],
    [LABEL.width / 2, (-LABEL.height / 2) * tilt],
    [LABEL.width / 2, (LABEL.height / 2) * tilt],
    [-LABEL.width / 2, LABEL.height / 2],
  ];
  return local.map(([x, y]) => [
    cx + scale * (x * Math.cos(theta) - y * Math.sin(theta)),
    cy + scale * (x * Math.sin(theta) + y * Math.cos(theta)),
  ]) as Quad;
}

const inPicture = (q: Quad) => q.every(([x, y]) => x >= 0 && y >= 0 && x <= W && y <= H);
const outOfPicture = (q: Quad) => q.every(([x]) => x > W);

function cornerErrors(track: PlaneTrack, frames: number[]): number[] {
  return frames.map((t) => {
    const q = track.frames[t].quad;
    if (!q) return Infinity;
    const truth = truthQuad(t);
    return q.reduce((s, p, i) => s + Math.hypot(p[0] - truth[i][0], p[1] - truth[i][1]), 0) / 4;
  });
}

const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;

describe('plane tracker', () => {
  let cv: Cv;
  let dir: string;
  let video: string;
  const trackedFrames = Array.from({ length: N }, (_, t) => t).filter((t) => inPicture(truthQuad(t)));

  beforeAll(async () => {
    cv = await loadOpenCv();
    dir = await mkdtemp(path.join(tmpdir(), 'plane-tracker-'));
    video = path.join(dir, 'label.mp4');
    await makeLabelShot(cv, video);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('follows a moving, turning, tilting label forward and backward from one seed', async () => {
    const seedFrame = 20;
    const progress: number[] = [];
    const t0 = performance.now();
    // A buffer of 8 work frames makes the backward pass read several chunks.
    const track = await trackPlane(cv, tools, video, shot, 'label', [{ frame: seedFrame, quad: truthQuad(seedFrame) }], {
      maxBufferBytes: 8 * shot.workWidth * shot.workHeight,
      onProgress: (done, total) => progress.push(done / total),
    });
    const ms = performance.now() - t0;
    expect(track.plane).toBe('label');
    expect(track.frames).toHaveLength(N);
    expect(track.frames[seedFrame]).toEqual({ quad: truthQuad(seedFrame), confidence: 1 });
    const errors = cornerErrors(track, trackedFrames);
    console.log(
      `plane tracker, one seed at frame ${seedFrame} (${W}×${H}, work ${shot.workWidth}×${shot.workHeight}, ${trackedFrames.length} frames with the label in the picture): ` +
        `mean corner error ${mean(errors).toFixed(3)} px, worst ${Math.max(...errors).toFixed(3)} px, ` +
        `mean confidence ${mean(trackedFrames.map((t) => track.frames[t].confidence)).toFixed(2)}, ${(ms / N).toFixed(1)} ms/frame incl. decoding`,
    );
    expect(mean(errors)).toBeLessThan(0.4);
    expect(Math.max(...errors)).toBeLessThan(1.2);
    // Once the label has left the picture it is reported lost, not guessed.
    const gone = Array.from({ length: N }, (_, t) => t).filter((t) => outOfPicture(truthQuad(t)));
    expect(gone.length).toBeGreaterThan(0);
    for (const t of gone) expect(track.frames[t]).toEqual({ quad: null, confidence: 0 });
    expect(progress.at(-1)).toBe(1);
  });

  it('meets both seeds exactly when two seeds bracket the motion', async () => {
    const seeds = [0, MOVING - 1].map((frame) => ({ frame, quad: truthQuad(frame) }));
    const track = await trackPlane(cv, tools, video, shot, 'label', seeds);
    for (const s of seeds) expect(track.frames[s.frame].quad).toEqual(s.quad);
    const errors = cornerErrors(track, trackedFrames);
    console.log(
      `plane tracker, two seeds at frames 0 and ${MOVING - 1}: mean corner error ${mean(errors).toFixed(3)} px, worst ${Math.max(...errors).toFixed(3)} px`,
    );
    expect(mean(errors)).toBeLessThan(0.4);
    expect(Math.max(...errors)).toBeLessThan(1.2);
  });

  it('rejects bad seeds with the plane, the frame and the problem', async () => {
    const good = truthQuad(0);
    const bowTie: Quad = [good[0], good[2], good[1], good[3]];
    expect(() => checkPlaneSeeds('front-label', [{ frame: N, quad: good }], shot)).toThrow(`plane "front-label", seed at frame ${N}: the master has frames 0–${N - 1}`);
    expect(() => checkPlaneSeeds('front-label', [{ frame: 3, quad: bowTie }], shot)).toThrow(/plane "front-label", seed at frame 3: the quad is not convex/);
    expect(() =>
      checkPlaneSeeds('front-label', [{ frame: 5, quad: [[10, 10], [12, 10], [12, 12], [10, 12]] }], shot),
    ).toThrow(/plane "front-label", seed at frame 5: the quad covers 4 px²/);
    expect(() => checkPlaneSeeds('front-label', [], shot)).toThrow(PlaneSeedError);
    // Valid geometry, but off the picture's edge: nothing to follow, found when the frame is decoded.
    const offPicture: Quad = [[-300, 100], [-150, 100], [-150, 200], [-300, 200]];
    await expect(trackPlane(cv, tools, video, shot, 'front-label', [{ frame: 7, quad: offPicture }])).rejects.toThrow(
      /plane "front-label", seed at frame 7: only 0 trackable corners inside the quad/,
    );
  });
});

/**
 * A real landscape plate that pans slowly, with a label (a crop of another real
 * plate) warped over it by a known homography each frame; x264-encoded. Label
 * and background move differently, so following the background would show.
 */
async function makeLabelShot(cv: Cv, out: string): Promise<void> {
  const plateSize = { width: 1280, height: 720 };
  const [plateRgb] = await collect(readFrames(tools, path.join(SHARED_MEDIA, 'plates', 'mountains_lake_sherburne_budgie.jpg'), { ...plateSize, pixelFormat: 'rgb24' }));
  const labelSource = { width: 640, height: 360 };
  const [labelRgb] = await collect(readFrames(tools, path.join(SHARED_MEDIA, 'plates', 'city_skyline_singapore_budgie.jpg'), { ...labelSource, pixelFormat: 'rgb24' }));
  const plate = new cv.Mat(plateSize.height, plateSize.width, cv.CV_8UC3);
  plate.data.set(plateRgb);
  const source = new cv.Mat(labelSource.height, labelSource.width, cv.CV_8UC3);
  source.data.set(labelRgb);
  const label = source.roi(new cv.Rect(300, 120, LABEL.width, LABEL.height));
  const white = new cv.Mat(LABEL.height, LABEL.width, cv.CV_8UC1, new cv.Scalar(255));
  const frame = new cv.Mat();
  const warped = new cv.Mat();
  const alpha = new cv.Mat();
  const raw = path.join(path.dirname(out), 'label.rgb');
  const fh = await open(raw, 'w');
  // opencv samples at pixel centres: corner coordinates are centre coordinates + ½.
  const toCentre: Mat3 = [1, 0, -0.5, 0, 1, -0.5, 0, 0, 1];
  const toCorner: Mat3 = [1, 0, 0.5, 0, 1, 0.5, 0, 0, 1];
  try {
    for (let t = 0; t < N; t++) {
      const bg = cv.matFromArray(2, 3, cv.CV_64F, [1, 0, -(60 + 2 * t), 0, 1, -(80 + t), 0, 0, 1].slice(0, 6));
      cv.warpAffine(plate, frame, bg, new cv.Size(W, H), cv.INTER_LINEAR, cv.BORDER_REFLECT, new cv.Scalar());
      bg.delete();
      const src = cv.matFromArray(4, 1, cv.CV_32FC2, [0, 0, LABEL.width, 0, LABEL.width, LABEL.height, 0, LABEL.height]);
      const dst = cv.matFromArray(4, 1, cv.CV_32FC2, truthQuad(t).flat());
      const corner = cv.getPerspectiveTransform(src, dst);
      const h = cv.matFromArray(3, 3, cv.CV_64F, mul3(mul3(toCentre, Array.from(corner.data64F)), toCorner));
      cv.warpPerspective(label, warped, h, new cv.Size(W, H), cv.INTER_LINEAR, cv.BORDER_CONSTANT, new cv.Scalar());
      cv.warpPerspective(white, alpha, h, new cv.Size(W, H), cv.INTER_LINEAR, cv.BORDER_CONSTANT, new cv.Scalar());
      cv.threshold(alpha, alpha, 127, 255, cv.THRESH_BINARY);
      warped.copyTo(frame, alpha);
      for (const m of [src, dst, corner, h]) m.delete();
      await fh.write(frame.data);
    }
  } finally {
    await fh.close();
    for (const m of [plate, source, label, white, frame, warped, alpha]) m.delete();
  }
  await runFfmpeg(tools, ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${W}x${H}`, '-r', '25', '-i', raw, '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p', out]);
  await rm(raw);
}


async function collect<T>(gen: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}
