// BullMQ sandboxed processor for the `analyze` queue: runs in a child process
// forked by the worker, so ONNX inference and opencv.js (both CPU-bound on
// this thread) never starve the parent's lock renewal. The child builds its
// own adapters once and keeps them for the jobs it is given.
import type { SandboxedJob } from 'bullmq';
import type { AnalyzeJobPayload } from '@shotmatrix/contracts';
import { loadConfig } from '@shotmatrix/config';
import { analyzeJob } from './analyze-master.job';
import type { WorkerDeps } from './render-variant.job';
import { createWorkerDeps } from './worker-deps';

let deps: Promise<{ deps: WorkerDeps; close: () => Promise<void> }> | null = null;

function childDeps() {
  // The parent's relay polls the outbox; the child has none to kick.
  deps ??= createWorkerDeps(loadConfig(), () => undefined, 'shotmatrix-analyze');
  return deps;
}

export default async function processAnalyzeJob(job: SandboxedJob<AnalyzeJobPayload>, _token?: string, signal?: AbortSignal): Promise<void> {
  const { deps: d } = await childDeps();
  await analyzeJob(d, job, signal ?? new AbortController().signal);
}
