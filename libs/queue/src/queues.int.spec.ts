import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createRedis } from './connection';
import { createJobWorker, createQueue, UnrecoverableError, type RenderQueue } from './queues';

// As the outbox relay adds them: the render key is the job id.
const enqueueRender = (queue: RenderQueue, renderKey: string) => queue.add('render', { renderKey }, { jobId: renderKey });

const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:63809';

describe('render queue (real Redis, fresh prefix per test)', () => {
  const conns: Redis[] = [];
  const conn = (purpose: 'queue' | 'worker') => {
    const c = createRedis(redisUrl, purpose);
    conns.push(c);
    return c;
  };
  afterAll(async () => {
    await Promise.all(conns.map((c) => c.quit().catch(() => undefined)));
  });

  it('enqueues a job id once however often it is added', async () => {
    const prefix = `test-queue-${randomUUID()}`;
    const queue = createQueue('render', { connection: conn('queue'), prefix, attempts: 3 });
    try {
      await Promise.all(Array.from({ length: 5 }, () => enqueueRender(queue, 'k1')));
      await enqueueRender(queue, 'k2');
      expect(await queue.count()).toBe(2);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('does not retry an unrecoverable failure, and retries a transient one', async () => {
    const prefix = `test-queue-${randomUUID()}`;
    const queue = createQueue('render', { connection: conn('queue'), prefix, attempts: 2, backoffMs: 10 });
    const seen: Record<string, number> = {};
    const worker = createJobWorker('render', { connection: conn('worker'), prefix, concurrency: 1 }, async (job) => {
      seen[job.data.renderKey] = (seen[job.data.renderKey] ?? 0) + 1;
      if (job.data.renderKey === 'corrupt') throw new UnrecoverableError('corrupt master');
      throw new Error('storage hiccup');
    });
    try {
      await enqueueRender(queue, 'corrupt');
      await enqueueRender(queue, 'flaky');
      const deadline = Date.now() + 20_000;
      while ((await queue.getFailedCount()) < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(seen).toEqual({ corrupt: 1, flaky: 2 });
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});
