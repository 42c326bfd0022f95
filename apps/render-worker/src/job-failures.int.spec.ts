import { readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import type { AnalyzeJobPayload, RenderJobPayload } from '@shotmatrix/contracts';
import { ANALYSER_VERSION } from '@shotmatrix/domain';
import { OutboxRelay } from '@shotmatrix/dispatch';
import { AnalysisEntity, CampaignEntity, dataSourceOptions, insertOutbox, MasterShotEntity, RenderEntity } from '@shotmatrix/persistence';
import { createQueues, createRedis, createSandboxedWorker, type Queues } from '@shotmatrix/queue';
import { createTestEnv, waitFor, type TestEnv } from '@shotmatrix/testing';
import { failAnalysesOnLastAttempt, failRendersOnLastAttempt } from './job-failures';

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
    const master = await saveMaster(db, 'broken analyzer', 'broken');
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

describe('worker: sandboxed render children that crash or are cancelled (real child processes, Postgres, Redis)', () => {
  let env: TestEnv;
  let db: DataSource;
  let queues: Queues;
  const workers: Worker<RenderJobPayload>[] = [];
  const redis: Redis[] = [];

  beforeAll(async () => {
    env = await createTestEnv('render-failures');
    db = await new DataSource(dataSourceOptions(env.config.databaseUrl)).initialize();
    const q = createRedis(env.config.redisUrl, 'queue');
    redis.push(q);
    queues = createQueues({ connection: q, prefix: env.config.queuePrefix, attempts: 2, backoffMs: 50 });
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close(true)));
    for (const q of Object.values(queues ?? {})) {
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
    }
    await Promise.all(redis.map((r) => r.quit().catch(() => undefined)));
    await db?.destroy();
    await env?.cleanup();
  });

  async function renderRow(key: string) {
    const master = await saveMaster(db, `render ${key.slice(0, 4)}`, key);
    await db.getRepository(RenderEntity).insert({ renderKey: key, status: 'rendering', analysisId: null, masterShotId: master.id, params: {} as never });
  }

  function sandboxed(processor: string): Worker<RenderJobPayload> {
    const [w, p] = [createRedis(env.config.redisUrl, 'worker'), createRedis(env.config.redisUrl, 'queue')];
    redis.push(w, p);
    const worker = createSandboxedWorker('render', { connection: w, prefix: env.config.queuePrefix, concurrency: 1 }, processor);
    failRendersOnLastAttempt(worker, { db, publisher: p, config: env.config }, () => undefined);
    workers.push(worker);
    return worker;
  }

  it('fails the render with the reason when its child process dies on every attempt', async () => {
    const key = 'c'.repeat(64);
    await renderRow(key);
    const crashing = path.join(env.config.workDir, 'crashing.processor.cjs');
    // Dies the way an out-of-memory kill or a native crash would: without settling anything itself.
    await writeFile(crashing, 'module.exports = async () => { process.exit(7); };\n');
    const worker = sandboxed(crashing);
    await queues.render.add('render', { renderKey: key }, { jobId: key });
    const render = await waitFor(
      'the render to be failed',
      async () => {
        const r = await db.getRepository(RenderEntity).findOneByOrFail({ renderKey: key });
        return r.status === 'failed' ? r : null;
      },
      60_000,
    );
    expect(render.error).toMatch(/^the render process failed: .*exit code: 7/i);
    expect((await queues.render.getJob(key))?.attemptsMade).toBe(2);
    await worker.close();
  });

  it('passes a cancel through to the child, whose signal stops ffmpeg at once', async () => {
    const key = 'd'.repeat(64);
    await renderRow(key);
    const pidFile = path.join(env.config.workDir, 'ffmpeg.pid');
    const slow = path.join(env.config.workDir, 'slow.processor.cjs');
    // A stand-in for a long render: an endless ffmpeg run that only the job's AbortSignal can end.
    await writeFile(
      slow,
      `const { spawn } = require('node:child_process');
const { writeFileSync } = require('node:fs');
module.exports = (job, token, signal) => new Promise((resolve, reject) => {
  const ff = spawn('ffmpeg', ['-v', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=s=64x64:r=25', '-f', 'null', '-'], { stdio: 'ignore' });
  writeFileSync(${JSON.stringify(pidFile)}, String(ff.pid));
  signal.addEventListener('abort', () => { ff.kill('SIGKILL'); reject(new Error('cancelled: ' + signal.reason)); }, { once: true });
  ff.on('exit', () => resolve());
});
`,
    );
    const worker = sandboxed(slow);
    await queues.render.add('render', { renderKey: key }, { jobId: key, attempts: 1 });
    const pid = await waitFor('ffmpeg to start in the child', async () => Number(await readFile(pidFile, 'utf8').catch(() => '')) || null, 30_000);
    expect(alive(pid)).toBe(true);
    expect(worker.cancelJob(key, 'the producer cancelled it')).toBe(true);
    await waitFor('ffmpeg to be gone', async () => !alive(pid), 10_000);
    const render = await waitFor(
      'the render to be failed',
      async () => {
        const r = await db.getRepository(RenderEntity).findOneByOrFail({ renderKey: key });
        return r.status === 'failed' ? r : null;
      },
      30_000,
    );
    expect(render.error).toMatch(/cancelled: the producer cancelled it/);
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A campaign with a 1 s, 25-frame master row (no file behind it: these jobs never read it). */
async function saveMaster(db: DataSource, campaignName: string, sha256: string): Promise<MasterShotEntity> {
  const campaign = await db.getRepository(CampaignEntity).save({ name: campaignName });
  return db.getRepository(MasterShotEntity).save({
    campaignId: campaign.id,
    filename: 'm.mp4',
    storageKey: 'masters/m.mp4',
    thumbnailKey: null,
    sha256,
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
}
