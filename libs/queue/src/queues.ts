import { Queue, Worker, UnrecoverableError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { JobPayloads, QueueName } from '@shotmatrix/contracts';

export { UnrecoverableError };
export type { Job };

export interface QueueOptions {
  connection: Redis;
  prefix: string;
  attempts: number;
  /** First retry delay; doubles on each further attempt. */
  backoffMs?: number;
}

export type JobQueue<N extends QueueName> = Queue<JobPayloads[N]>;
export type RenderQueue = JobQueue<'render'>;
export type Queues = { [N in QueueName]: JobQueue<N> };

export function createQueue<N extends QueueName>(name: N, opts: QueueOptions): JobQueue<N> {
  return new Queue<JobPayloads[N]>(name, {
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

export function createQueues(opts: QueueOptions): Queues {
  return { analyze: createQueue('analyze', opts), render: createQueue('render', opts) };
}


export interface WorkerOptions {
  connection: Redis;
  prefix: string;
  concurrency: number;
}

export function createJobWorker<N extends QueueName>(
  name: N,
  opts: WorkerOptions,
  handler: (job: Job<JobPayloads[N]>, signal: AbortSignal) => Promise<void>,
): Worker<JobPayloads[N]> {
  return new Worker<JobPayloads[N]>(name, (job, _token, signal) => handler(job, signal ?? new AbortController().signal), {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency,
    // ffmpeg runs in a child process, so the event loop stays free to renew locks.
    lockDuration: 60_000,
  });
}

/**
 * A worker whose processor runs in child processes forked by BullMQ: for
 * handlers that keep the CPU busy in JavaScript/WASM (ONNX, opencv.js), which
 * would otherwise delay lock renewal in the worker's own event loop. The
 * processor file default-exports `(job, token, signal) => Promise`.
 */
export function createSandboxedWorker<N extends QueueName>(name: N, opts: WorkerOptions, processorFile: string): Worker<JobPayloads[N]> {
  return new Worker<JobPayloads[N]>(name, processorFile, {
    connection: opts.connection,
    prefix: opts.prefix,
    concurrency: opts.concurrency,
    lockDuration: 60_000,
    useWorkerThreads: false,
  });
}
