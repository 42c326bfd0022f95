import { DataSource } from 'typeorm';
import { dataSourceOptions, insertOutbox } from '@shotmatrix/persistence';
import { createJobWorker, createQueues, createRedis, type Queues } from '@shotmatrix/queue';
import { createTestEnv, type TestEnv } from '@shotmatrix/testing';
import { OutboxRelay } from './outbox-relay';

describe('outbox relay (real Postgres and Redis)', () => {
  let env: TestEnv;
  let db: DataSource;
  let queues: Queues;
  const redis = () => createRedis(env.config.redisUrl, 'queue');
  let conn: ReturnType<typeof redis>;

  beforeAll(async () => {
    env = await createTestEnv('relay');
    db = await new DataSource(dataSourceOptions(env.config.databaseUrl)).initialize();
    conn = redis();
    queues = createQueues({ connection: conn, prefix: env.config.queuePrefix, attempts: 1 });
  });

  afterAll(async () => {
    for (const q of Object.values(queues)) {
      await q.obliterate({ force: true });
      await q.close();
    }
    await conn.quit();
    await db.destroy();
    await env.cleanup();
  });

  it('publishes each committed message once, even with several relays draining at the same time', async () => {
    const keys = Array.from({ length: 2500 }, (_, i) => `key-${i}`);
    await db.transaction((tx) => insertOutbox(tx, keys.map((k) => ({ queue: 'render', jobId: k, payload: { renderKey: k } }))));
    const relays = [new OutboxRelay(db, queues, { batchSize: 500 }), new OutboxRelay(db, queues, { batchSize: 700 })];
    const published = await Promise.all([...relays.map((r) => r.kick()), relays[0].kick()]);
    expect(published[0] + published[1]).toBe(keys.length);
    expect(await queues.render.count()).toBe(keys.length);
    expect(await db.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`)).toEqual([{ n: 0 }]);
    expect(await relays[1].kick()).toBe(0);
  });

  it('leaves nothing published when the transaction that wrote the messages rolls back', async () => {
    await expect(
      db.transaction(async (tx) => {
        await insertOutbox(tx, [{ queue: 'render', jobId: 'ghost', payload: { renderKey: 'ghost' } }]);
        throw new Error('expansion failed half-way');
      }),
    ).rejects.toThrow('half-way');
    await new OutboxRelay(db, queues).kick();
    expect(await queues.render.getJob('ghost')).toBeUndefined();
  });

  it('replaces a failed job with the same id when asked to re-run it', async () => {
    await queues.render.obliterate({ force: true });
    await queues.render.add('render', { renderKey: 'again' }, { jobId: 'again' });
    const workerConn = createRedis(env.config.redisUrl, 'worker');
    const worker = createJobWorker('render', { connection: workerConn, prefix: env.config.queuePrefix, concurrency: 1 }, async () => {
      throw new Error('first try');
    });
    const deadline = Date.now() + 10_000;
    while ((await (await queues.render.getJob('again'))!.getState()) !== 'failed') {
      if (Date.now() > deadline) throw new Error('the job never failed');
      await new Promise((r) => setTimeout(r, 100));
    }
    await worker.close();
    await workerConn.quit();
    // Without `replace`, BullMQ would ignore the add: the failed job still holds the id.
    await new OutboxRelay(db, queues).kick();
    await db.transaction((tx) => insertOutbox(tx, [{ queue: 'render', jobId: 'again', payload: { renderKey: 'again' }, replace: true }]));
    await new OutboxRelay(db, queues).kick();
    const state = await (await queues.render.getJob('again'))!.getState();
    expect(['waiting', 'prioritized']).toContain(state);
  });
});
