import { open, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readFrames, runFfmpeg, type MediaTools } from '@shotmatrix/media';
import { applyH, createCameraMotionEstimator, fitSimilarity, inv3, mul3, type Mat3 } from './camera-motion';
import { workSize } from './analyse-shot';
import { loadOpenCv, type Cv } from './opencv';

type CvMat = InstanceType<Cv['Mat']>;

const SHARED_MEDIA = path.resolve(__dirname, '../../../../shared/media');
const tools: MediaTools = { ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' };

/**
 * Runs a video through the estimator at the pipeline's work size, as
 * analyse-shot does (RGB decoded, grey by opencv); `matte` stands in for the
 * subject's matte. Returns the track and the estimator's own ms per frame.
 */
async function estimate(cv: Cv, file: string, master: { width: number; height: number }, matte?: (rgb: CvMat) => Uint8Array) {
  const work = workSize(master.width, master.height);
  const est = createCameraMotionEstimator(cv, { ...master, workWidth: work.width, workHeight: work.height });
  const rgb = new cv.Mat(work.height, work.width, cv.CV_8UC3);
  const grey = new cv.Mat();
  let spent = 0;
  try {
    for await (const frame of readFrames(tools, file, { ...work, pixelFormat: 'rgb24' })) {
      rgb.data.set(frame);
      cv.cvtColor(rgb, grey, cv.COLOR_RGB2GRAY);
      const fg = matte?.(rgb);
      const t0 = performance.now();
      est.push(grey.data, fg);
      spent += performance.now() - t0;
    }
  } finally {
    rgb.delete();
    grey.delete();
  }
  const track = est.result();
  return { track, work, msPerFrame: spent / track.frames.length };
}

/**
 * A crude subject matte for the tractor clip: whatever is not the brown field
 * (the green tractor, red wheels, blue drill, white hopper and the burned-in
 * green caption). IS-Net does this properly in the pipeline; it is too slow for
 * a unit test on two cores.
 */
function notField(cv: Cv) {
  return (rgb: CvMat): Uint8Array => {
    const hsv = new cv.Mat();
    const lo = new cv.Mat(rgb.rows, rgb.cols, cv.CV_8UC3, new cv.Scalar(5, 60, 50));
    const hi = new cv.Mat(rgb.rows, rgb.cols, cv.CV_8UC3, new cv.Scalar(28, 255, 255));
    const fg = new cv.Mat();
    const kernel = cv.getStructuringElement(cv.MORPH_ELLIPSE, new cv.Size(7, 7));
    try {
      cv.cvtColor(rgb, hsv, cv.COLOR_RGB2HSV);
      cv.inRange(hsv, lo, hi, fg);
      cv.bitwise_not(fg, fg);
      cv.morphologyEx(fg, fg, cv.MORPH_OPEN, kernel);
      return fg.data.slice();
    } finally {
      for (const m of [hsv, lo, hi, fg, kernel]) m.delete();
    }
  };
}

const cornersOf = (w: number, h: number): Array<[number, number]> => [
  [0, 0],
  [w, 0],
  [w, h],
  [0, h],
];

/** Mean distance between the frame's corners mapped by `a` and by `b`. */
function cornerError(a: Mat3, b: Mat3, w: number, h: number): number {
  const d = cornersOf(w, h).map(([x, y]) => {
    const [ax, ay] = applyH(a, x, y);
    const [bx, by] = applyH(b, x, y);
    return Math.hypot(ax - bx, ay - by);
  });
  return d.reduce((s, v) => s + v, 0) / d.length;
}

/** Largest distance any frame corner is moved by `h`. */
function cornerTravel(h: Mat3, w: number, ht: number): number {
  return Math.max(...cornersOf(w, ht).map(([x, y]) => Math.hypot(applyH(h, x, y)[0] - x, applyH(h, x, y)[1] - y)));
}

const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;

describe('camera motion', () => {
  let cv: Cv;
  let dir: string;
  beforeAll(async () => {
    cv = await loadOpenCv();
    dir = await mkdtemp(path.join(tmpdir(), 'camera-motion-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /**
   * Films a real photograph with a virtual camera whose plate → frame homography
   * per frame is known, cutting frames with opencv (sub-pixel, with a sampling
   * convention known exactly) and encoding them with x264, so the estimator sees
   * compression noise as it would on a real master. Returns the mean and worst
   * corner error of the estimate against the truth.
   */
  async function knownMotion(name: string, plateName: string, plateToFrame: (t: number) => Mat3) {
    const W = 960;
    const H = 540;
    const N = 48;
    const plateSize = { width: 1280, height: 720 };
    const [plateRgb] = await collect(readFrames(tools, path.join(SHARED_MEDIA, 'plates', plateName), { ...plateSize, pixelFormat: 'rgb24' }));
    const plate = new cv.Mat(plateSize.height, plateSize.width, cv.CV_8UC3);
    const frame = new cv.Mat();
    const file = name.replace(/[^a-z0-9]+/g, '-');
    const raw = path.join(dir, `${file}.rgb`);
    const fh = await open(raw, 'w');
    try {
      plate.data.set(plateRgb);
      for (let t = 0; t < N; t++) {
        const m = cv.matFromArray(3, 3, cv.CV_64F, plateToFrame(t));
        cv.warpPerspective(plate, frame, m, new cv.Size(W, H), cv.INTER_LINEAR, cv.BORDER_REFLECT, new cv.Scalar());
        m.delete();
        await fh.write(frame.data);
      }
    } finally {
      await fh.close();
      plate.delete();
      frame.delete();
    }
    const video = path.join(dir, `${file}.mp4`);
    await runFfmpeg(tools, ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${W}x${H}`, '-r', '25', '-i', raw, '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p', video]);
    await rm(raw);

    const { track, work, msPerFrame } = await estimate(cv, video, { width: W, height: H });
    expect(track.frames).toHaveLength(N);
    // Truth in the contracts' convention: master pixels from the frame's top-left corner (opencv's centre coordinates + ½).
    const half: Mat3 = [1, 0, 0.5, 0, 1, 0.5, 0, 0, 1];
    const unhalf: Mat3 = [1, 0, -0.5, 0, 1, -0.5, 0, 0, 1];
    const truth = (t: number) => mul3(mul3(half, mul3(plateToFrame(t), inv3(plateToFrame(0))!)), unhalf);
    const errors = track.frames.map((f, t) => cornerError(f.h, truth(t), W, H));
    const travel = cornerTravel(truth(N - 1), W, H);
    console.log(
      `camera motion, known ${name} ${W}×${H} (work ${work.width}×${work.height}, ${N} frames, corners travel ${travel.toFixed(0)} px): ` +
        `mean corner error ${mean(errors).toFixed(3)} px, worst frame ${Math.max(...errors).toFixed(3)} px, ` +
        `mean confidence ${mean(track.frames.map((f) => f.confidence)).toFixed(2)}, ${msPerFrame.toFixed(1)} ms/frame`,
    );
    expect(Math.min(...track.frames.map((f) => f.confidence))).toBeGreaterThan(0.8);
    return { mean: mean(errors), worst: Math.max(...errors) };
  }

  it('recovers a crop window that slides, shakes and zooms across a real plate to well under a pixel', async () => {
    const N = 48;
    // Output pixel = (plate point − origin) / s, in opencv's pixel-centre coordinates.
    const e = await knownMotion('crop pan+zoom', 'city_street_beacon_street_sunset_budgie.jpg', (t) => {
      const u = t / (N - 1);
      const s = 1 - 0.2 * u;
      const ox = 40 + 190 * u + 3 * Math.sin(0.7 * t);
      const oy = 30 + 60 * u * u + 2 * Math.cos(0.9 * t);
      return [1 / s, 0, -ox / s, 0, 1 / s, -oy / s, 0, 0, 1];
    });
    expect(e.mean).toBeLessThan(0.15);
    expect(e.worst).toBeLessThan(0.4);
  });

  it('recovers a camera that pans, tilts, rolls and zooms (perspective) to a fraction of a pixel', async () => {
    const N = 48;
    // A camera turning about its centre sees the plate through K_t·R_t·K_0⁻¹.
    const [cx, cy] = [479.5, 269.5];
    const K = (f: number): Mat3 => [f, 0, cx, 0, f, cy, 0, 0, 1];
    const rotation = (yaw: number, pitch: number, roll: number): Mat3 => {
      const [a, b, c] = [yaw, pitch, roll].map((d) => (d * Math.PI) / 180);
      const ry: Mat3 = [Math.cos(a), 0, Math.sin(a), 0, 1, 0, -Math.sin(a), 0, Math.cos(a)];
      const rx: Mat3 = [1, 0, 0, 0, Math.cos(b), -Math.sin(b), 0, Math.sin(b), Math.cos(b)];
      const rz: Mat3 = [Math.cos(c), -Math.sin(c), 0, Math.sin(c), Math.cos(c), 0, 0, 0, 1];
      return mul3(rz, mul3(rx, ry));
    };
    const onPlate: Mat3 = [1, 0, -160, 0, 1, -90, 0, 0, 1];
    const e = await knownMotion('pan/tilt/roll/zoom', 'city_skyline_singapore_budgie.jpg', (t) => {
      const u = t / (N - 1);
      const camera = mul3(K(800 * (1 + 0.25 * u)), mul3(rotation(-7 * u + 0.2 * Math.sin(t), 3 * u * u, 1.5 * u), inv3(K(800))!));
      return mul3(camera, onPlate);
    });
    expect(e.mean).toBeLessThan(0.35);
    expect(e.worst).toBeLessThan(1);
  });

  it('follows the real pan of the tractor clip, not the tractor it follows', async () => {
    // The camera pans with a tractor that fills much of the frame; the field behind
    // it is the background. With a (crude) matte the field's motion is measured.
    const master = { width: 512, height: 288 };
    const clip = path.join(SHARED_MEDIA, 'clips', 'camera_pan_tractor_field_tmh.webm');
    const { track, msPerFrame } = await estimate(cv, clip, master, notField(cv));
    const conf = track.frames.map((f) => f.confidence);
    const pan = track.frames.map((f) => f.h[2]);
    const travel = Math.max(...track.frames.map((f) => cornerTravel(f.h, master.width, master.height)));
    const confident = conf.filter((c) => c >= 0.4).length / conf.length;
    // The field streams past at several pixels a frame for the first ~160 frames (then the camera zooms out).
    const steps = pan.slice(1, 160).map((x, i) => x - pan[i]);
    const panning = steps.filter((d) => d > 2).length / steps.length;
    console.log(
      `camera motion, tractor pan (${track.frames.length} frames, crude matte): mean confidence ${mean(conf).toFixed(2)}, ` +
        `${(100 * confident).toFixed(0)}% of frames ≥ 0.4, corners moved up to ${travel.toFixed(0)} px, ` +
        `${(100 * panning).toFixed(0)}% of the first 160 frames pan > 2 px, ${msPerFrame.toFixed(1)} ms/frame`,
    );
    expect(confident).toBeGreaterThan(0.8);
    expect(travel).toBeGreaterThan(500);
    expect(panning).toBeGreaterThan(0.9);
  });

  it('keeps a static camera still while a hand moves the bottles: RANSAC rejects the hand', async () => {
    const master = { width: 640, height: 360 };
    const { track, msPerFrame } = await estimate(cv, path.join(SHARED_MEDIA, 'clips', 'product_bottles_table_intel.mp4'), master);
    const travel = track.frames.map((f) => cornerTravel(f.h, master.width, master.height));
    const conf = track.frames.map((f) => f.confidence);
    // No hand in the first second; from frame 120 on it is in the picture, moving bottles.
    const still = mean(conf.slice(0, 30));
    const withHand = Math.min(...conf.slice(120));
    console.log(
      `camera motion, static bottles shot with a moving hand (${track.frames.length} frames, no matte): corners drift up to ${Math.max(...travel).toFixed(2)} px ` +
        `(mean ${mean(travel).toFixed(2)}); confidence ${still.toFixed(2)} before the hand, down to ${withHand.toFixed(2)} with it; ${msPerFrame.toFixed(1)} ms/frame`,
    );
    expect(Math.max(...travel)).toBeLessThan(2);
    expect(still).toBeGreaterThan(0.95);
    expect(withHand).toBeLessThan(0.85);
  });

  it('fits a similarity through outliers (the model preferred for camera motion)', () => {
    // 60 points moved by a known zoom/roll/shift, 25 of them thrown off as a moving subject would be.
    const [a, b, tx, ty] = [1.05 * Math.cos(0.03), 1.05 * Math.sin(0.03), -12.5, 4.25];
    const from: number[] = [];
    const to: number[] = [];
    for (let i = 0; i < 60; i++) {
      const x = (i * 37) % 400;
      const y = (i * 53) % 260;
      const off = i % 12 < 5 ? 25 + i : 0;
      from.push(x, y);
      to.push(a * x - b * y + tx + off, b * x + a * y + ty - off);
    }
    const fit = fitSimilarity(from, to, 1.5)!;
    expect(fit.inliers).toBe(35);
    fit.h.forEach((v, i) => expect(v).toBeCloseTo([a, -b, tx, b, a, ty, 0, 0, 1][i], 9));
  });

  it('holds the previous motion with zero confidence on a featureless frame', async () => {
    const est = createCameraMotionEstimator(cv, { width: 320, height: 180, workWidth: 160, workHeight: 90 });
    const flat = new Uint8Array(160 * 90).fill(128);
    est.push(flat);
    const f = est.push(flat);
    expect(f.confidence).toBe(0);
    expect(f.h).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(() => est.push(new Uint8Array(10))).toThrow(/bytes/);
    expect(() => est.push(flat, new Uint8Array(10))).toThrow(/foreground has 10 bytes/);
    expect(est.result().frames).toHaveLength(2);
    expect(() => est.push(flat)).toThrow(/after result/);
  });
});


async function collect<T>(gen: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of gen) out.push(x);
  return out;
}
