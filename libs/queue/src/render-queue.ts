import { Queue, Worker, UnrecoverableError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUES, type RenderJobPayload } from '@shotmatrix/contracts';

export { UnrecoverableError };

export interface RenderQueueOptions {
  connection: Redis;
  prefix: string;
  attempts: number;
  /** First retry delay; doubles on each further attempt. */
  backoffMs?: number;
}

export type RenderQueue = Queue<RenderJobPayload>;

export function createRenderQueue(opts: RenderQueueOptions): RenderQueue {
  return new Queue<RenderJobPayload>(QUEUES.render, {
    connection: opts.connection,
    prefix: opts.prefix,
    defaultJobOptions: {
      attempts: opts.attempts,
      backoff: { type: 'exponential', delay: opts.backoffMs ?? 2000 },
      // Postgres keeps the history; Redis only needs enough to de-duplicate.
      removeOnComplete: { age: 3600, count: 1000 },
      removeOnFail: { age: 24 * 3600 },
    },
  });
}

/** The render job row's id is the BullMQ job id, so enqueueing twice is a no-op. */
export async function enqueueRender(queue: RenderQueue, jobId: string, payload: RenderJobPayload): Promise<void> {
  await queue.add('render', payload, { jobId });
}

export interface RenderWorkerOptions {
  connection: Redis;
  prefix: string;
  concurrency: number;
}

export function createRenderWorker(
  opts: RenderWorkerOptions,
  handler: (job: Job<RenderJobPayload>, signal: AbortSignal) => Promise<void>,
): Worker<RenderJobPayload> {
  return new Worker<RenderJobPayload>(QUEUES.render, (job, _token, signal) => handler(job, signal ?? new AbortController().signal), {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency,
    // ffmpeg runs in a child process, so the event loop stays free to renew locks.
    lockDuration: 60_000,
  });
}
