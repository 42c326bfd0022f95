import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { countFrames, probeVideo, readFrames, runFfmpeg, type MediaTools } from '@shotmatrix/media';
import { buildDespillFilter, detectKeyColour, keyChroma, type Rgb } from './chroma-key';
import { createIsNetMatter, MatteModelError, type Matter } from './isnet';
import { computeMattes, computeMattesPerFrame, matteIoU, type MatteVideoShape } from './matting';
import { loadOpenCv, type Cv } from './opencv';

/**
 * Matte quality on real footage. Ground truth comes from the chroma keyer on the
 * yellow-wall clip; the same keyed foreground composited over real plates gives
 * shots whose alpha is known exactly. IS-Net runs are few (about 20 in all): each
 * takes seconds on two CPU cores.
 */
const SHARED_MEDIA = path.resolve(__dirname, '../../../../shared/media');
const clip = (name: string) => path.join(SHARED_MEDIA, 'clips', name);
const plate = (name: string) => path.join(SHARED_MEDIA, 'plates', name);
const MODEL = path.resolve(__dirname, '../../../.data/models/isnet-small/isnet-small-quint8.onnx');
const tools: MediaTools = { ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' };

const TALKING_HEAD = clip('talking_head_yellow_backdrop_mdn.mp4');
const BOTTLES = clip('product_bottles_table_intel.mp4');

async function collect(file: string, width: number, height: number, pixelFormat: 'rgb24' | 'gray'): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const f of readFrames(tools, file, { width, height, pixelFormat })) out.push(f);
  return out;
}

const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;

describe('foreground mattes on real footage', () => {
  let dir: string;
  let cv: Cv;
  let isNet: Matter;
  let isNetRuns = 0;
  /** Counts IS-Net runs and remembers results by frame content, so a frame is never run twice. */
  const cache = new Map<string, Uint8Array>();
  const counted: Matter = {
    get provider() {
      return isNet.provider;
    },
    async matte(rgb, width, height) {
      const key = createHash('sha1').update(rgb).digest('hex');
      const hit = cache.get(key);
      if (hit) return hit;
      isNetRuns += 1;
      const m = await isNet.matte(rgb, width, height);
      cache.set(key, m);
      return m;
    },
    close: async () => undefined,
  };
  const results: string[] = [];

  beforeAll(async () => {
    if (!existsSync(MODEL)) throw new Error(`IS-Net weights missing at ${MODEL}: run \`npm start\` once (it fetches and checks them)`);
    dir = await mkdtemp(path.join(tmpdir(), 'matting-'));
    cv = await loadOpenCv();
    isNet = await createIsNetMatter(MODEL, { provider: 'auto' });
  });
  afterAll(async () => {
    await isNet?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    console.log(`matting quality (${isNet?.provider}, ${isNetRuns} IS-Net runs):\n  ${results.join('\n  ')}`);
  });

  // The yellow-wall clip from frame 120 on: the man talks and moves his head.
  const TH = { start: 120, count: 16 };
  let key: Rgb;
  let th: MatteVideoShape;
  let truth: Buffer[];
  let truthPath: string;

  it('detects the yellow wall as a key colour, and no key colour in ordinary footage', async () => {
    const found = await detectKeyColour(tools, TALKING_HEAD);
    expect(found).not.toBeNull();
    key = found!;
    // The wall measures about (185–215, 190–215, 10–30).
    expect(key[0]).toBeGreaterThan(160);
    expect(key[1]).toBeGreaterThan(160);
    expect(key[2]).toBeLessThan(60);
    expect(await detectKeyColour(tools, BOTTLES)).toBeNull();
  });

  it('keys the wall into a matte with soft edges (ground truth for the rest)', async () => {
    const probe = await probeVideo(tools, TALKING_HEAD);
    th = { width: probe.width, height: probe.height, frameCount: TH.count, fpsFraction: probe.fpsFraction };
    truthPath = path.join(dir, 'truth.mkv');
    await keyChroma(tools, TALKING_HEAD, truthPath, { keyColour: key, startFrame: TH.start, frameCount: TH.count });
    expect(await countFrames(tools, truthPath)).toBe(TH.count);
    truth = await collect(truthPath, th.width, th.height, 'gray');

    const { width, height } = th;
    const m = new cv.Mat(height, width, cv.CV_8UC1);
    const hard = new cv.Mat();
    const grown = new cv.Mat();
    const shrunk = new cv.Mat();
    const band = new cv.Mat();
    const soft = new cv.Mat();
    const lo = new cv.Mat(height, width, cv.CV_8UC1, new cv.Scalar(1));
    const hi = new cv.Mat(height, width, cv.CV_8UC1, new cv.Scalar(254));
    const kernel = cv.getStructuringElement(cv.MORPH_ELLIPSE, new cv.Size(7, 7));
    try {
      m.data.set(truth[0]);
      const fg = cv.countNonZero(m) / (width * height);
      expect(fg).toBeGreaterThan(0.2);
      expect(fg).toBeLessThan(0.8);
      // Partial alpha exists, and it sits on the subject's outline (within 3 px of the 50 % contour).
      cv.inRange(m, lo, hi, soft);
      cv.threshold(m, hard, 127, 255, cv.THRESH_BINARY);
      cv.dilate(hard, grown, kernel);
      cv.erode(hard, shrunk, kernel);
      cv.subtract(grown, shrunk, band);
      const partial = cv.countNonZero(soft);
      cv.bitwise_and(soft, band, soft);
      const onEdge = cv.countNonZero(soft);
      results.push(`chroma key: ${partial} partial-alpha pixels, ${((100 * onEdge) / partial).toFixed(1)} % on the edge band`);
      expect(partial).toBeGreaterThan(200);
      expect(onEdge / partial).toBeGreaterThan(0.9);
    } finally {
      for (const x of [m, hard, grown, shrunk, band, soft, lo, hi, kernel]) x.delete();
    }
  });

  it('IS-Net (keyframes + flow) matches the chroma key on the real wall', async () => {
    const out = path.join(dir, 'th-isnet.mkv');
    const before = isNetRuns;
    const r = await computeMattes(tools, TALKING_HEAD, th, counted, { stride: 'auto', startFrame: TH.start, outputPath: out });
    const got = await collect(out, th.width, th.height, 'gray');
    expect(got).toHaveLength(TH.count);
    const iou = mean(got.map((g, i) => matteIoU(cv, g, truth[i], th.width, th.height)));
    results.push(`talking head on the yellow wall vs chroma key: IoU ${iou.toFixed(4)} (${isNetRuns - before} IS-Net runs, keyframes ${r.keyframes.join(',')})`);
    // Measured 0.9735 on this range (IS-Net's edge is a little softer and wider than the key's).
    expect(iou).toBeGreaterThan(0.95);
    expect(r.keyframes[0]).toBe(0);
    expect(r.keyframes.at(-1)).toBe(TH.count - 1);
    expect(r.confidence).toHaveLength(TH.count);
  });

  // Measured 0.9894 and 0.9901.
  it.each([
    ['mountains_lake_sherburne_budgie.jpg', 0.97],
    ['city_street_beacon_street_sunset_budgie.jpg', 0.97],
  ])('IS-Net recovers the known alpha of the keyed talking head over %s', async (plateName, floor) => {
    const { width, height, fpsFraction } = th;
    const comp = path.join(dir, `comp-${plateName}.mkv`);
    // Foreground (despilled) × known alpha over the plate, frame-locked: the plate is looped at the clip's rate.
    await runFfmpeg(tools, [
      '-i', TALKING_HEAD,
      '-i', truthPath,
      '-framerate', fpsFraction, '-loop', '1', '-i', plate(plateName),
      '-filter_complex',
      [
        `[0:v]select='between(n\\,${TH.start}\\,${TH.start + TH.count - 1})',setpts=PTS-STARTPTS,${buildDespillFilter(key)},format=gbrap[fg]`,
        '[1:v]setpts=PTS-STARTPTS,format=gray[a]',
        '[fg][a]alphamerge[cut]',
        `[2:v]scale=${width}:${height}:force_original_aspect_ratio=increase,crop=${width}:${height},setsar=1,setpts=PTS-STARTPTS,format=gbrap[bg]`,
        '[bg][cut]overlay=shortest=1:format=gbrp,format=yuv444p[out]',
      ].join(';'),
      '-map', '[out]', '-frames:v', String(TH.count), '-c:v', 'ffv1', comp,
    ]);
    expect(await countFrames(tools, comp)).toBe(TH.count);
    const out = path.join(dir, `comp-${plateName}-isnet.mkv`);
    const before = isNetRuns;
    await computeMattes(tools, comp, th, counted, { stride: 'auto', outputPath: out });
    const got = await collect(out, width, height, 'gray');
    const iou = mean(got.map((g, i) => matteIoU(cv, g, truth[i], width, height)));
    results.push(`keyed talking head over ${plateName} vs its known alpha: IoU ${iou.toFixed(4)} (${isNetRuns - before} IS-Net runs)`);
    expect(iou).toBeGreaterThan(floor);
  });

  it('propagated mattes stay close to IS-Net on every frame while a hand moves a bottle', async () => {
    // Frames 100–111: the hand carries a bottle in from the top left.
    const shape: MatteVideoShape = { width: 640, height: 360, frameCount: 12, fpsFraction: '179/6' };
    const perFramePath = path.join(dir, 'bottles-per-frame.mkv');
    const keyedPath = path.join(dir, 'bottles-keyframes.mkv');
    const before = isNetRuns;
    await computeMattesPerFrame(tools, BOTTLES, shape, counted, { startFrame: 100, outputPath: perFramePath });
    const r = await computeMattes(tools, BOTTLES, shape, counted, { stride: 'auto', startFrame: 100, outputPath: keyedPath });
    const reference = await collect(perFramePath, shape.width, shape.height, 'gray');
    const propagated = await collect(keyedPath, shape.width, shape.height, 'gray');
    const ious = propagated.map((g, i) => matteIoU(cv, g, reference[i], shape.width, shape.height));
    results.push(
      `bottles 100–111, propagated vs per-frame IS-Net: mean IoU ${mean(ious).toFixed(4)}, min ${Math.min(...ious).toFixed(4)}; ` +
        `IS-Net on ${r.keyframes.length} of 12 frames (keyframes ${r.keyframes.join(',')}, re-runs ${r.reruns.join(',') || 'none'})`,
    );
    expect(isNetRuns - before).toBe(12);
    expect(r.keyframes.length).toBeLessThan(12);
    // Measured 0.9854 (min 0.93).
    expect(mean(ious)).toBeGreaterThan(0.96);
    // Where IS-Net ran, the propagated output is IS-Net's own matte.
    for (const k of r.keyframes) expect(ious[k]).toBe(1);
  });

  it('names the file and the fix when the model is missing or not a model', async () => {
    const missing = path.join(dir, 'nope.onnx');
    await expect(createIsNetMatter(missing, { provider: 'cpu' })).rejects.toThrow(MatteModelError);
    await expect(createIsNetMatter(missing, { provider: 'cpu' })).rejects.toThrow(new RegExp(`${missing}.*npm start`));
    const junk = path.join(dir, 'junk.onnx');
    await writeFile(junk, 'not a model');
    await expect(createIsNetMatter(junk, { provider: 'cpu' })).rejects.toThrow(/junk\.onnx could not be loaded.*corrupt.*npm start/);
  });

  it('falls back to the CPU under `auto` and says so; `cuda` alone fails where there is none', async () => {
    expect(['cpu', 'cuda']).toContain(isNet.provider);
    if (isNet.provider === 'cpu') {
      await expect(createIsNetMatter(MODEL, { provider: 'cuda' })).rejects.toThrow(/CUDA execution provider is unavailable/);
    }
  });
});

/** The orchestration alone, with a cheap stand-in for IS-Net (a luminance threshold): bookkeeping, output, abort. */
describe('computeMattes orchestration', () => {
  let dir: string;
  let cv: Cv;
  const shape: MatteVideoShape = { width: 640, height: 360, frameCount: 30, fpsFraction: '179/6' };
  let calls = 0;
  const stub = (): Matter => ({
    provider: 'cpu',
    async matte(rgb, width, height) {
      calls += 1;
      const src = new cv.Mat(height, width, cv.CV_8UC3);
      const grey = new cv.Mat();
      try {
        src.data.set(rgb);
        cv.cvtColor(src, grey, cv.COLOR_RGB2GRAY);
        // Dark things (caps, sleeve, hand) count as foreground.
        cv.threshold(grey, grey, 90, 255, cv.THRESH_BINARY_INV);
        return new Uint8Array(grey.data);
      } finally {
        src.delete();
        grey.delete();
      }
    },
    close: async () => undefined,
  });

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'matting-orch-'));
    cv = await loadOpenCv();
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  beforeEach(() => (calls = 0));

  it('writes one matte per frame and reports where the matter ran', async () => {
    const out = path.join(dir, 'auto.mkv');
    const progress: Array<[number, number]> = [];
    const r = await computeMattes(tools, BOTTLES, shape, stub(), {
      stride: 'auto',
      startFrame: 95,
      outputPath: out,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(await countFrames(tools, out)).toBe(30);
    expect(calls).toBe(r.keyframes.length);
    expect(r.keyframes[0]).toBe(0);
    expect(r.keyframes.at(-1)).toBe(29);
    expect([...r.keyframes].sort((a, b) => a - b)).toEqual(r.keyframes);
    expect(r.reruns.every((f) => r.keyframes.includes(f))).toBe(true);
    expect(r.confidence).toHaveLength(30);
    for (const k of r.keyframes) expect(r.confidence[k]).toBe(1);
    expect(r.motion).toHaveLength(30);
    expect(r.motion.slice(1).some((m) => m > 1)).toBe(true);
    expect(progress.at(-1)).toEqual([30, 30]);
    expect(progress.map(([d]) => d)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('keeps a fixed stride as planned keyframes, and stride 1 is IS-Net on every frame', async () => {
    const fixed = await computeMattes(tools, BOTTLES, shape, stub(), { stride: 7, startFrame: 95, outputPath: path.join(dir, 'k7.mkv'), confidenceFloor: 0 });
    expect(fixed.stride).toBe(7);
    expect(fixed.keyframes).toEqual([0, 7, 14, 21, 28, 29]);
    expect(fixed.reruns).toEqual([]);
    const every = await computeMattes(tools, BOTTLES, { ...shape, frameCount: 4 }, stub(), { stride: 1, startFrame: 95, outputPath: path.join(dir, 'k1.mkv') });
    expect(every.keyframes).toEqual([0, 1, 2, 3]);
    expect(await countFrames(tools, path.join(dir, 'k1.mkv'))).toBe(4);
  });

  it('stops when aborted and refuses an empty range', async () => {
    const abort = new AbortController();
    await expect(
      computeMattes(tools, BOTTLES, shape, stub(), {
        stride: 'auto',
        outputPath: path.join(dir, 'aborted.mkv'),
        signal: abort.signal,
        onProgress: () => abort.abort(new Error('stop')),
      }),
    ).rejects.toThrow('stop');
    await expect(computeMattes(tools, BOTTLES, { ...shape, frameCount: 0 }, stub(), { stride: 'auto', outputPath: path.join(dir, 'none.mkv') })).rejects.toThrow(
      /frameCount/,
    );
  });
});
