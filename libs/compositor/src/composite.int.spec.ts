import { mkdir, mkdtemp, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { applyH, cornerDisplacement, followSubject, frameCorners, inv3, mul3, scaleMotion, type Mat3 } from '@shotmatrix/domain';
import { buildEffectLayerArgs, countFrames, readFrames, runFfmpeg } from '@shotmatrix/media';
import { weightedSsim } from '@shotmatrix/qc';
import { createCameraMotionEstimator, loadOpenCv, matteCentroids, type Cv } from '@shotmatrix/vision';
import { buildCompositeArgs } from './composite-args';
import type { CompositePlan } from './composite-plan';
import { buildMovedPlateArgs, buildShapedMatteArgs } from './intermediates';
import { planPlateView } from './plate-view';
import { collect, encodeRaw, magentaMeter, renderPlan, SHARED_MEDIA, tools } from './test-helpers';

const run = promisify(execFile);

const W = 960;
const H = 540;
const N = 40;
const PLATE = { width: 1280, height: 720 };
/** The city-street plate's own size (3840×2160). */
const STREET = { width: 3840, height: 2160 };

function cornerError(a: Mat3, b: Mat3): number {
  const d = frameCorners({ width: W, height: H }).map(([x, y]) => {
    const [ax, ay] = applyH(a, x, y);
    const [bx, by] = applyH(b, x, y);
    return Math.hypot(ax - bx, ay - by);
  });
  return d.reduce((s, v) => s + v, 0) / d.length;
}
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;

/**
 * A master the test knows everything about: a virtual camera slides and zooms
 * across a real photograph (the background), and a subject — a patch of a real
 * clip's frame behind a soft elliptical alpha — stays in the middle of the
 * frame, as a tracked subject does. The alpha is written as the matte.
 */
describe('composite render (real ffmpeg, real footage)', () => {
  let cv: Cv;
  let dir: string;
  let masterPath: string;
  let mattePath: string;
  let matteFrame: Uint8Array;
  // Contracts' convention (pixel centres on halves): frame-0 → frame-t of the background.
  const truth: Mat3[] = [];

  beforeAll(async () => {
    cv = await loadOpenCv();
    dir = await mkdtemp(path.join(tmpdir(), 'composite-'));
    const [bgRgb] = await collect(readFrames(tools, path.join(SHARED_MEDIA, 'plates', 'mountains_lake_sherburne_budgie.jpg'), { ...PLATE, pixelFormat: 'rgb24' }));
    const [subjRgb] = await collect(readFrames(tools, path.join(SHARED_MEDIA, 'clips', 'talking_head_yellow_backdrop_mdn.mp4'), { width: W, height: H, pixelFormat: 'rgb24', frameCount: 1 }));
    const plateToFrame = (t: number): Mat3 => {
      const u = t / (N - 1);
      const s = 1 - 0.15 * u;
      const ox = 60 + 150 * u;
      const oy = 40 + 30 * u * u;
      return [1 / s, 0, -ox / s, 0, 1 / s, -oy / s, 0, 0, 1];
    };
    const half: Mat3 = [1, 0, 0.5, 0, 1, 0.5, 0, 0, 1];
    const unhalf: Mat3 = [1, 0, -0.5, 0, 1, -0.5, 0, 0, 1];
    for (let t = 0; t < N; t++) truth.push(mul3(mul3(half, mul3(plateToFrame(t), inv3(plateToFrame(0))!)), unhalf));

    const plate = new cv.Mat(PLATE.height, PLATE.width, cv.CV_8UC3);
    plate.data.set(bgRgb);
    const subject = new cv.Mat(H, W, cv.CV_8UC3);
    subject.data.set(subjRgb);
    const alpha = cv.Mat.zeros(H, W, cv.CV_8UC1);
    cv.ellipse(alpha, new cv.Point(W / 2, H / 2), new cv.Size(170, 210), 0, 0, 360, new cv.Scalar(255), -1);
    cv.GaussianBlur(alpha, alpha, new cv.Size(9, 9), 2);
    matteFrame = alpha.data.slice();
    const alpha3 = new cv.Mat();
    cv.cvtColor(alpha, alpha3, cv.COLOR_GRAY2RGB);
    const bg = new cv.Mat();
    const out = new cv.Mat();
    const rawMaster = path.join(dir, 'master.rgb');
    const rawMatte = path.join(dir, 'matte.gray');
    const fm = await open(rawMaster, 'w');
    const fa = await open(rawMatte, 'w');
    try {
      for (let t = 0; t < N; t++) {
        const m = cv.matFromArray(3, 3, cv.CV_64F, plateToFrame(t));
        cv.warpPerspective(plate, bg, m, new cv.Size(W, H), cv.INTER_LINEAR, cv.BORDER_REFLECT, new cv.Scalar());
        m.delete();
        // out = bg + (subject − bg)·α, in 8-bit via opencv's blend helpers.
        const a32 = new cv.Mat();
        const s32 = new cv.Mat();
        const b32 = new cv.Mat();
        alpha3.convertTo(a32, cv.CV_32FC3, 1 / 255);
        subject.convertTo(s32, cv.CV_32FC3);
        bg.convertTo(b32, cv.CV_32FC3);
        cv.subtract(s32, b32, s32);
        cv.multiply(s32, a32, s32);
        cv.add(b32, s32, b32);
        b32.convertTo(out, cv.CV_8UC3);
        for (const x of [a32, s32, b32]) x.delete();
        await fm.write(out.data);
        await fa.write(matteFrame);
      }
    } finally {
      await fm.close();
      await fa.close();
      for (const x of [plate, subject, alpha, alpha3, bg, out]) x.delete();
    }
    masterPath = path.join(dir, 'master.mp4');
    mattePath = path.join(dir, 'matte.mkv');
    await encodeRaw(rawMaster, 'rgb24', { width: W, height: H }, masterPath, 14);
    await encodeRaw(rawMatte, 'gray', { width: W, height: H }, mattePath);
    await rm(rawMaster);
    await rm(rawMatte);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  function plan(name: string, m: number, extra: Partial<CompositePlan> = {}): CompositePlan {
    const motion = truth.map((h) => scaleMotion(h, m, { width: W, height: H }));
    return {
      master: { path: masterPath, width: W, height: H, fpsFraction: '25/1', frameCount: N, hasAudio: false },
      environment: {
        mattePath,
        plate: { kind: 'image', path: path.join(SHARED_MEDIA, 'plates', 'city_street_beacon_street_sunset_budgie.jpg'), ...STREET },
        view: planPlateView(STREET, { width: W, height: H }, motion),
        motion,
        chokePx: 0,
        featherPx: 0,
        lightWrap: 0,
        effects: [],
      },
      grade: null,
      structureAdherence: 1,
      harmonise: null,
      layers: [],
      outputs: [{ kind: 'master', path: path.join(dir, `${name}.mp4`) }],
      encode: { crf: 16, preset: 'veryfast' },
      thumbnail: { path: path.join(dir, `${name}.jpg`), width: 320, frame: 0 },
      ...extra,
    };
  }

  const render = (p: CompositePlan, name: string) => renderPlan(p, path.join(dir, `${name}.graph`), name);

  /** The plate's motion in a render, measured the way the analysis measures the master's, with the subject masked out. */
  async function measuredMotion(file: string) {
    const est = createCameraMotionEstimator(cv, { width: W, height: H, workWidth: 480, workHeight: 270 });
    const rgb = new cv.Mat(270, 480, cv.CV_8UC3);
    const grey = new cv.Mat();
    const a = new cv.Mat(H, W, cv.CV_8UC1);
    a.data.set(matteFrame);
    const small = new cv.Mat();
    cv.resize(a, small, new cv.Size(480, 270), 0, 0, cv.INTER_AREA);
    // A little extra around the subject: its soft edge mixes the two plates.
    cv.dilate(small, small, cv.getStructuringElement(cv.MORPH_ELLIPSE, new cv.Size(9, 9)));
    const workMatte = small.data.slice();
    try {
      for await (const f of readFrames(tools, file, { width: 480, height: 270, pixelFormat: 'rgb24' })) {
        rgb.data.set(f);
        cv.cvtColor(rgb, grey, cv.COLOR_RGB2GRAY);
        est.push(grey.data, workMatte);
      }
      return est.result();
    } finally {
      for (const x of [rgb, grey, a, small]) x.delete();
      est.close();
    }
  }

  it('m=1 moves a still plate exactly as the master camera moved; m=0 holds it still', async () => {
    await render(plan('m1', 1), 'm1');
    await render(plan('m0', 0), 'm0');
    expect(await countFrames(tools, path.join(dir, 'm1.mp4'))).toBe(N);
    expect(await countFrames(tools, path.join(dir, 'm0.mp4'))).toBe(N);

    const m1 = await measuredMotion(path.join(dir, 'm1.mp4'));
    const errors = m1.frames.map((f, t) => cornerError(f.h, truth[t]));
    const travel = cornerDisplacement(truth[N - 1], { width: W, height: H });
    const m0 = await measuredMotion(path.join(dir, 'm0.mp4'));
    const still = m0.frames.map((f) => cornerDisplacement(f.h, { width: W, height: H }));
    console.log(
      `camera-motion transfer ${W}×${H}, ${N} frames, master corners travel ${travel.toFixed(0)} px: ` +
        `m=1 mean corner error ${mean(errors).toFixed(3)} px (worst ${Math.max(...errors).toFixed(3)}); ` +
        `m=0 plate moves at most ${Math.max(...still).toFixed(3)} px`,
    );
    expect(travel).toBeGreaterThan(100);
    expect(mean(errors)).toBeLessThan(1);
    expect(Math.max(...errors)).toBeLessThan(1.5);
    expect(Math.max(...still)).toBeLessThan(0.5);
  });

  it('puts an effect layer between plate and subject, on only between its frames', async () => {
    // A real photograph as the effect, at half opacity, on frames 10…20 (made the way the worker makes it).
    const fx = path.join(dir, 'fx.png');
    await runFfmpeg(tools, buildEffectLayerArgs({ inputPath: path.join(SHARED_MEDIA, 'plates', 'city_skyline_singapore_budgie.jpg'), width: W, height: H, opacity: 0.5, outputPath: fx }));
    const base = plan('fxbase', 0);
    await render(base, 'fxbase');
    await render({ ...base, environment: { ...base.environment!, effects: [{ path: fx, x: 0, y: 0, from: 10, to: 20 }] }, outputs: [{ kind: 'master', path: path.join(dir, 'fx.mp4') }] }, 'fx');
    const grey = async (file: string) => collect(readFrames(tools, file, { width: W, height: H, pixelFormat: 'gray' }));
    const [a, b] = [await grey(path.join(dir, 'fxbase.mp4')), await grey(path.join(dir, 'fx.mp4'))];
    expect(b.length).toBe(N);
    // Mean absolute difference over the background (matte 0) and over the subject's core (matte 255).
    const diff = (t: number, where: (alpha: number) => boolean) => {
      let sum = 0;
      let n = 0;
      for (let i = 0; i < W * H; i++) {
        if (!where(matteFrame[i])) continue;
        sum += Math.abs(a[t][i] - b[t][i]);
        n += 1;
      }
      return sum / n;
    };
    const bgOn = diff(15, (m) => m === 0);
    const subjectOn = diff(15, (m) => m === 255);
    console.log(`effect layer at 50 %: background changes by ${bgOn.toFixed(1)} grey levels on frame 15, the subject by ${subjectOn.toFixed(2)}; off-frames ${diff(5, (m) => m === 0).toFixed(2)} / ${diff(25, (m) => m === 0).toFixed(2)}`);
    expect(bgOn).toBeGreaterThan(10);
    // Off its frames only encoding noise differs (the two encodes spend their bits differently): ~1.5 levels.
    expect(subjectOn).toBeLessThan(2);
    expect(diff(5, (m) => m === 0)).toBeLessThan(3);
    expect(diff(25, (m) => m === 0)).toBeLessThan(3);
  });

  it('m=0.5 moves the plate half way', async () => {
    await render(plan('mhalf', 0.5), 'mhalf');
    const got = await measuredMotion(path.join(dir, 'mhalf.mp4'));
    const want = truth.map((h) => scaleMotion(h, 0.5, { width: W, height: H }));
    const errors = got.frames.map((f, t) => cornerError(f.h, want[t]));
    expect(mean(errors)).toBeLessThan(1);
    expect(cornerDisplacement(want[N - 1], { width: W, height: H })).toBeGreaterThan(50);
  });

  it('s=1 keeps the subject the master’s (foreground SSIM ≥ 0.97); a grade at s=0 changes it', async () => {
    const lut = path.join(SHARED_MEDIA, 'luts', 'teal_orange_cinema.cube');
    await render(plan('s1', 1, { grade: { lutPath: lut, plateAmount: 1, frameAmount: 0.8 }, structureAdherence: 1 }), 's1');
    await render(plan('s0', 1, { grade: { lutPath: lut, plateAmount: 1, frameAmount: 0.8 }, structureAdherence: 0 }), 's0');
    const core = new cv.Mat(H, W, cv.CV_8UC1);
    core.data.set(matteFrame);
    // The subject's inside: its soft rim legitimately mixes in the new plate.
    cv.threshold(core, core, 250, 255, cv.THRESH_BINARY);
    cv.erode(core, core, cv.getStructuringElement(cv.MORPH_ELLIPSE, new cv.Size(7, 7)));
    const weight = core.data.slice();
    core.delete();
    const ssimOf = async (file: string) => {
      const a = readFrames(tools, masterPath, { width: W, height: H, pixelFormat: 'gray' });
      const scores: number[] = [];
      try {
        for await (const b of readFrames(tools, file, { width: W, height: H, pixelFormat: 'gray' })) {
          const m = await a.next();
          scores.push(weightedSsim(cv, m.value as Uint8Array, b, weight, W, H).mean);
        }
      } finally {
        await a.return(undefined);
      }
      return mean(scores);
    };
    const s1 = await ssimOf(path.join(dir, 's1.mp4'));
    const s0 = await ssimOf(path.join(dir, 's0.mp4'));
    console.log(`foreground SSIM vs master with a teal/orange grade: s=1 ${s1.toFixed(4)}, s=0 ${s0.toFixed(4)}`);
    expect(s1).toBeGreaterThanOrEqual(0.97);
    expect(s0).toBeLessThan(s1);
  });

  it('reframes to 9:16 around the subject it follows, keeping every frame', async () => {
    const centroids = await matteCentroids(tools, mattePath, { width: W, height: H });
    expect(centroids).toHaveLength(N);
    expect(Math.abs(centroids[0]![0] - W / 2)).toBeLessThan(2);
    const reframe = followSubject({ width: W, height: H }, 9 / 16, centroids, 12)!;
    await render(plan('portrait', 1, { reframe, outputs: [{ kind: 'master', path: path.join(dir, 'portrait.mp4') }] }), 'portrait');
    const probe = JSON.parse(
      (await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'json', path.join(dir, 'portrait.mp4')])).stdout,
    ).streams[0];
    expect(probe).toEqual({ width: 304, height: 540 });
    expect(await countFrames(tools, path.join(dir, 'portrait.mp4'))).toBe(N);
    // The subject sits in the middle of the master, so the window is the middle of the frame.
    expect(reframe.x.every((x) => Math.abs(x - (W - 304) / 2) <= 2)).toBe(true);
  });

  it('warps a label onto a tracked plane every frame and hides it where the plane was lost', async () => {
    const labelPng = path.join(dir, 'magenta.png');
    await runFfmpeg(tools, ['-f', 'lavfi', '-i', 'color=c=0xff00ff:s=200x100,format=rgba', '-frames:v', '1', labelPng]);
    const seed: Array<[number, number]> = [
      [600, 60],
      [800, 60],
      [800, 160],
      [600, 160],
    ];
    const LOST = 20;
    const quads = truth.map((h, t) => (t === LOST ? null : (seed.map(([x, y]) => applyH(h, x, y)) as [[number, number], [number, number], [number, number], [number, number]])));
    const p = plan('plane', 1, {
      environment: null,
      planeLabel: { path: labelPng, size: { width: 200, height: 100 }, quads, shading: 0, referenceLuma: 128 },
    });
    await render(p, 'plane');
    const errors: number[] = [];
    const magenta = magentaMeter(cv, W, H);
    const w = new cv.Mat();
    let t = 0;
    try {
      for await (const f of readFrames(tools, path.join(dir, 'plane.mp4'), { width: W, height: H, pixelFormat: 'rgb24' })) {
        // Magenta-ness, soft: kept above a floor as a weight. x264's 4:2:0 chroma blurs the label's colour edge over
        // two pixels; soft weights keep that blur from biasing the centroid the way a hard threshold would.
        magenta.measure(f, w);
        cv.threshold(w, w, 60, 0, cv.THRESH_TOZERO);
        const m = cv.moments(w, false);
        const area = m.m00 / 255;
        if (t === LOST) {
          expect(area).toBeLessThan(50);
        } else {
          const [cx, cy] = applyH(truth[t], 700, 110);
          // Moments count pixel centres on integers; the contracts put them on halves.
          errors.push(Math.hypot(m.m10 / m.m00 + 0.5 - cx, m.m01 / m.m00 + 0.5 - cy));
          expect(area).toBeGreaterThan(0.7 * 200 * 100 * truth[t][0] * truth[t][4]);
        }
        t += 1;
      }
    } finally {
      w.delete();
      magenta.delete();
    }
    expect(t).toBe(N);
    console.log(`label on a tracked plane: centre error mean ${mean(errors).toFixed(3)} px, worst ${Math.max(...errors).toFixed(3)} px over ${errors.length} frames`);
    expect(Math.max(...errors)).toBeLessThan(1);
  });

  it('renders the same picture from intermediates made ahead (moved plate, shaped matte) as in one pass', async () => {
    const m1 = plan('inline', 1);
    m1.environment = { ...m1.environment!, chokePx: 1, featherPx: 3 };
    m1.grade = { lutPath: path.join(SHARED_MEDIA, 'luts', 'warm_cinema.cube'), plateAmount: 1, frameAmount: 0.5 };
    await render(m1, 'inline');
    const env = m1.environment!;
    const moved = path.join(dir, 'moved-plate.mkv');
    const shaped = path.join(dir, 'shaped-matte.mkv');
    for (const [cmd, name] of [
      [buildMovedPlateArgs({ master: m1.master, environment: env, grade: m1.grade, outputPath: moved }, path.join(dir, 'moved.graph')), 'moved'],
      [buildShapedMatteArgs({ master: m1.master, mattePath, chokePx: 1, featherPx: 3, outputPath: shaped }, path.join(dir, 'shaped.graph')), 'shaped'],
    ] as const) {
      await writeFile(path.join(dir, `${name}.graph`), cmd.graph);
      await runFfmpeg(tools, cmd.args);
    }
    expect(await countFrames(tools, moved)).toBe(N);
    expect(await countFrames(tools, shaped)).toBe(N);
    const m2 = plan('ahead', 1, { grade: m1.grade });
    m2.environment = { ...env, mattePath: shaped, matteShaped: true, movedPlatePath: moved };
    const cmd = buildCompositeArgs(m2, path.join(dir, 'ahead.graph'));
    // Nothing is warped, graded or shaped per frame any more: those were made ahead.
    expect(cmd.graph).not.toMatch(/perspective|lut3d|erosion|gblur/);
    await render(m2, 'ahead');
    // The same pixels but for the moved plate's near-lossless encode: a fraction of a grey level on average.
    const a = await collect(readFrames(tools, path.join(dir, 'inline.mp4'), { width: W, height: H, pixelFormat: 'gray' }));
    const b = await collect(readFrames(tools, path.join(dir, 'ahead.mp4'), { width: W, height: H, pixelFormat: 'gray' }));
    expect(b.length).toBe(N);
    const diffs = a.map((fa, t) => fa.reduce((sum, v, i) => sum + Math.abs(v - b[t][i]), 0) / fa.length);
    console.log(`inline vs intermediates: mean difference ${mean(diffs).toFixed(3)} grey levels, worst frame ${Math.max(...diffs).toFixed(3)}`);
    expect(Math.max(...diffs)).toBeLessThan(1);
    // Control: the same measure between two different renders (m = 0 against m = 1) is large, so the check can fail.
    await render(plan('still', 0, { grade: m1.grade }), 'still');
    const still = await collect(readFrames(tools, path.join(dir, 'still.mp4'), { width: W, height: H, pixelFormat: 'gray' }));
    expect(still[N - 1].reduce((sum, v, i) => sum + Math.abs(v - a[N - 1][i]), 0) / still[N - 1].length).toBeGreaterThan(5);
  });

  it('shades a label by the master’s light in proportion to s, alike in YUV (4:2:0 deliverables) and RGB', async () => {
    const labelPng = path.join(dir, 'orange.png');
    await runFfmpeg(tools, ['-f', 'lavfi', '-i', 'color=c=0xd08040:s=200x100,format=rgba', '-frames:v', '1', labelPng]);
    // A plane over the moving background, left of the subject: its light changes across the plane.
    const quad: [[number, number], [number, number], [number, number], [number, number]] = [
      [40, 300],
      [240, 300],
      [240, 400],
      [40, 400],
    ];
    const box = { x: 50, y: 310, width: 180, height: 80 };
    const lumaIn = async (file: string, t: number) => {
      const [f] = await collect(readFrames(tools, file, { width: W, height: H, pixelFormat: 'gray', startFrame: t, frameCount: 1 }));
      const out: number[] = [];
      for (let y = box.y; y < box.y + box.height; y++) for (let x = box.x; x < box.x + box.width; x++) out.push(f[y * W + x]);
      return out;
    };
    const masterLuma = await lumaIn(masterPath, 0);
    const referenceLuma = mean(masterLuma);
    const shaded = (name: string, shading: number, kind: 'master' | 'prores') =>
      render(
        plan(name, 1, {
          environment: null,
          planeLabel: { path: labelPng, size: { width: 200, height: 100 }, quads: Array.from({ length: N }, () => quad), shading, referenceLuma },
          outputs: [{ kind, path: path.join(dir, `${name}.${kind === 'prores' ? 'mov' : 'mp4'}`) }],
        }),
        name,
      );
    await shaded('shade-yuv', 1, 'master');
    await shaded('shade-rgb', 1, 'prores');
    await shaded('shade-off', 0, 'master');
    const [yuv, rgb, off] = [await lumaIn(path.join(dir, 'shade-yuv.mp4'), 0), await lumaIn(path.join(dir, 'shade-rgb.mov'), 0), await lumaIn(path.join(dir, 'shade-off.mp4'), 0)];
    // The model: the label's luma above black scaled by the master's light relative to the seed's, never brightened.
    const model = off.map((v, i) => 16 + (v - 16) * Math.min(1, masterLuma[i] / referenceLuma));
    const err = (v: number[]) => mean(v.map((x, i) => Math.abs(x - model[i])));
    console.log(
      `label shading, mean distance from the model: ${err(yuv).toFixed(2)} in YUV, ${err(rgb).toFixed(2)} in RGB, ${err(off).toFixed(2)} unshaded; ` +
        `YUV vs RGB ${mean(yuv.map((v, i) => Math.abs(v - rgb[i]))).toFixed(2)} grey levels`,
    );
    // Shaded, the label follows the master's light across the plane, as closely in YUV as in RGB; unshaded it does
    // not (the control: the measure can fail).
    expect(err(yuv)).toBeLessThan(3);
    expect(err(rgb)).toBeLessThan(3);
    expect(err(off)).toBeGreaterThan(3 * err(yuv));
    expect(mean(yuv.map((v, i) => Math.abs(v - rgb[i])))).toBeLessThan(3);
  });

  it('takes a video plate at another rate and length: resampled, cut, every master frame kept', async () => {
    const clip = path.join(SHARED_MEDIA, 'clips', 'macro_flower_mdn.mp4'); // 960×540, 150 frames at 29.97
    const motion = truth.map((h) => scaleMotion(h, 1, { width: W, height: H }));
    const p = plan('videoplate', 1);
    p.environment = {
      ...p.environment!,
      plate: { kind: 'video', path: clip, width: 960, height: 540 },
      view: planPlateView({ width: 960, height: 540 }, { width: W, height: H }, motion),
    };
    await render(p, 'videoplate');
    expect(await countFrames(tools, path.join(dir, 'videoplate.mp4'))).toBe(N);
  });

  it('writes every deliverable in one pass: frame counts equal, HDR10 is PQ/BT.2020, EXR frames are half float', async () => {
    const outputs = ['draft', 'master', 'prores', 'hdr10', 'exr'] as const;
    const files: Record<string, string> = { draft: 'd.mp4', master: 'm.mp4', prores: 'p.mov', hdr10: 'h.mp4', exr: 'exr/%05d.exr' };
    await rm(path.join(dir, 'exr'), { recursive: true, force: true });
    await mkdir(path.join(dir, 'exr'));
    await render(plan('all', 1, { outputs: outputs.map((kind) => ({ kind, path: path.join(dir, files[kind]) })) }), 'all');
    for (const k of ['draft', 'master', 'prores', 'hdr10'] as const) expect(await countFrames(tools, path.join(dir, files[k]))).toBe(N);
    const probe = async (f: string) =>
      JSON.parse((await run('ffprobe', ['-v', 'error', '-show_streams', '-select_streams', 'v:0', '-of', 'json', path.join(dir, f)])).stdout).streams[0];
    const hdr = await probe('h.mp4');
    expect(hdr).toMatchObject({ codec_name: 'hevc', color_transfer: 'smpte2084', color_primaries: 'bt2020', pix_fmt: 'yuv420p10le' });
    expect(hdr.profile).toBe('Main 10');
    expect(await probe('p.mov')).toMatchObject({ codec_name: 'prores', profile: 'HQ' });
    expect(await probe('d.mp4')).toMatchObject({ height: 540 });
    const exr = (await readdir(path.join(dir, 'exr'))).sort();
    expect(exr).toHaveLength(N);
    expect(exr[0]).toBe('00000.exr');
    // OpenEXR header: the channel list's pixel type per channel (0 uint, 1 half, 2 float).
    const head = await readFile(path.join(dir, 'exr', exr[0]));
    expect(head.readUInt32LE(0)).toBe(20000630);
    const at = head.indexOf('chlist');
    const list = head.subarray(at + 'chlist'.length + 1 + 4);
    const types: number[] = [];
    let p = 0;
    while (list[p] !== 0) {
      const end = list.indexOf(0, p);
      types.push(list.readInt32LE(end + 1));
      p = end + 1 + 16;
    }
    expect(types.length).toBeGreaterThanOrEqual(3);
    expect(types.every((t) => t === 1)).toBe(true);
    expect((await probe(path.join('exr', exr[0]))).codec_name).toBe('exr');
  });
});
