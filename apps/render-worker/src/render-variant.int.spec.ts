import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import type { RenderJobPayload } from '@shotmatrix/contracts';
import { countFrames, probeVideo } from '@shotmatrix/media';
import {
  CampaignEntity,
  dataSourceOptions,
  MasterShotEntity,
  PlateEntity,
  RenderJobEntity,
  VariantEntity,
} from '@shotmatrix/persistence';
import { createRedis, createRenderQueue, createRenderWorker, enqueueRender, type RenderQueue } from '@shotmatrix/queue';
import { createObjectStore, type ObjectStore } from '@shotmatrix/storage';
import { TemplateRegistry } from '@shotmatrix/templating';
import { createTestEnv, SHARED_MEDIA, waitFor, type TestEnv } from '@shotmatrix/testing';
import { renderVariantJob } from './render-variant.job';

const CLIP = path.join(SHARED_MEDIA, 'clips/talking_head_yellow_backdrop_mdn.mp4');
const PLATE = path.join(SHARED_MEDIA, 'plates/beach_sunset_budgie.jpg');

describe('render worker (real ffmpeg, Postgres, Redis)', () => {
  let env: TestEnv;
  let db: DataSource;
  let store: ObjectStore;
  let queue: RenderQueue;
  let worker: Worker<RenderJobPayload>;
  const redis: Redis[] = [];
  const tools = { ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' };

  beforeAll(async () => {
    env = await createTestEnv('worker');
    db = await new DataSource(dataSourceOptions(env.config.databaseUrl)).initialize();
    store = createObjectStore(env.config.storage);
    await store.ensureReady();
    const [q, w, p] = [createRedis(env.config.redisUrl, 'queue'), createRedis(env.config.redisUrl, 'worker'), createRedis(env.config.redisUrl, 'queue')];
    redis.push(q, w, p);
    queue = createRenderQueue({ connection: q, prefix: env.config.queuePrefix, attempts: 3 });
    const deps = { config: env.config, db, store, tools, publisher: p, templates: new TemplateRegistry(env.config.templatesDir) };
    worker = createRenderWorker({ connection: w, prefix: env.config.queuePrefix, concurrency: 1 }, (job, signal) =>
      renderVariantJob(deps, job, signal),
    );
  });

  afterAll(async () => {
    await worker?.close();
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await queue?.close();
    await Promise.all(redis.map((r) => r.quit().catch(() => undefined)));
    await db?.destroy();
    await env?.cleanup();
  });

  async function seed(opts: { masterFile: string; plate?: boolean; renderKey: string }) {
    const campaign = await db.getRepository(CampaignEntity).save({ name: `worker ${opts.renderKey}` });
    const probe = await probeVideo(tools, CLIP);
    const masterKey = `masters/${opts.renderKey}.mp4`;
    await store.putFile(masterKey, opts.masterFile);
    const master = await db.getRepository(MasterShotEntity).save({
      campaignId: campaign.id,
      filename: 'talking.mp4',
      storageKey: masterKey,
      thumbnailKey: null,
      sha256: opts.renderKey,
      sizeBytes: probe.sizeBytes,
      width: probe.width,
      height: probe.height,
      fpsFraction: probe.fpsFraction,
      fps: probe.fps,
      frameCount: probe.frameCount,
      durationS: probe.durationS,
      hasAudio: probe.hasAudio,
      codec: probe.codec,
      isCurrent: true,
    });
    let plateId: string | null = null;
    if (opts.plate) {
      await store.putFile('plates/beach.jpg', PLATE);
      plateId = (await db.getRepository(PlateEntity).save({ campaignId: campaign.id, filename: 'beach.jpg', storageKey: 'plates/beach.jpg', sha256: 'b', width: 6144, height: 4096 })).id;
    }
    const variant = await db.getRepository(VariantEntity).save({
      campaignId: campaign.id,
      marketCode: 'de',
      labelCode: 'classic',
      backgroundCode: opts.plate ? 'beach' : 'original',
      renderKey: opts.renderKey,
      params: { masterShotId: master.id, template: 'label-classic', fields: { headline: 'Sommer-Frische', price: '1,99 €' }, locale: 'de-DE', plateId },
      status: 'queued',
      error: null,
    });
    const job = await db.getRepository(RenderJobEntity).save({ variantId: variant.id, renderKey: opts.renderKey, status: 'queued' });
    await enqueueRender(queue, job.id, { variantId: variant.id, renderKey: opts.renderKey });
    return { variant, job, probe };
  }

  const settled = (id: string) =>
    waitFor(`variant ${id} to finish`, async () => {
      const v = await db.getRepository(VariantEntity).findOneByOrFail({ id });
      return v.status === 'done' || v.status === 'failed' ? v : null;
    }, 90_000);

  it('renders a variant over a plate with the master frame count, audio and a thumbnail', async () => {
    const { variant, probe } = await seed({ masterFile: CLIP, plate: true, renderKey: 'a'.repeat(64) });
    const done = await settled(variant.id);
    expect(done.error).toBeNull();
    expect(done.status).toBe('done');
    const out = path.join(env.config.workDir, 'check.mp4');
    await store.getToFile(done.outputKey!, out);
    const outProbe = await probeVideo(tools, out);
    expect(await countFrames(tools, out)).toBe(probe.frameCount);
    expect(done.frameCount).toBe(probe.frameCount);
    expect(Math.abs(outProbe.durationS - probe.durationS)).toBeLessThan(1 / probe.fps + 0.05);
    expect(outProbe.hasAudio).toBe(true);
    expect(outProbe.codec).toBe('h264');
    expect((await store.head(done.thumbnailKey!))?.size).toBeGreaterThan(1000);
  });

  it('fails a variant whose master is corrupt, with the reason, without retrying', async () => {
    const corrupt = path.join(env.config.workDir, 'corrupt.mp4');
    await writeFile(corrupt, Buffer.alloc(64 * 1024, 7));
    const { variant, job } = await seed({ masterFile: corrupt, renderKey: 'c'.repeat(64) });
    const failed = await settled(variant.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/not a video/i);
    const bull = await queue.getJob(job.id);
    await waitFor('the job to be marked failed', async () => (await bull?.getState()) === 'failed');
    expect((await queue.getJob(job.id))?.attemptsMade).toBe(1);
    expect((await db.getRepository(RenderJobEntity).findOneByOrFail({ id: job.id })).status).toBe('failed');
  });
});
