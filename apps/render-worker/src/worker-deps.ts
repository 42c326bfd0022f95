import 'reflect-metadata';
import { mkdir } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@shotmatrix/config';
import { dataSourceOptions } from '@shotmatrix/persistence';
import { createRedis } from '@shotmatrix/queue';
import { createObjectStore } from '@shotmatrix/storage';
import { TemplateRegistry } from '@shotmatrix/templating';
import type { WorkerDeps } from './render-variant.job';

/** The adapters a handler needs; made once per process (the worker, or each sandboxed child). */
export async function createWorkerDeps(
  config: AppConfig,
  kickRelay: () => void,
  appName = 'shotmatrix-worker',
): Promise<{ deps: WorkerDeps; close: () => Promise<void> }> {
  await mkdir(config.workDir, { recursive: true });
  const db = await new DataSource(dataSourceOptions(config.databaseUrl, appName)).initialize();
  const store = createObjectStore(config.storage);
  await store.ensureReady();
  const publisher = createRedis(config.redisUrl, 'queue');
  const deps: WorkerDeps = {
    config,
    db,
    store,
    publisher,
    templates: new TemplateRegistry(config.templatesDir),
    tools: { ffmpegPath: config.ffmpegPath, ffprobePath: config.ffprobePath },
    kickRelay,
  };
  return {
    deps,
    close: async () => {
      await publisher.quit().catch(() => undefined);
      await db.destroy();
    },
  };
}
