import 'reflect-metadata';
import { mkdir } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '@shotmatrix/config';
import { OutboxRelay } from '@shotmatrix/dispatch';
import { dataSourceOptions } from '@shotmatrix/persistence';
import { createJobWorker, createQueues, createRedis } from '@shotmatrix/queue';
import { createObjectStore } from '@shotmatrix/storage';
import { TemplateRegistry } from '@shotmatrix/templating';
import { analyzeJob } from './analyze-master.job';
import { renderJob, type WorkerDeps } from './render-variant.job';

async function main(): Promise<void> {
  const config = loadConfig();
  await mkdir(config.workDir, { recursive: true });
  const db = await new DataSource(dataSourceOptions(config.databaseUrl, 'shotmatrix-worker')).initialize();
  const store = createObjectStore(config.storage);
  await store.ensureReady();
  const publisher = createRedis(config.redisUrl, 'queue');
  const queues = createQueues({ connection: publisher, prefix: config.queuePrefix, attempts: config.render.attempts });
  // Workers relay too, so renders released by an analysis go out without waiting for the API.
  const relay = config.dispatch.relay ? new OutboxRelay(db, queues, { log: (m) => console.warn(`[relay] ${m}`) }) : null;
  relay?.start();
  const deps: WorkerDeps = {
    config,
    db,
    store,
    publisher,
    templates: new TemplateRegistry(config.templatesDir),
    tools: { ffmpegPath: config.ffmpegPath, ffprobePath: config.ffprobePath },
    kickRelay: () => void relay?.kick().catch((e) => console.warn(`[relay] ${(e as Error).message}`)),
  };
  const connection = createRedis(config.redisUrl, 'worker');
  const opts = { connection, prefix: config.queuePrefix, concurrency: config.render.concurrency };
  // One handler per queue, wired here and nowhere else.
  const workers = [
    createJobWorker('analyze', { ...opts, concurrency: 1 }, (job, signal) => analyzeJob(deps, job, signal)),
    createJobWorker('render', opts, (job, signal) => renderJob(deps, job, signal)),
  ];
  for (const w of workers) {
    w.on('failed', (job, err) => console.error(`[${w.name}] job ${job?.id} failed (attempt ${job?.attemptsMade}): ${err.message}`));
    w.on('completed', (job) => console.log(`[${w.name}] job ${job.id} done`));
    w.on('error', (err) => console.error(`[${w.name}] worker error: ${err.message}`));
  }
  console.log(`[worker] ready: queues "analyze" and "render", prefix "${config.queuePrefix}", render concurrency ${config.render.concurrency}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[worker] ${signal}: finishing the active jobs, then stopping`);
    await Promise.all(workers.map((w) => w.close()));
    await relay?.stop();
    await Promise.all(Object.values(queues).map((q) => q.close()));
    await Promise.all([publisher, connection].map((c) => c.quit().catch(() => undefined)));
    await db.destroy();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
