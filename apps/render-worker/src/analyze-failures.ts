import type { Worker } from 'bullmq';
import type { AnalyzeJobPayload } from '@shotmatrix/contracts';
import { failAnalysis } from './analyze-master.job';
import type { WorkerDeps } from './render-variant.job';

/**
 * The analyze handler fails its own analysis on the last attempt, but a job can
 * also fail without the handler ever running — a sandboxed processor that
 * cannot load, a child that crashed. On the last attempt the worker then fails
 * the analysis itself, so its renders do not wait for ever.
 */
export function failAnalysesOnLastAttempt(
  worker: Worker<AnalyzeJobPayload>,
  deps: Pick<WorkerDeps, 'db' | 'publisher' | 'config'>,
  log: (message: string) => void = (m) => console.error(m),
): void {
  worker.on('failed', (job, err) => {
    const analysisId = job?.data.analysisId;
    if (!job || typeof analysisId !== 'string') return;
    const last = err.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (!last) return;
    failAnalysis(deps, analysisId, err.message).catch((e: Error) => log(`[analyze] could not mark analysis ${analysisId} failed: ${e.message}`));
  });
}
