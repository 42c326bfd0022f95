// `npm run bench:matting`: what keyframes + optical flow save over IS-Net on
// every frame, and what it costs in matte agreement. Both runs matte the same
// real frames with the same model and session; the per-frame run is the
// baseline and the reference the keyframe run is scored against (mean IoU,
// mattes thresholded at 128). Self-contained: fetches the model weights if
// needed, works in a temporary folder, prints the figure docs/benchmarks.md
// keeps as its last line.
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import * as path from 'node:path';
import { probeVideo, readFrames, type MediaTools } from '@shotmatrix/media';
import { computeMattes, computeMattesPerFrame, createIsNetMatter, loadOpenCv, matteIoU, type MatteVideoShape } from '@shotmatrix/vision';

const ROOT = path.resolve(__dirname, '../..');
const CLIP = path.resolve(ROOT, '../shared/media/clips/product_bottles_table_intel.mp4');
// A hand enters from the top left with a bottle, puts it down and lets go: the
// clip's busiest stretch, not a still one. 60 frames keep the per-frame run to a
// few minutes on two cores.
const START = 84;
const FRAMES = 60;

// Native import() of the plain-ESM stack scripts (the TS transform would turn it into require()).
const importEsm = new Function('p', 'return import(p)') as (p: string) => Promise<{ ensureModels(): Promise<string[]> }>;
const tools: MediaTools = { ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' };

async function readGrey(file: string, width: number, height: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const f of readFrames(tools, file, { width, height, pixelFormat: 'gray' })) out.push(f);
  return out;
}

async function main(): Promise<void> {
  const models = await importEsm(path.join(ROOT, 'tools/stack/models.mjs'));
  const [modelPath] = await models.ensureModels();
  const probe = await probeVideo(tools, CLIP);
  const video: MatteVideoShape = { width: probe.width, height: probe.height, frameCount: FRAMES, fpsFraction: probe.fpsFraction };
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-matting-'));
  const matter = await createIsNetMatter(modelPath, { provider: 'auto' });
  try {
    console.log(
      `clip: ${path.basename(CLIP)} frames ${START}–${START + FRAMES - 1} (${FRAMES} frames, ${video.width}x${video.height}); ` +
        `IS-Net ${path.basename(modelPath)} on ${matter.provider}, ${cpus().length} cores`,
    );
    // One untimed run so neither side pays for the session's first inference.
    for await (const rgb of readFrames(tools, CLIP, { width: video.width, height: video.height, pixelFormat: 'rgb24', startFrame: START, frameCount: 1 })) {
      await matter.matte(rgb, video.width, video.height);
    }

    const perFramePath = path.join(dir, 'per-frame.mkv');
    let t = performance.now();
    await computeMattesPerFrame(tools, CLIP, video, matter, { startFrame: START, outputPath: perFramePath });
    const perFrameMs = performance.now() - t;
    console.log(`baseline: IS-Net on every frame: ${(perFrameMs / 1000).toFixed(1)} s, ${(perFrameMs / FRAMES).toFixed(0)} ms/frame`);

    const stridePath = path.join(dir, 'stride.mkv');
    t = performance.now();
    const r = await computeMattes(tools, CLIP, video, matter, { stride: 'auto', startFrame: START, outputPath: stridePath });
    const strideMs = performance.now() - t;
    console.log(
      `stride-k (auto k=${r.stride}): ${(strideMs / 1000).toFixed(1)} s, ${(strideMs / FRAMES).toFixed(0)} ms/frame; ` +
        `IS-Net on ${r.keyframes.length} of ${FRAMES} frames (keyframes ${r.keyframes.join(',')}; re-runs ${r.reruns.join(',') || 'none'})`,
    );

    const cv = await loadOpenCv();
    const reference = await readGrey(perFramePath, video.width, video.height);
    const propagated = await readGrey(stridePath, video.width, video.height);
    if (reference.length !== FRAMES || propagated.length !== FRAMES) {
      throw new Error(`expected ${FRAMES} matte frames, got ${reference.length} per-frame and ${propagated.length} stride-k`);
    }
    const ious = propagated.map((m, i) => matteIoU(cv, m, reference[i], video.width, video.height));
    const meanIoU = ious.reduce((s, v) => s + v, 0) / ious.length;
    console.log(`IoU vs per-frame: mean ${meanIoU.toFixed(4)}, lowest ${Math.min(...ious).toFixed(4)} (frame ${START + ious.indexOf(Math.min(...ious))})`);
    console.log(`matting stride speedup ${(perFrameMs / strideMs).toFixed(1)}x, IoU vs per-frame ${meanIoU.toFixed(3)}`);
  } finally {
    await matter.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
