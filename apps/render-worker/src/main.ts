import 'reflect-metadata';
import { mkdir } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '@shotmatrix/config';
import { dataSourceOptions } from '@shotmatrix/persistence';
import { createRedis, createRenderWorker } from '@shotmatrix/queue';
import { createObjectStore } from '@shotmatrix/storage';
import { TemplateRegistry } from '@shotmatrix/templating';
import { renderVariantJob } from './render-variant.job';

async function main(): Promise<void> {
  const config = loadConfig();
  await mkdir(config.workDir, { recursive: true });
  const db = await new DataSource(dataSourceOptions(config.databaseUrl, 'shotmatrix-worker')).initialize();
  const store = createObjectStore(config.storage);
  await store.ensureReady();
  const publisher = createRedis(config.redisUrl, 'queue');
  const deps = {
    config,
    db,
    store,
    publisher,
    templates: new TemplateRegistry(config.templatesDir),
    tools: { ffmpegPath: config.ffmpegPath, ffprobePath: config.ffprobePath },
  };
  const worker = createRenderWorker(
    { connection: createRedis(config.redisUrl, 'worker'), prefix: config.queuePrefix, concurrency: config.render.concurrency },
    (job, signal) => renderVariantJob(deps, job, signal),
  );
  worker.on('failed', (job, err) => console.error(`[render] job ${job?.id} failed (attempt ${job?.attemptsMade}): ${err.message}`));
  worker.on('completed', (job) => console.log(`[render] variant ${job.data.variantId} done`));
  worker.on('error', (err) => console.error(`[render] worker error: ${err.message}`));
  console.log(`[render] worker ready: queue "render", prefix "${config.queuePrefix}", concurrency ${config.render.concurrency}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[render] ${signal}: finishing the active jobs, then stopping`);
    await worker.close();
    await publisher.quit().catch(() => undefined);
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
