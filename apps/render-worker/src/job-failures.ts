import type { Worker } from 'bullmq';
import type { AnalyzeJobPayload, RenderJobPayload } from '@shotmatrix/contracts';
import { failAnalysis } from './analyze-master.job';
import { publish, type WorkerDeps } from './render-variant.job';

type FailDeps = Pick<WorkerDeps, 'db' | 'publisher' | 'config'>;

/** Whether BullMQ will not try this job again. */
const lastAttempt = (job: { attemptsMade: number; opts: { attempts?: number } }, err: Error) =>
  err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);

/**
 * The analyze handler fails its own analysis on the last attempt, but a job can
 * also fail without the handler ever running — a sandboxed processor that
 * cannot load, a child that crashed. On the last attempt the worker then fails
 * the analysis itself, so its renders do not wait for ever.
 */
export function failAnalysesOnLastAttempt(worker: Worker<AnalyzeJobPayload>, deps: FailDeps, log: (message: string) => void = (m) => console.error(m)): void {
  worker.on('failed', (job, err) => {
    const analysisId = job?.data.analysisId;
    if (!job || typeof analysisId !== 'string' || !lastAttempt(job, err)) return;
    failAnalysis(deps, analysisId, err.message).catch((e: Error) => log(`[analyze] could not mark analysis ${analysisId} failed: ${e.message}`));
  });
}

/**
 * The same for renders: a render child that died (out of memory, a native
 * crash) never reaches the handler's own bookkeeping, and its render would
 * show "rendering" for ever. A render the handler already settled is left
 * as it is (only queued or rendering ones change).
 */
export function failRendersOnLastAttempt(worker: Worker<RenderJobPayload>, deps: FailDeps, log: (message: string) => void = (m) => console.error(m)): void {
  worker.on('failed', (job, err) => {
    const key = job?.data.renderKey;
    if (!job || typeof key !== 'string' || !lastAttempt(job, err)) return;
    void (async () => {
      const [rows]: [Array<{ render_key: string }>, number] = await deps.db.query(
        `UPDATE render SET status = 'failed', error = $2, finished_at = now(), updated_at = now()
         WHERE render_key = $1 AND status IN ('queued', 'rendering') RETURNING render_key`,
        [key, `the render process failed: ${err.message}`],
      );
      if (rows.length) await publish(deps, key);
    })().catch((e: Error) => log(`[render] could not mark render ${key} failed: ${e.message}`));
  });
}
