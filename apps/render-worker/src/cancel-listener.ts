import type { Redis } from 'ioredis';
import { RENDER_CANCEL_CHANNEL, type RenderCancelMessage } from '@shotmatrix/contracts';
import { createRedis } from '@shotmatrix/queue';

/** What the listener needs of a BullMQ worker: aborting one of its active jobs (false when it holds no such job). */
export interface Cancellable {
  cancelJob(jobId: string, reason?: string): boolean;
}

/**
 * Hears the ops board's cancel requests and aborts the render if this process
 * runs it: the job's AbortSignal reaches the sandboxed child, which kills
 * ffmpeg, and the handler marks the render failed "cancelled: <reason>"
 * without retrying. Every worker hears every request; only the one holding
 * the job acts. The job id is the render key.
 */
export async function listenForCancels(
  redisUrl: string,
  prefix: string,
  worker: Cancellable,
  log: (message: string) => void = (m) => console.log(m),
): Promise<{ close(): Promise<void> }> {
  const subscriber: Redis = createRedis(redisUrl, 'pubsub');
  const channel = `${prefix}:${RENDER_CANCEL_CHANNEL}`;
  subscriber.on('message', (from, raw) => {
    if (from !== channel) return;
    let msg: Partial<RenderCancelMessage>;
    try {
      msg = JSON.parse(raw) as Partial<RenderCancelMessage>;
    } catch {
      log(`[render] ignored a malformed cancel request: ${raw.slice(0, 200)}`);
      return;
    }
    if (typeof msg.renderKey !== 'string') return;
    const reason = typeof msg.reason === 'string' && msg.reason ? msg.reason : 'cancelled from the ops board';
    if (worker.cancelJob(msg.renderKey, reason)) log(`[render] job ${msg.renderKey} cancelled: ${reason}`);
  });
  await subscriber.subscribe(channel);
  return { close: () => subscriber.quit().then(() => undefined, () => undefined) };
}
