import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Quad } from '@shotmatrix/contracts';
import { readFrames, runFfmpeg, writeRgbaPng } from '@shotmatrix/media';
import { loadOpenCv, rectifyPlane, type Cv } from '@shotmatrix/vision';
import type { CompositePlan } from './composite-plan';
import { buildOcclusionKeyArgs } from './intermediates';
import { OCCLUSION_THRESHOLD, type PlaneLabel } from './plane-label';
import { collect, encodeRaw, magentaMeter, renderPlan, SHARED_MEDIA, tools } from './test-helpers';

const W = 480;
const H = 270;
const N = 30;
/** The "bottle": part of the subject, its label printed with a real photograph (a city skyline). */
const BOTTLE = { x: 180, y: 40, width: 120, height: 210 };
/** A hand (a skin-coloured disc, in the matte) crossing the frame left to right. */
const HAND_R = 30;
const handAt = (t: number): [number, number] => [90 + (300 * t) / (N - 1), 140];
/** A label plane on the bottle, and one on a poster in the background. */
const ON_BOTTLE: Quad = [
  [200, 80],
  [280, 80],
  [280, 200],
  [200, 200],
];
const ON_WALL: Quad = [
  [330, 60],
  [430, 60],
  [430, 140],
  [330, 140],
];

/**
 * A master the test knows everything about: a still background (a real
 * photograph), a textured bottle and a hand that passes in front of it, both
 * in the matte. The camera holds still, so each plane's quad is the same on
 * every frame and "in front of the plane" is exactly the hand's disc.
 */
describe('label occlusion on a tracked plane (real ffmpeg, real footage)', () => {
  let cv: Cv;
  let dir: string;
  let masterPath: string;
  let mattePath: string;
  let labelPath: string;

  beforeAll(async () => {
    cv = await loadOpenCv();
    dir = await mkdtemp(path.join(tmpdir(), 'occlusion-'));
    const [bgRgb] = await collect(readFrames(tools, path.join(SHARED_MEDIA, 'plates', 'mountains_lake_sherburne_budgie.jpg'), { width: W, height: H, pixelFormat: 'rgb24' }));
    const [texRgb] = await collect(
      readFrames(tools, path.join(SHARED_MEDIA, 'plates', 'city_skyline_singapore_budgie.jpg'), { width: BOTTLE.width, height: BOTTLE.height, pixelFormat: 'rgb24', frameCount: 1 }),
    );
    const frame = new cv.Mat(H, W, cv.CV_8UC3);
    const matte = new cv.Mat(H, W, cv.CV_8UC1);
    const tex = new cv.Mat(BOTTLE.height, BOTTLE.width, cv.CV_8UC3);
    tex.data.set(texRgb);
    const rawMaster = path.join(dir, 'master.rgb');
    const rawMatte = path.join(dir, 'matte.gray');
    const fm = await open(rawMaster, 'w');
    const fa = await open(rawMatte, 'w');
    try {
      for (let t = 0; t < N; t++) {
        frame.data.set(bgRgb);
        matte.setTo(new cv.Scalar(0));
        const roi = frame.roi(new cv.Rect(BOTTLE.x, BOTTLE.y, BOTTLE.width, BOTTLE.height));
        tex.copyTo(roi);
        roi.delete();
        cv.rectangle(matte, new cv.Point(BOTTLE.x, BOTTLE.y), new cv.Point(BOTTLE.x + BOTTLE.width - 1, BOTTLE.y + BOTTLE.height - 1), new cv.Scalar(255), -1);
        const [hx, hy] = handAt(t);
        cv.circle(frame, new cv.Point(Math.round(hx), hy), HAND_R, new cv.Scalar(224, 172, 140), -1);
        cv.circle(matte, new cv.Point(Math.round(hx), hy), HAND_R, new cv.Scalar(255), -1);
        await fm.write(frame.data);
        await fa.write(matte.data);
      }
    } finally {
      await fm.close();
      await fa.close();
      for (const x of [frame, matte, tex]) x.delete();
    }
    masterPath = path.join(dir, 'master.mp4');
    mattePath = path.join(dir, 'matte.mkv');
    await encodeRaw(rawMaster, 'rgb24', { width: W, height: H }, masterPath, 16);
    await encodeRaw(rawMatte, 'gray', { width: W, height: H }, mattePath);
    await rm(rawMaster);
    await rm(rawMatte);
    labelPath = path.join(dir, 'magenta.png');
    await runFfmpeg(tools, ['-f', 'lavfi', '-i', 'color=c=0xff00ff:s=80x120,format=rgba', '-frames:v', '1', labelPath]);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  /** The plane's look at frame 0 (the hand is away from both planes), as the worker makes it with vision's planeReference. */
  async function reference(quad: Quad, name: string, size: { width: number; height: number }): Promise<string> {
    const [rgb] = await collect(readFrames(tools, masterPath, { width: W, height: H, pixelFormat: 'rgb24', frameCount: 1 }));
    const [m] = await collect(readFrames(tools, mattePath, { width: W, height: H, pixelFormat: 'gray', frameCount: 1 }));
    const ref = rectifyPlane(cv, rgb, m, { width: W, height: H }, quad, size);
    const png = path.join(dir, `${name}.png`);
    await writeRgbaPng(tools, ref.rgba, ref, png);
    return png;
  }

  /** `referenceSize`: the size the reference is rectified at (default: the label's, 80×120; the worker uses the plane's). */
  async function render(
    name: string,
    quad: Quad,
    o: { occlude: boolean; keyAhead?: boolean; shaded?: boolean; referenceSize?: { width: number; height: number } },
  ): Promise<string> {
    const { occlude, keyAhead = false, shaded = false, referenceSize = { width: 80, height: 120 } } = o;
    const planeLabel: PlaneLabel = {
      path: labelPath,
      size: { width: 80, height: 120 },
      quads: Array.from({ length: N }, () => quad),
      // Shaded, with a seed so dark the shade leaves the label as it is: only the path differs (shade and cut in one lookup).
      shading: shaded ? 1 : 0,
      referenceLuma: shaded ? 8 : 128,
      occlusion: occlude ? { referencePath: await reference(quad, `${name}-ref`, referenceSize), referenceSize, mattePath, threshold: OCCLUSION_THRESHOLD } : null,
    };
    const master = { path: masterPath, width: W, height: H, fpsFraction: '25/1', frameCount: N, hasAudio: false };
    if (keyAhead && planeLabel.occlusion) {
      // The key made once per master and plane (as the worker shares it between cells), then read by the composite.
      const key = path.join(dir, `${name}-key.mkv`);
      const cmd = buildOcclusionKeyArgs({ master, label: planeLabel, occlusion: planeLabel.occlusion, outputPath: key }, path.join(dir, `${name}-key.graph`));
      await writeFile(path.join(dir, `${name}-key.graph`), cmd.graph);
      await runFfmpeg(tools, cmd.args);
      planeLabel.occlusionKeyPath = key;
    }
    const out = path.join(dir, `${name}.mp4`);
    const plan: CompositePlan = {
      master,
      environment: null,
      grade: null,
      structureAdherence: 1,
      harmonise: null,
      planeLabel,
      layers: [],
      outputs: [{ kind: 'master', path: out }],
      encode: { crf: 16, preset: 'veryfast' },
      thumbnail: { path: path.join(dir, `${name}.jpg`), width: 240, frame: 0 },
    };
    await renderPlan(plan, path.join(dir, `${name}.graph`), name);
    return out;
  }

  /**
   * Per frame, the share of label-magenta pixels (a) under the hand, well
   * inside its disc, and (b) on the plane well away from the hand; frames
   * where the hand covers too little of the plane to judge give null for (a).
   */
  async function magentaShares(file: string, quad: Quad): Promise<Array<{ t: number; under: number | null; clear: number }>> {
    const meter = magentaMeter(cv, W, H);
    const w = new cv.Mat();
    const magenta = new cv.Mat();
    const plane = cv.Mat.zeros(H, W, cv.CV_8UC1);
    const under = new cv.Mat();
    const clear = new cv.Mat();
    const [x0, y0] = quad[0];
    const [x1, y1] = quad[2];
    // A few pixels inside the plane's edges, which x264's 4:2:0 chroma blurs.
    cv.rectangle(plane, new cv.Point(x0 + 3, y0 + 3), new cv.Point(x1 - 4, y1 - 4), new cv.Scalar(255), -1);
    const out: Array<{ t: number; under: number | null; clear: number }> = [];
    let t = 0;
    try {
      for await (const f of readFrames(tools, file, { width: W, height: H, pixelFormat: 'rgb24' })) {
        meter.measure(f, w);
        cv.threshold(w, w, 80, 255, cv.THRESH_BINARY);
        w.convertTo(magenta, cv.CV_8UC1);
        const [hx, hy] = handAt(t);
        const disc = (r: number) => {
          const m = cv.Mat.zeros(H, W, cv.CV_8UC1);
          cv.circle(m, new cv.Point(Math.round(hx), hy), r, new cv.Scalar(255), -1);
          return m;
        };
        const inner = disc(HAND_R - 4);
        const outer = disc(HAND_R + 6);
        cv.bitwise_and(plane, inner, under);
        cv.bitwise_not(outer, outer);
        cv.bitwise_and(plane, outer, clear);
        const share = (mask: typeof under) => {
          const area = cv.countNonZero(mask);
          if (area < 200) return null;
          const hit = new cv.Mat();
          cv.bitwise_and(magenta, mask, hit);
          const n = cv.countNonZero(hit);
          hit.delete();
          return n / area;
        };
        out.push({ t, under: share(under), clear: share(clear) ?? 0 });
        inner.delete();
        outer.delete();
        t += 1;
      }
    } finally {
      for (const x of [w, magenta, plane, under, clear]) x.delete();
      meter.delete();
    }
    expect(t).toBe(N);
    return out;
  }

  it('hides a label on the bottle where the hand passes in front, and only there', async () => {
    const shares = await magentaShares(await render('bottle', ON_BOTTLE, { occlude: true }), ON_BOTTLE);
    const crossed = shares.filter((s) => s.under !== null);
    expect(crossed.length).toBeGreaterThan(5);
    const worstUnder = Math.max(...crossed.map((s) => s.under!));
    const worstClear = Math.min(...shares.map((s) => s.clear));
    console.log(`occlusion on the bottle: label under the hand ≤ ${(worstUnder * 100).toFixed(1)} %, beside it ≥ ${(worstClear * 100).toFixed(1)} % over ${crossed.length} frames`);
    expect(worstUnder).toBeLessThan(0.05);
    expect(worstClear).toBeGreaterThan(0.95);

    // The key made ahead hides the same pixels: the composite reads what it would have worked out. So does a key
    // whose reference was rectified at a size and shape of its own rather than the label's (80×120).
    const ahead = await magentaShares(await render('bottle-ahead', ON_BOTTLE, { occlude: true, keyAhead: true }), ON_BOTTLE);
    const aheadShaded = await magentaShares(await render('bottle-ahead-shaded', ON_BOTTLE, { occlude: true, keyAhead: true, shaded: true }), ON_BOTTLE);
    const ownSize = await magentaShares(await render('bottle-ahead-own-size', ON_BOTTLE, { occlude: true, keyAhead: true, referenceSize: { width: 150, height: 96 } }), ON_BOTTLE);
    for (const other of [ahead, aheadShaded, ownSize]) {
      other.forEach((a, t) => {
        expect(Math.abs((a.under ?? 0) - (shares[t].under ?? 0))).toBeLessThan(0.01);
        expect(Math.abs(a.clear - shares[t].clear)).toBeLessThan(0.01);
      });
    }

    // Control: without occlusion the same measure sees the label over the hand, so the check above can fail.
    const control = await magentaShares(await render('bottle-control', ON_BOTTLE, { occlude: false }), ON_BOTTLE);
    expect(Math.min(...control.filter((s) => s.under !== null).map((s) => s.under!))).toBeGreaterThan(0.95);
  });

  it('hides a label on a background poster wherever the subject is in front of it', async () => {
    const shares = await magentaShares(await render('wall', ON_WALL, { occlude: true }), ON_WALL);
    const crossed = shares.filter((s) => s.under !== null);
    expect(crossed.length).toBeGreaterThan(3);
    const worstUnder = Math.max(...crossed.map((s) => s.under!));
    const worstClear = Math.min(...shares.map((s) => s.clear));
    console.log(`occlusion on a background plane: label under the hand ≤ ${(worstUnder * 100).toFixed(1)} %, beside it ≥ ${(worstClear * 100).toFixed(1)} % over ${crossed.length} frames`);
    expect(worstUnder).toBeLessThan(0.05);
    expect(worstClear).toBeGreaterThan(0.95);
  });
});
