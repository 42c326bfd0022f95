import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import type { AnalyzeJobPayload } from '@shotmatrix/contracts';
import { ANALYSER_VERSION } from '@shotmatrix/domain';
import { OutboxRelay } from '@shotmatrix/dispatch';
import { AnalysisEntity, CampaignEntity, dataSourceOptions, insertOutbox, MasterShotEntity, RenderEntity } from '@shotmatrix/persistence';
import { createQueues, createRedis, createSandboxedWorker, type Queues } from '@shotmatrix/queue';
import { createTestEnv, waitFor, type TestEnv } from '@shotmatrix/testing';
import { failAnalysesOnLastAttempt } from './analyze-failures';

describe('worker: an analyze processor that cannot even load (real sandboxed child, Postgres, Redis)', () => {
  let env: TestEnv;
  let db: DataSource;
  let queues: Queues;
  let relay: OutboxRelay;
  let worker: Worker<AnalyzeJobPayload>;
  const redis: Redis[] = [];

  beforeAll(async () => {
    env = await createTestEnv('analyze-failures');
    db = await new DataSource(dataSourceOptions(env.config.databaseUrl)).initialize();
    const [q, w, p] = [createRedis(env.config.redisUrl, 'queue'), createRedis(env.config.redisUrl, 'worker'), createRedis(env.config.redisUrl, 'queue')];
    redis.push(q, w, p);
    queues = createQueues({ connection: q, prefix: env.config.queuePrefix, attempts: 2, backoffMs: 50 });
    relay = new OutboxRelay(db, queues, { pollMs: 200 });
    relay.start();
    // A processor whose module throws while loading: the handler never runs, so only the worker can fail the analysis.
    const broken = path.join(env.config.workDir, 'broken.processor.cjs');
    await writeFile(broken, "throw new Error('the analyzer cannot load: a native module is missing');\n");
    worker = createSandboxedWorker('analyze', { connection: w, prefix: env.config.queuePrefix, concurrency: 1 }, broken);
    failAnalysesOnLastAttempt(worker, { db, publisher: p, config: env.config }, () => undefined);
  });

  afterAll(async () => {
    await worker?.close();
    await relay?.stop();
    for (const q of Object.values(queues ?? {})) {
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
    }
    await Promise.all(redis.map((r) => r.quit().catch(() => undefined)));
    await db?.destroy();
    await env?.cleanup();
  });

  it('fails the analysis and the renders waiting for it after the last attempt, with the reason', async () => {
    const campaign = await db.getRepository(CampaignEntity).save({ name: 'broken analyzer' });
    const master = await db.getRepository(MasterShotEntity).save({
      campaignId: campaign.id,
      filename: 'm.mp4',
      storageKey: 'masters/m.mp4',
      thumbnailKey: null,
      sha256: 'broken',
      sizeBytes: 1,
      width: 640,
      height: 360,
      fpsFraction: '25/1',
      fps: 25,
      frameCount: 25,
      durationS: 1,
      hasAudio: false,
      codec: 'h264',
      isCurrent: true,
    });
    const analysis = await db.getRepository(AnalysisEntity).save({ masterSha256: 'broken', analyserVersion: ANALYSER_VERSION, status: 'queued' });
    const key = 'e'.repeat(64);
    await db.getRepository(RenderEntity).insert({ renderKey: key, status: 'waiting', analysisId: analysis.id, masterShotId: master.id, params: {} as never });
    await db.transaction((tx) => insertOutbox(tx, [{ queue: 'analyze', jobId: `analysis-${analysis.id}`, payload: { analysisId: analysis.id } }]));
    void relay.kick();

    const failed = await waitFor(
      'the analysis to be failed',
      async () => {
        const a = await db.getRepository(AnalysisEntity).findOneByOrFail({ id: analysis.id });
        return a.status === 'failed' ? a : null;
      },
      60_000,
    );
    expect(failed.error).toMatch(/cannot load/);
    const render = await db.getRepository(RenderEntity).findOneByOrFail({ renderKey: key });
    expect(render.status).toBe('failed');
    expect(render.error).toMatch(/^analysis of the master failed: .*cannot load/);
    // Both attempts were made before giving up.
    expect((await queues.analyze.getJob(`analysis-${analysis.id}`))?.attemptsMade).toBe(2);
  });
});
