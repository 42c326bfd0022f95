// `npm run bench:expand`: how long a 10,000-cell campaign (50 markets × 10
// labels × 20 backgrounds) takes to expand — variants persisted and one job
// per distinct render in BullMQ — and how little a one-market edit touches.
// Self-contained: its own Postgres and Redis under .data/bench, the real API
// in-process, the real analysis job, nothing mocked. Prints a same-process
// baseline first; the last line is the figure docs/benchmarks.md keeps.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '@shotmatrix/config';
import { dataSourceOptions, runMigrations } from '@shotmatrix/persistence';
import { createJobWorker, createQueues, createRedis } from '@shotmatrix/queue';
import { createObjectStore } from '@shotmatrix/storage';
import { TemplateRegistry } from '@shotmatrix/templating';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { analyzeJob } from '../../apps/render-worker/src/analyze-master.job';
import { benchStack } from './bench-stack';

const ROOT = path.resolve(__dirname, '../..');
const MARKETS = 50;
const LABELS = 10;
const BACKGROUNDS = 20;
/** Preferred ports; the next free one is taken when something else listens there. */
const PORTS = { postgres: 54349, redis: 63819 };

const secs = (ms: number) => (ms / 1000).toFixed(2);
const BENCH_PASSWORD = randomBytes(18).toString('base64url');

async function main(): Promise<void> {
  const { services, freePort, stops, stopAll } = await benchStack();
  const dataDir = path.join(ROOT, '.data/bench');
  mkdirSync(dataDir, { recursive: true });
  let summary: string[];
  try {
    const pg = await services.startPostgres({ dataDir: path.join(dataDir, 'pg'), port: await freePort(PORTS.postgres), dbName: 'bench', fast: true });
    stops.push(() => pg.stop());
    const redis = await services.startRedis({ dataDir: path.join(dataDir, 'redis'), port: await freePort(PORTS.redis) });
    stops.push(() => redis.stop());
    summary = await run(pg.url, redis.url, dataDir, stops);
  } finally {
    await stopAll();
  }
  // Printed after the services have stopped, so the figure is the very last line.
  for (const line of summary) console.log(line);
}

async function run(pgUrl: string, redisUrl: string, dataDir: string, stops: Array<() => Promise<void>>): Promise<string[]> {
  // A fresh database each run, so the figures never depend on what an earlier run left.
  const admin = new DataSource({ type: 'postgres', url: pgUrl });
  await admin.initialize();
  await admin.query('DROP DATABASE IF EXISTS bench_run WITH (FORCE)');
  await admin.query('CREATE DATABASE bench_run');
  await admin.destroy();
  const url = new URL(pgUrl);
  url.pathname = '/bench_run';
  await runMigrations(url.toString());
  rmSync(path.join(dataDir, 'objects'), { recursive: true, force: true });
  const config = loadConfig(
    {
      DATABASE_URL: url.toString(),
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: `bench-${Date.now()}`,
      STORAGE_DIR: path.join(dataDir, 'objects'),
      WORK_DIR: path.join(dataDir, 'work'),
      DASHBOARD_DIR: path.join(dataDir, 'no-dashboard'),
      RECONCILE_INTERVAL_MS: '3600000',
      // The API signs media and wants a first admin to sign in as; made up per run.
      AUTH_ADMIN_EMAIL: 'bench@shotmatrix.local',
      AUTH_ADMIN_PASSWORD: BENCH_PASSWORD,
      MEDIA_URL_SECRET: randomBytes(32).toString('hex'),
    },
    ROOT,
  );
  mkdirSync(config.workDir, { recursive: true });
  const app = await createApiApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  stops.push(() => app.close());
  const base = `${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/api`;
  const login = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@shotmatrix.local', password: BENCH_PASSWORD }),
  });
  if (!login.ok) throw new Error(`POST /auth/login: ${login.status} ${await login.text()}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const call = async (method: string, p: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${p}`, {
      method,
      headers: { cookie, ...(body instanceof FormData || body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body instanceof FormData ? body : body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as any;
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${json.message}`);
    return json;
  };

  // The master's analysis has to be done for renders to be queued: run the real analysis job.
  const db = await new DataSource(dataSourceOptions(config.databaseUrl, 'bench')).initialize();
  stops.push(() => db.destroy());
  const conn = createRedis(redisUrl, 'queue');
  const workerConn = createRedis(redisUrl, 'worker');
  stops.push(async () => void (await Promise.all([conn.quit(), workerConn.quit()])));
  const queues = createQueues({ connection: conn, prefix: config.queuePrefix, attempts: 1 });
  stops.push(async () => void (await Promise.all(Object.values(queues).map((q) => q.close()))));
  const store = createObjectStore(config.storage);
  const deps = { config, db, store, publisher: conn, templates: new TemplateRegistry(config.templatesDir), tools: { ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' }, kickRelay: () => undefined };
  const analyzer = createJobWorker('analyze', { connection: workerConn, prefix: config.queuePrefix, concurrency: 1 }, (job, signal) => analyzeJob(deps, job, signal));
  stops.push(() => analyzer.close());

  const campaign = await call('POST', '/campaigns/import', {
    shotmatrix: 1,
    name: 'Bench 10k',
    markets: Array.from({ length: MARKETS }, (_, i) => ({
      code: `m${i}`,
      name: `Market ${i}`,
      locale: 'de-DE',
      currency: 'EUR',
      copy: { headline: `Headline ${i}`, price: 1 + i / 100, legal: 'Terms apply' },
    })),
    labels: Array.from({ length: LABELS }, (_, i) => ({ code: `l${i}`, template: i % 2 ? 'label-badge' : 'label-classic', fields: { tagline: `t${i}` } })),
    backgrounds: Array.from({ length: BACKGROUNDS }, (_, i) => ({ code: `b${i}`, name: `Background ${i}` })),
  });
  const clip = path.join(config.workDir, 'bench-master.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=25:d=2', '-pix_fmt', 'yuv420p', clip]);
  const form = new FormData();
  const { openAsBlob } = await import('node:fs');
  form.append('file', await openAsBlob(clip), 'bench-master.mp4');
  await call('POST', `/campaigns/${campaign.id}/master`, form);
  // Every background gets its own plate, so every cell has its own pixels: 10,000 distinct renders.
  const plateIds: string[] = [];
  for (let i = 0; i < BACKGROUNDS; i++) {
    const plate = path.join(config.workDir, `plate-${i}.png`);
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=c=0x${(i * 12).toString(16).padStart(2, '0')}4080:s=64x36`, '-frames:v', '1', plate]);
    const pf = new FormData();
    pf.append('file', await openAsBlob(plate), `plate-${i}.png`);
    plateIds.push((await call('POST', `/campaigns/${campaign.id}/plates`, pf)).id);
  }
  const withPlates = await call('GET', `/campaigns/${campaign.id}`);
  withPlates.matrix.backgrounds.forEach((b: { plateId?: string }, i: number) => (b.plateId = plateIds[i]));
  await call('PUT', `/campaigns/${campaign.id}/matrix`, withPlates.matrix, { 'if-match': `"${withPlates.version}"` });
  const deadline = Date.now() + 60_000;
  while ((await db.query(`SELECT status FROM analysis`))[0]?.status !== 'done') {
    if (Date.now() > deadline) throw new Error('the master analysis did not finish');
    await new Promise((r) => setTimeout(r, 100));
  }

  // Baseline, same process, same database: one plain multi-row INSERT of 10,000 rows.
  await db.query('CREATE TABLE bench_baseline (id int, cell text, payload jsonb)');
  const ids = Array.from({ length: MARKETS * LABELS * BACKGROUNDS }, (_, i) => i);
  let t = performance.now();
  await db.query(`INSERT INTO bench_baseline SELECT * FROM unnest($1::int[], $2::text[], $3::text[]::jsonb[])`, [
    ids,
    ids.map((i) => `cell-${i}`),
    ids.map((i) => JSON.stringify({ i })),
  ]);
  const baselineMs = performance.now() - t;
  console.log(`baseline: plain INSERT of ${ids.length} rows in one statement: ${secs(baselineMs)} s`);

  const waitForJobs = async (n: number) => {
    while ((await queues.render.getJobCountByTypes('waiting', 'delayed', 'prioritized', 'active', 'waiting-children')) < n) {
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  t = performance.now();
  const first = await call('POST', `/campaigns/${campaign.id}/expand`);
  await waitForJobs(first.expansion.queued);
  const expandMs = performance.now() - t;
  const persisted = Number((await db.query(`SELECT count(*) AS n FROM variant`))[0].n);
  console.log(`expansion: ${JSON.stringify(first.expansion)}; variants in Postgres: ${persisted}; render jobs in BullMQ: ${first.expansion.queued}`);
  console.log(`ratio: expansion / baseline insert = ${(expandMs / baselineMs).toFixed(1)}x`);

  const view = await call('GET', `/campaigns/${campaign.id}`);
  view.matrix.markets[7].copy.price = 9.99;
  await call('PUT', `/campaigns/${campaign.id}/matrix`, view.matrix, { 'if-match': `"${view.version}"` });
  t = performance.now();
  const second = await call('POST', `/campaigns/${campaign.id}/expand`);
  await waitForJobs(first.expansion.queued + second.expansion.queued);
  const reMs = performance.now() - t;
  const touched = second.expansion.changed + second.expansion.created;
  return [
    `re-expand after one market's price change: ${touched} cells touched (expected ${LABELS * BACKGROUNDS}) in ${secs(reMs)} s`,
    `expand ${persisted} cells: ${secs(expandMs)} s`,
  ];
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
