// BullMQ sandboxed processor for the `render` queue: each render runs in a
// child process forked by the worker. ffmpeg is a child process anyway, but
// the render also plans in JavaScript (plane tracking when a track is not
// ready, opencv.js QC over every frame); none of that may hold up the
// parent's lock renewal, and a crash in native code (opencv.js, Skia) takes
// down one child, not the worker. Cancellation reaches the child as BullMQ's
// cancel command and aborts the signal, which kills ffmpeg.
import type { SandboxedJob } from 'bullmq';
import type { RenderJobPayload } from '@shotmatrix/contracts';
import { loadConfig } from '@shotmatrix/config';
import { renderJob, type WorkerDeps } from './render-variant.job';
import { createWorkerDeps } from './worker-deps';

let deps: Promise<{ deps: WorkerDeps; close: () => Promise<void> }> | null = null;

function childDeps() {
  // The parent's relay polls the outbox; the child has none to kick.
  deps ??= createWorkerDeps(loadConfig(), () => undefined, 'shotmatrix-render');
  return deps;
}

export default async function processRenderJob(job: SandboxedJob<RenderJobPayload>, _token?: string, signal?: AbortSignal): Promise<void> {
  const { deps: d } = await childDeps();
  await renderJob(d, job, signal ?? new AbortController().signal);
}
