import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadOpenCv, type Cv } from './opencv';

/** IS-Net (DIS) takes a fixed square input; the weights were trained at this size. */
export const ISNET_SIZE = 1024;

export type MatterProviderChoice = 'auto' | 'cpu' | 'cuda';

/**
 * Which of IS-Net's prediction heads becomes the matte. `d1` is the network's
 * final, full-resolution output (`output`); `d3` is the third decoder stage's
 * side output (ONNX name `1891`, predicted at ¼ resolution, upsampled inside the
 * model). In this quint8 build d1 is speckled with mid-grey noise on plain
 * backgrounds that changes every frame: measured here, consecutive frames of
 * the bottles clip agree at IoU 0.60–0.68 with d1 and 0.96–0.99 with d3, while
 * both reach 0.98 IoU against a chroma-key ground truth. So d3 is the default;
 * its edges are a little softer.
 */
export type IsNetHead = 'd1' | 'd3';
export const ISNET_HEADS: Record<IsNetHead, string> = { d1: 'output', d3: '1891' };

export interface IsNetOptions {
  /** `auto` tries CUDA first and falls back to the CPU; `cuda` fails when CUDA cannot be loaded. */
  provider?: MatterProviderChoice;
  /** Intra-op threads for the CPU provider; onnxruntime's default (all cores) when left out. */
  threads?: number;
  /** Prediction head used as the matte (default d3, see IsNetHead). */
  head?: IsNetHead;
}

/** Anything that turns an RGB frame into a foreground matte (IS-Net, or a stand-in in tests). */
export interface Matter {
  /** Which execution provider actually ran (after any fallback). */
  readonly provider: 'cuda' | 'cpu';
  /** `rgb` is tightly packed width×height×3; the result is width×height grey, 255 = foreground. */
  matte(rgb: Uint8Array, width: number, height: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** The model file is missing or not a model: the operator fixes this, not the producer. */
export class MatteModelError extends Error {
  readonly code = 'MATTE_MODEL_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MatteModelError';
  }
}

const FETCH_HINT = 'run `npm start` (it fetches and checks the model weights) or ensureModels() from tools/stack/models.mjs';

/**
 * Runs the onnxruntime session. It lives on a worker thread: inference never
 * holds up the event loop (queue lock renewal, progress), and the tensors stay
 * in one JavaScript realm, which onnxruntime's `instanceof Float32Array` checks
 * need (under Jest the test's realm is not the one native code allocates in).
 * Plain JavaScript, so it runs the same from TypeScript sources, Jest and builds.
 */
const WORKER_SOURCE = `
const { parentPort, workerData: w } = require('node:worker_threads');
const ort = require(w.ortPath);
const message = (e) => String((e && e.message) || e);
const open = (ep) => ort.InferenceSession.create(w.modelPath, {
  graphOptimizationLevel: 'all',
  executionProviders: [ep],
  ...(w.threads ? { intraOpNumThreads: w.threads } : {}),
});
(async () => {
  let session;
  let provider = 'cpu';
  if (w.tryCuda) {
    try { session = await open('cuda'); provider = 'cuda'; }
    catch (e) { if (w.choice === 'cuda') return parentPort.postMessage({ type: 'failed', stage: 'cuda', message: message(e) }); }
  }
  if (!session) {
    try { session = await open('cpu'); }
    catch (e) { return parentPort.postMessage({ type: 'failed', stage: 'load', message: message(e) }); }
  }
  parentPort.postMessage({ type: 'ready', provider, inputNames: session.inputNames, outputNames: session.outputNames });
  parentPort.on('message', async (m) => {
    if (m.type === 'close') { await session.release(); parentPort.close(); return; }
    try {
      const out = await session.run({ input: new ort.Tensor('float32', m.input, m.dims) }, [m.output]);
      const data = new Float32Array(out[m.output].data);
      out[m.output].dispose?.();
      parentPort.postMessage({ id: m.id, output: data }, [data.buffer]);
    } catch (e) {
      parentPort.postMessage({ id: m.id, error: message(e) });
    }
  });
})();
`;

type WorkerReply =
  | { type: 'ready'; provider: 'cuda' | 'cpu'; inputNames: string[]; outputNames: string[] }
  | { type: 'failed'; stage: 'cuda' | 'load'; message: string }
  | { id: number; output?: Float32Array; error?: string };

/**
 * Loads IS-Net in onnxruntime. Pre- and post-processing are opencv.js Mat
 * operations (resize, convertTo, split) so no JavaScript loop touches pixels.
 */
export async function createIsNetMatter(modelPath: string, opts: IsNetOptions = {}): Promise<Matter> {
  if (!existsSync(modelPath) || !statSync(modelPath).isFile()) {
    throw new MatteModelError(`IS-Net model not found at ${modelPath}: ${FETCH_HINT}`);
  }
  const choice = opts.provider ?? 'auto';
  const outputName = ISNET_HEADS[opts.head ?? 'd3'];
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      ortPath: require.resolve('onnxruntime-node'),
      modelPath,
      choice,
      // Where the package plainly ships no CUDA provider, `auto` does not try: the failed load costs little but logs an error line.
      tryCuda: choice === 'cuda' || (choice === 'auto' && !cudaPlainlyAbsent()),
      threads: opts.threads,
    },
  });
  const pending = new Map<number, { resolve: (d: Float32Array) => void; reject: (e: Error) => void }>();
  let broken: Error | null = null;
  const failAll = (e: Error) => {
    broken ??= e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  let onReady: (r: WorkerReply) => void = () => undefined;
  const ready = new Promise<WorkerReply>((resolve, reject) => {
    onReady = resolve;
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the IS-Net worker exited (code ${code}) before it was ready`)));
  });
  worker.on('message', (r: WorkerReply) => {
    if ('type' in r) return onReady(r);
    const p = pending.get(r.id);
    if (!p) return;
    pending.delete(r.id);
    if (pending.size === 0) worker.unref();
    if (r.error !== undefined || !r.output) p.reject(new Error(`IS-Net inference failed: ${r.error}`));
    else p.resolve(r.output);
  });
  worker.on('error', (e) => failAll(e));
  worker.on('exit', (code) => failAll(new Error(`the IS-Net worker exited (code ${code})`)));

  let hello: WorkerReply;
  try {
    hello = await ready;
  } catch (e) {
    await worker.terminate();
    throw new MatteModelError(`IS-Net could not start (${firstLine(e)})`, { cause: e });
  }
  if (!('type' in hello) || hello.type !== 'ready') {
    await worker.terminate();
    const failure = hello as { stage: string; message: string };
    if (failure.stage === 'cuda') throw new MatteModelError(`IS-Net: the CUDA execution provider is unavailable (${firstLine(failure.message)})`);
    throw new MatteModelError(
      `IS-Net model at ${modelPath} could not be loaded (${firstLine(failure.message)}); it may be truncated or corrupt: ${FETCH_HINT}`,
    );
  }
  if (!hello.inputNames.includes('input') || !hello.outputNames.includes(outputName)) {
    await worker.terminate();
    const names = `inputs ${hello.inputNames.join(',')}, outputs ${hello.outputNames.join(',')}`;
    throw new MatteModelError(`${modelPath} is not the IS-Net model this code expects (${names}): ${FETCH_HINT}`);
  }
  // Idle, the worker does not keep the process alive; a request in flight does.
  worker.unref();

  const cv = await loadOpenCv();
  let nextId = 0;
  let closed = false;
  const infer = (input: Float32Array) =>
    new Promise<Float32Array>((resolve, reject) => {
      if (broken) return reject(broken);
      if (closed) return reject(new Error('the IS-Net matter is closed'));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.ref();
      // Only the one head is fetched: the session's other outputs include 64×512² feature maps.
      worker.postMessage({ id, input, dims: [1, 3, ISNET_SIZE, ISNET_SIZE], output: outputName }, [input.buffer as ArrayBuffer]);
    });
  return {
    provider: hello.provider,
    async matte(rgb, width, height) {
      if (rgb.length !== width * height * 3) throw new Error(`RGB frame has ${rgb.length} bytes, expected ${width * height * 3}`);
      // A fresh buffer per call: it is handed over to the worker.
      const input = new Float32Array(3 * ISNET_SIZE * ISNET_SIZE);
      fillInput(cv, rgb, width, height, input);
      return toMatte(cv, await infer(input), width, height);
    },
    async close() {
      if (closed) return;
      closed = true;
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.ref();
      worker.postMessage({ type: 'close' });
      // A worker stuck in native code is not waited for.
      const timer = setTimeout(() => void worker.terminate(), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** RGB bytes → 1024² float planes, (x − 128) / 256 per channel, as these weights were trained. */
function fillInput(cv: Cv, rgb: Uint8Array, width: number, height: number, into: Float32Array): void {
  const src = new cv.Mat(height, width, cv.CV_8UC3);
  const sized = new cv.Mat();
  const scaled = new cv.Mat();
  const planes = new cv.MatVector();
  try {
    src.data.set(rgb);
    cv.resize(src, sized, new cv.Size(ISNET_SIZE, ISNET_SIZE), 0, 0, cv.INTER_LINEAR);
    sized.convertTo(scaled, cv.CV_32FC3, 1 / 256, -0.5);
    cv.split(scaled, planes);
    const plane = ISNET_SIZE * ISNET_SIZE;
    for (let c = 0; c < 3; c++) {
      const p = planes.get(c);
      into.set(p.data32F, c * plane);
      p.delete();
    }
  } finally {
    src.delete();
    sized.delete();
    scaled.delete();
    planes.delete();
  }
}

/**
 * IS-Net's output is roughly 0..1, but its range drifts from frame to frame; it is
 * stretched to the full range (as the DIS reference does) unless the frame holds no
 * confident foreground at all, where stretching would turn noise into a subject.
 */
export const MIN_PEAK_TO_STRETCH = 0.3;

function toMatte(cv: Cv, prediction: Float32Array, width: number, height: number): Uint8Array {
  const raw = new cv.Mat(ISNET_SIZE, ISNET_SIZE, cv.CV_32FC1);
  const grey = new cv.Mat();
  const sized = new cv.Mat();
  const noMask = new cv.Mat();
  try {
    raw.data32F.set(prediction);
    const { minVal, maxVal } = cv.minMaxLoc(raw, noMask);
    const [lo, hi] = maxVal >= MIN_PEAK_TO_STRETCH && maxVal - minVal > 1e-6 ? [minVal, maxVal] : [0, 1];
    // convertTo saturates to 0..255, so values outside [lo, hi] clamp rather than wrap.
    raw.convertTo(grey, cv.CV_8UC1, 255 / (hi - lo), (-255 * lo) / (hi - lo));
    cv.resize(grey, sized, new cv.Size(width, height), 0, 0, width < ISNET_SIZE || height < ISNET_SIZE ? cv.INTER_AREA : cv.INTER_LINEAR);
    return new Uint8Array(sized.data);
  } finally {
    raw.delete();
    grey.delete();
    sized.delete();
    noMask.delete();
  }
}

/** True when onnxruntime-node's native folder is where we expect it and holds no CUDA provider library. */
function cudaPlainlyAbsent(): boolean {
  try {
    const dir = path.join(path.dirname(require.resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6', process.platform, process.arch);
    return !readdirSync(dir).some((f) => f.includes('providers_cuda'));
  } catch {
    return false;
  }
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 300);
}
