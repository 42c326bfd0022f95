import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RENDER_CANCEL_CHANNEL, type RenderCancelMessage } from '@shotmatrix/contracts';
import { createJobWorker, createQueue, createRedis } from '@shotmatrix/queue';
import { waitFor } from '@shotmatrix/testing';
import { listenForCancels } from './cancel-listener';

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:63809';

describe('cancel listener (real Redis and BullMQ worker)', () => {
  const conns: Redis[] = [];
  const conn = (purpose: 'queue' | 'worker') => {
    const c = createRedis(redisUrl, purpose);
    conns.push(c);
    return c;
  };
  afterAll(async () => {
    await Promise.all(conns.map((c) => c.quit().catch(() => undefined)));
  });

  it('aborts the job this worker runs with the reason sent, and ignores other keys and junk', async () => {
    const prefix = `test-cancel-${randomUUID()}`;
    const queue = createQueue('render', { connection: conn('queue'), prefix, attempts: 1 });
    const aborted: Record<string, unknown> = {};
    const started = new Set<string>();
    const worker = createJobWorker('render', { connection: conn('worker'), prefix, concurrency: 2 }, (job, signal) => {
      started.add(job.data.renderKey);
      return new Promise<void>((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          aborted[job.data.renderKey] = signal.reason;
          reject(new Error(`cancelled: ${String(signal.reason)}`));
        });
      });
    });
    const logs: string[] = [];
    const listener = await listenForCancels(redisUrl, prefix, worker, (m) => logs.push(m));
    const publisher = conn('queue');
    const send = (raw: string) => publisher.publish(`${prefix}:${RENDER_CANCEL_CHANNEL}`, raw);
    try {
      await queue.add('render', { renderKey: 'a' }, { jobId: 'a' });
      await queue.add('render', { renderKey: 'b' }, { jobId: 'b' });
      await waitFor('both jobs to start', async () => started.size === 2, 10_000);
      await send('not json');
      await send(JSON.stringify({ renderKey: 'elsewhere', reason: 'by x' } satisfies RenderCancelMessage));
      await send(JSON.stringify({ renderKey: 'a', reason: 'by ops@shotmatrix.test' } satisfies RenderCancelMessage));
      await waitFor('job a to fail', async () => (await queue.getJob('a'))?.failedReason, 10_000);
      expect(aborted).toEqual({ a: 'by ops@shotmatrix.test' });
      expect((await queue.getJob('a'))?.failedReason).toBe('cancelled: by ops@shotmatrix.test');
      expect(await (await queue.getJob('b'))?.getState()).toBe('active');
      expect(logs).toEqual([expect.stringMatching(/malformed cancel request: not json/), '[render] job a cancelled: by ops@shotmatrix.test']);
    } finally {
      await listener.close();
      await worker.close(true);
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});
