import 'reflect-metadata';
import * as path from 'node:path';
import { ConfigError, loadConfig } from '@shotmatrix/config';
import { OutboxRelay } from '@shotmatrix/dispatch';
import { createQueues, createRedis, createSandboxedWorker } from '@shotmatrix/queue';
import { listenForCancels } from './cancel-listener';
import { failAnalysesOnLastAttempt, failRendersOnLastAttempt } from './job-failures';
import { createWorkerDeps } from './worker-deps';

/** Both processors run in child processes, loaded through CommonJS shims (see analyze.processor.cjs). */
const ANALYZE_PROCESSOR = path.join(__dirname, 'analyze.processor.cjs');
const RENDER_PROCESSOR = path.join(__dirname, 'render.processor.cjs');

async function main(): Promise<void> {
  const config = loadConfig();
  let relay: OutboxRelay | null = null;
  const { deps, close } = await createWorkerDeps(config, () => void relay?.kick().catch((e) => console.warn(`[relay] ${(e as Error).message}`)));
  const { db, publisher } = deps;
  const queues = createQueues({ connection: publisher, prefix: config.queuePrefix, attempts: config.render.attempts });
  // Workers relay too, so renders released by an analysis go out without waiting for the API.
  relay = config.dispatch.relay ? new OutboxRelay(db, queues, { log: (m) => console.warn(`[relay] ${m}`) }) : null;
  relay?.start();
  const connection = createRedis(config.redisUrl, 'worker');
  const opts = { connection, prefix: config.queuePrefix, concurrency: config.render.concurrency };
  // One processor per queue, wired here and nowhere else, each in sandboxed child processes:
  // analysis (ONNX, opencv.js) and renders (ffmpeg, plane tracking, QC) never block this event loop.
  const analyze = createSandboxedWorker('analyze', { ...opts, concurrency: 1 }, ANALYZE_PROCESSOR);
  failAnalysesOnLastAttempt(analyze, deps);
  const render = createSandboxedWorker('render', opts, RENDER_PROCESSOR);
  failRendersOnLastAttempt(render, deps);
  // The ops board's cancel: aborts a render this process is running.
  const cancels = await listenForCancels(config.redisUrl, config.queuePrefix, render);
  const workers = [analyze, render];
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
    await cancels.close();
    await Promise.all(workers.map((w) => w.close()));
    await relay?.stop();
    await Promise.all(Object.values(queues).map((q) => q.close()));
    await connection.quit().catch(() => undefined);
    await close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((e) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
