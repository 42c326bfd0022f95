import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { QcCheck } from '@shotmatrix/contracts';
import { readFrames, runFfmpeg, type MediaTools, type VideoProbe } from '@shotmatrix/media';
import { loadOpenCv, workSize } from '@shotmatrix/vision';
import { weightedSsimOfMats } from './ssim';

/** The structure lock: at s = 1 the subject must match the master at least this well. */
export const FOREGROUND_SSIM_MIN = 0.97;
/** Long side frames are compared at; SSIM's 11 px window then spans a subject's detail, and decoding stays cheap. */
const QC_LONG_SIDE = 640;

export interface MeasureVariantInput {
  masterPath: string;
  master: Pick<VideoProbe, 'width' | 'height' | 'frameCount' | 'fpsFraction' | 'durationS'>;
  /** Null when the master has no matte: the whole frame is compared. */
  mattePath: string | null;
  /** The composite as QC sees it: a lossless grey copy at `qcSize` (the compositor's QC tap). */
  compositePath: string;
  output: Pick<VideoProbe, 'frameCount' | 'fpsFraction' | 'durationS'>;
  structureAdherence: number;
  /**
   * Master pixels inside the matte's edge the compositor may legitimately
   * change (choke, feather, light wrap); the lock is measured inside them.
   */
  edgeMarginPx: number;
  /** Master-pixel boxes drawn over on purpose (labels, supers): changes there are the brief, not a broken lock. */
  layerBoxes?: Array<{ x: number; y: number; width: number; height: number }>;
  lockFrames: number[];
  /** Where the "what changed" heatmap PNG is written. */
  heatmapPath: string;
  signal?: AbortSignal;
}

export interface VariantMeasurement {
  checks: QcCheck[];
  foregroundSsim: { mean: number; min: number; worstFrame: number };
}

/** The size QC compares frames at (the compositor's QC tap is written at this size). */
export const qcSize = (w: number, h: number) => workSize(w, h, QC_LONG_SIDE);

/**
 * Structure-lock QC of one render: frame count, rate and duration equal to
 * the master's; the subject's SSIM against the master on every frame
 * (weighted by the matte, so a new background does not count) and at the
 * producer's `lock` keyframes; and a heatmap of where the picture changed.
 * Master, matte and render are decoded side by side at QC size.
 */
export async function measureVariant(tools: MediaTools, o: MeasureVariantInput): Promise<VariantMeasurement> {
  const cv = await loadOpenCv();
  const checks: QcCheck[] = [];
  const m = o.master;
  checks.push({
    name: 'frames',
    status: o.output.frameCount === m.frameCount ? 'pass' : 'fail',
    detail: `${o.output.frameCount} frames rendered, the master has ${m.frameCount}`,
    value: o.output.frameCount,
    threshold: m.frameCount,
  });
  checks.push({
    name: 'fps',
    status: rate(o.output.fpsFraction) === rate(m.fpsFraction) ? 'pass' : 'fail',
    detail: `${o.output.fpsFraction} fps rendered, the master runs at ${m.fpsFraction}`,
  });
  const frameS = 1 / rate(m.fpsFraction);
  checks.push({
    name: 'duration',
    // Containers round durations; within half a frame is the same duration.
    status: Math.abs(o.output.durationS - m.durationS) <= frameS / 2 ? 'pass' : 'fail',
    detail: `${o.output.durationS.toFixed(3)} s rendered, the master lasts ${m.durationS.toFixed(3)} s`,
    value: o.output.durationS,
    threshold: m.durationS,
  });

  const size = qcSize(m.width, m.height);
  const n = size.width * size.height;
  const master = readFrames(tools, o.masterPath, { ...size, pixelFormat: 'gray', signal: o.signal });
  const matte = o.mattePath ? readFrames(tools, o.mattePath, { ...size, pixelFormat: 'gray', signal: o.signal }) : null;
  const render = readFrames(tools, o.compositePath, { ...size, pixelFormat: 'gray', signal: o.signal });
  const sum = new cv.Mat(size.height, size.width, cv.CV_32F, new cv.Scalar(0));
  const a = new cv.Mat(size.height, size.width, cv.CV_8UC1);
  const b = new cv.Mat(size.height, size.width, cv.CV_8UC1);
  const diff = new cv.Mat();
  const diffF = new cv.Mat();
  // The subject's interior: solid matte, shrunk by the edge margin plus half of SSIM's 11 px window.
  const scale = size.width / m.width;
  const margin = Math.max(1, Math.ceil(o.edgeMarginPx * scale) + 5);
  const kernel = cv.getStructuringElement(cv.MORPH_ELLIPSE, new cv.Size(2 * margin + 1, 2 * margin + 1));
  const core = new cv.Mat(size.height, size.width, cv.CV_8UC1);
  const boxes = (o.layerBoxes ?? []).map((r) => [
    new cv.Point(Math.floor(r.x * scale), Math.floor(r.y * scale)),
    new cv.Point(Math.ceil((r.x + r.width) * scale), Math.ceil((r.y + r.height) * scale)),
  ]);
  const interior = (matteFrame: Uint8Array) => {
    core.data.set(matteFrame);
    cv.threshold(core, core, 250, 255, cv.THRESH_BINARY);
    cv.erode(core, core, kernel);
    for (const [p1, p2] of boxes) cv.rectangle(core, p1, p2, new cv.Scalar(0), -1);
    return core;
  };
  const mid = Math.floor(m.frameCount / 2);
  const scores: number[] = [];
  let midFrame: Uint8Array | null = null;
  try {
    for await (const frame of render) {
      const mf = await master.next();
      if (mf.done) break;
      const mm = matte ? await matte.next() : null;
      // Each frame goes into opencv once, for the SSIM and the heatmap alike.
      a.data.set(mf.value);
      b.data.set(frame);
      if (scores.length === mid) midFrame = mf.value.slice();
      scores.push(weightedSsimOfMats(cv, a, b, mm && !mm.done ? interior(mm.value) : null).mean);
      cv.absdiff(a, b, diff);
      diff.convertTo(diffF, cv.CV_32F);
      cv.add(sum, diffF, sum);
    }
    if (!scores.length) throw new Error('QC read no frames from the render');
    // The heatmap: mean absolute difference, stretched so 64 levels (a clear change) is full heat.
    const mean8 = new cv.Mat();
    sum.convertTo(mean8, cv.CV_8UC1, 4 / scores.length);
    await writeHeatmap(tools, mean8.data.slice(), midFrame ?? new Uint8Array(n), size, o.heatmapPath, o.signal);
    mean8.delete();
  } finally {
    for (const x of [sum, a, b, diff, diffF, core, kernel]) x.delete();
    await master.return(undefined);
    await matte?.return(undefined);
    await render.return(undefined);
  }

  const mean = scores.reduce((s, v) => s + v, 0) / scores.length;
  let worstFrame = 0;
  scores.forEach((v, i) => v < scores[worstFrame] && (worstFrame = i));
  const s = o.structureAdherence;
  const locked = s >= 1;
  const what = o.mattePath ? `the subject's interior (solid matte, ${margin} px in from its edge at QC size)` : 'the whole frame (no matte)';
  checks.push(
    locked
      ? {
          name: 'foreground-ssim',
          status: mean >= FOREGROUND_SSIM_MIN && scores[worstFrame] >= FOREGROUND_SSIM_MIN - 0.05 ? 'pass' : 'fail',
          detail: `SSIM of ${what} against the master: mean ${mean.toFixed(4)}, lowest ${scores[worstFrame].toFixed(4)} at frame ${worstFrame}`,
          value: mean,
          threshold: FOREGROUND_SSIM_MIN,
        }
      : {
          name: 'foreground-ssim',
          status: 'not-checked',
          detail: `structure adherence ${s} lets the new environment relight the subject; SSIM ${mean.toFixed(4)} is reported, the lock is enforced at s = 1`,
          value: mean,
        },
  );
  const locks = o.lockFrames.filter((f) => f < scores.length);
  if (!locks.length) {
    checks.push({ name: 'lock-keyframes', status: 'not-checked', detail: 'no lock keyframes are pinned on the master' });
  } else {
    const worst = locks.reduce((w, f) => (scores[f] < scores[w] ? f : w), locks[0]);
    checks.push({
      name: 'lock-keyframes',
      status: !locked ? 'not-checked' : scores[worst] >= FOREGROUND_SSIM_MIN ? 'pass' : 'fail',
      detail: `SSIM at ${locks.length} lock keyframe(s): lowest ${scores[worst].toFixed(4)} at frame ${worst}${locked ? '' : ` (s = ${s}: reported only)`}`,
      value: scores[worst],
      threshold: FOREGROUND_SSIM_MIN,
    });
  }
  return { checks, foregroundSsim: { mean, min: scores[worstFrame], worstFrame } };
}

/** Heat (inferno) laid over a grey copy of the master's middle frame, so a person sees where the change sits. */
async function writeHeatmap(tools: MediaTools, heat: Uint8Array, grey: Uint8Array, size: { width: number; height: number }, outPath: string, signal?: AbortSignal) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'qc-heat-'));
  try {
    const heatPath = path.join(dir, 'heat.gray');
    const greyPath = path.join(dir, 'frame.gray');
    await writeFile(heatPath, heat);
    await writeFile(greyPath, grey);
    const raw = ['-f', 'rawvideo', '-pix_fmt', 'gray', '-s', `${size.width}x${size.height}`];
    await runFfmpeg(
      tools,
      [
        ...raw, '-i', heatPath,
        ...raw, '-i', greyPath,
        '-filter_complex',
        '[0:v]format=gbrp,pseudocolor=preset=inferno,format=rgba,colorchannelmixer=aa=0.75[h];[1:v]format=rgba,lutrgb=r=val/2:g=val/2:b=val/2[g];[g][h]overlay=format=rgb,format=rgb24[out]',
        '-map', '[out]', '-frames:v', '1', '-update', '1', outPath,
      ],
      { signal },
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function rate(fraction: string): number {
  const [n, d] = fraction.split('/').map(Number);
  return n / (d || 1);
}
