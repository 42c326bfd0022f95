import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

/** `auto` tries CUDA first and falls back to the CPU; `cuda` fails when CUDA cannot be loaded. */
export type OnnxProviderChoice = 'auto' | 'cpu' | 'cuda';

/** What an operator does about a missing or broken model file. */
export const MODEL_FETCH_HINT = 'run `npm start` (it fetches and checks the model weights) or ensureModels() from tools/stack/models.mjs';

/** One model the worker opens a session for; each run feeds `input` and fetches `output` alone. */
export interface OnnxModel {
  path: string;
  input: string;
  output: string;
}

export interface OnnxWorkerOptions<M extends string> {
  /** Who is speaking in messages: "IS-Net", "OCR". */
  name: string;
  /** What the files should be, in "… is not the <family> model this code expects". */
  family: string;
  /** The sessions, by name, opened in this order, all on one provider. */
  models: Record<M, OnnxModel>;
  provider?: OnnxProviderChoice;
  /** Intra-op threads for the CPU provider; onnxruntime's default (all cores) when left out. */
  threads?: number;
  /** The caller's operator-facing error (MatteModelError, OcrModelError): every start-up failure is one. */
  modelError: (message: string, options?: { cause?: unknown }) => Error;
}

export interface OnnxOutput {
  output: Float32Array;
  dims: number[];
}

export interface OnnxWorker<M extends string> {
  /** Which execution provider actually ran (after any fallback). */
  readonly provider: 'cuda' | 'cpu';
  /** Runs one model; `input` is handed over to the worker (a fresh buffer per call). */
  run(model: M, input: Float32Array, dims: number[]): Promise<OnnxOutput>;
  /** Stops the worker at once: for the caller's own start-up checks that fail. */
  terminate(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Runs the onnxruntime sessions. They live on a worker thread: inference never
 * holds up the event loop (queue lock renewal, progress), and the tensors stay
 * in one JavaScript realm, which onnxruntime's `instanceof Float32Array` checks
 * need (under Jest the test's realm is not the one native code allocates in).
 * Plain JavaScript, so it runs the same from TypeScript sources, Jest and builds.
 */
const WORKER_SOURCE = `
const { parentPort, workerData: w } = require('node:worker_threads');
const ort = require(w.ortPath);
const message = (e) => String((e && e.message) || e);
const open = (file, ep) => ort.InferenceSession.create(file, {
  graphOptimizationLevel: 'all',
  executionProviders: [ep],
  ...(w.threads ? { intraOpNumThreads: w.threads } : {}),
});
const names = Object.keys(w.models);
const releaseAll = (sessions) => Promise.all(Object.values(sessions).map((s) => s.release()));
(async () => {
  let sessions = {};
  let provider = 'cpu';
  if (w.tryCuda) {
    try {
      for (const n of names) sessions[n] = await open(w.models[n].path, 'cuda');
      provider = 'cuda';
    } catch (e) {
      // All sessions on one provider: those already open on CUDA are let go.
      await releaseAll(sessions);
      sessions = {};
      if (w.choice === 'cuda') return parentPort.postMessage({ type: 'failed', stage: 'cuda', message: message(e) });
    }
  }
  if (provider === 'cpu') {
    for (const n of names) {
      try { sessions[n] = await open(w.models[n].path, 'cpu'); }
      catch (e) { return parentPort.postMessage({ type: 'failed', stage: 'load', model: n, message: message(e) }); }
    }
  }
  const io = Object.fromEntries(names.map((n) => [n, { inputs: sessions[n].inputNames, outputs: sessions[n].outputNames }]));
  parentPort.postMessage({ type: 'ready', provider, io });
  parentPort.on('message', async (m) => {
    if (m.type === 'close') { await releaseAll(sessions); parentPort.close(); return; }
    try {
      const { input, output } = w.models[m.model];
      const out = await sessions[m.model].run({ [input]: new ort.Tensor('float32', m.input, m.dims) }, [output]);
      const t = out[output];
      const data = new Float32Array(t.data);
      const dims = Array.from(t.dims);
      t.dispose?.();
      parentPort.postMessage({ id: m.id, output: data, dims }, [data.buffer]);
    } catch (e) {
      parentPort.postMessage({ id: m.id, error: message(e) });
    }
  });
})();
`;

type SessionIo = { inputs: string[]; outputs: string[] };
type WorkerReply =
  | { type: 'ready'; provider: 'cuda' | 'cpu'; io: Record<string, SessionIo> }
  | { type: 'failed'; stage: 'cuda' | 'load'; model?: string; message: string }
  | { id: number; output?: Float32Array; dims?: number[]; error?: string };

/**
 * Starts the models' onnxruntime sessions on a worker thread, on CUDA where
 * asked for and available, else on the CPU, and checks each has the input and
 * output the caller names. Every start-up failure is the caller's model error.
 */
export async function startOnnxWorker<M extends string>(o: OnnxWorkerOptions<M>): Promise<OnnxWorker<M>> {
  const { name, models, modelError } = o;
  const choice = o.provider ?? 'auto';
  // Decided here, before onnxruntime tries: a CUDA attempt without its libraries fails anyway, and
  // onnxruntime prints an error line to stderr while failing ("Failed to load library …providers_shared.so").
  const noCuda = choice === 'cpu' ? null : cudaLibrariesMissing();
  if (choice === 'cuda' && noCuda) throw modelError(`${name}: the CUDA execution provider is unavailable (${noCuda})`);
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { ortPath: require.resolve('onnxruntime-node'), models, choice, tryCuda: choice !== 'cpu' && !noCuda, threads: o.threads },
  });
  const pending = new Map<number, { resolve: (d: OnnxOutput) => void; reject: (e: Error) => void }>();
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
    worker.once('exit', (code) => reject(new Error(`the ${name} worker exited (code ${code}) before it was ready`)));
  });
  worker.on('message', (r: WorkerReply) => {
    if ('type' in r) return onReady(r);
    const p = pending.get(r.id);
    if (!p) return;
    pending.delete(r.id);
    if (pending.size === 0) worker.unref();
    if (r.error !== undefined || !r.output || !r.dims) p.reject(new Error(`${name} inference failed: ${r.error}`));
    else p.resolve({ output: r.output, dims: r.dims });
  });
  worker.on('error', (e) => failAll(e));
  worker.on('exit', (code) => failAll(new Error(`the ${name} worker exited (code ${code})`)));

  const fail = async (e: Error): Promise<never> => {
    await worker.terminate();
    throw e;
  };
  let hello: WorkerReply;
  try {
    hello = await ready;
  } catch (e) {
    return fail(modelError(`${name} could not start (${firstLine(e)})`, { cause: e }));
  }
  if (!('type' in hello) || hello.type !== 'ready') {
    const failure = hello as { stage: 'cuda' | 'load'; model?: M; message: string };
    if (failure.stage === 'cuda') return fail(modelError(`${name}: the CUDA execution provider is unavailable (${firstLine(failure.message)})`));
    const file = models[failure.model!].path;
    return fail(modelError(`${name} model at ${file} could not be loaded (${firstLine(failure.message)}); it may be truncated or corrupt: ${MODEL_FETCH_HINT}`));
  }
  for (const [model, want] of Object.entries(models) as Array<[M, OnnxModel]>) {
    const io = hello.io[model];
    if (!io.inputs.includes(want.input) || !io.outputs.includes(want.output)) {
      const names = `inputs ${io.inputs.join(',')}, outputs ${io.outputs.join(',')}`;
      return fail(modelError(`${want.path} is not the ${o.family} model this code expects (${names}): ${MODEL_FETCH_HINT}`));
    }
  }
  // Idle, the worker does not keep the process alive; a request in flight does.
  worker.unref();

  let nextId = 0;
  let closed = false;
  return {
    provider: hello.provider,
    run: (model, input, dims) =>
      new Promise<OnnxOutput>((resolve, reject) => {
        if (broken) return reject(broken);
        if (closed) return reject(new Error(`the ${name} worker is closed`));
        const id = nextId++;
        pending.set(id, { resolve, reject });
        worker.ref();
        worker.postMessage({ id, model, input, dims }, [input.buffer as ArrayBuffer]);
      }),
    async terminate() {
      closed = true;
      await worker.terminate();
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

/**
 * Why CUDA plainly cannot load, or null when it may. onnxruntime loads its
 * CUDA provider (and the shared provider bridge it goes through) from beside
 * its own library, in onnxruntime-node's native folder, which the package's
 * install script fills only when asked (`ONNXRUNTIME_NODE_INSTALL=cuda12`).
 * Both libraries are needed: the bridge is the first thing loaded and the one
 * whose absence onnxruntime logs. A folder that cannot be read is not proof,
 * so then onnxruntime is left to try.
 */
function cudaLibrariesMissing(): string | null {
  let dir: string;
  let files: string[];
  try {
    dir = path.join(path.dirname(require.resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6', process.platform, process.arch);
    files = readdirSync(dir);
  } catch {
    return null;
  }
  const missing = ['onnxruntime_providers_shared', 'onnxruntime_providers_cuda'].filter((lib) => !files.some((f) => f.includes(lib)));
  return missing.length ? `${dir} has no ${missing.join(' or ')} library; GPU hosts install them with ONNXRUNTIME_NODE_INSTALL=cuda12` : null;
}

export function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 300);
}
