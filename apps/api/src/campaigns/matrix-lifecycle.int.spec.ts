import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { loadConfig, type AppConfig } from '@shotmatrix/config';
import { RenderReconciler } from '@shotmatrix/dispatch';
import { createQueues } from '@shotmatrix/queue';
import { dataSourceOptions } from '@shotmatrix/persistence';
import { createTestEnv, REPO_ROOT, SHARED_MEDIA, signedInFetch, TEST_ADMIN, waitFor, type TestEnv } from '@shotmatrix/testing';
import { createApiApp } from '../bootstrap';

const CLIP = path.join(SHARED_MEDIA, 'clips/macro_flower_mdn.mp4');

const campaignFile = (name: string) => `
shotmatrix: 1
name: ${name}
markets:
  - { code: de, name: Germany, locale: de-DE, currency: EUR, copy: { headline: Frisch, price: 1.99 } }
  - { code: fr, name: France, locale: fr-FR, currency: EUR, copy: { headline: Fraîcheur, price: 1.89 } }
  - { code: jp, name: Japan, locale: ja-JP, currency: JPY, copy: { headline: 新鮮, price: 200 } }
labels:
  - { code: classic, template: label-classic }
  - { code: badge, template: label-badge }
backgrounds:
  - { code: original }
aspects:
  - { code: 16x9, ratio: "16:9" }
  - { code: 1x1, ratio: "1:1" }
exclusions:
  - { market: jp, label: badge }
`;

/**
 * The matrix as a durable, incremental model: files in and out, versions,
 * idempotent POSTs, and an outbox that survives the API dying between the
 * commit and the enqueue.
 */
describe('matrix lifecycle (real Postgres and Redis)', () => {
  let env: TestEnv;
  let db: DataSource;
  let connection: IORedis;
  const apps: NestExpressApplication[] = [];
  /** The API refuses anonymous calls: every request in this file goes out signed in as the test admin. */
  let fetch!: typeof globalThis.fetch;

  const start = async (over: Partial<Record<string, string>> = {}) => {
    const s = env.config.storage as { dir: string };
    const config: AppConfig = loadConfig(
      {
        DATABASE_URL: env.config.databaseUrl,
        REDIS_URL: env.config.redisUrl,
        QUEUE_PREFIX: env.config.queuePrefix,
        STORAGE_DIR: s.dir,
        WORK_DIR: env.config.workDir,
        TEMPLATES_DIR: env.config.templatesDir,
        DASHBOARD_DIR: env.config.dashboardDir,
        RECONCILE_INTERVAL_MS: '3600000',
        AUTH_ADMIN_EMAIL: TEST_ADMIN.email,
        AUTH_ADMIN_PASSWORD: TEST_ADMIN.password,
        MEDIA_URL_SECRET: env.config.auth.mediaUrlSecret!,
        ...over,
      },
      REPO_ROOT,
    );
    const app = await createApiApp(config, { logger: false });
    await app.listen(0, '127.0.0.1');
    apps.push(app);
    const base = `${await app.getUrl()}/api`.replace('[::1]', '127.0.0.1');
    // One session for the file: every app instance shares the database, so it is good at each of them.
    fetch ??= await signedInFetch(base);
    const call = async (method: string, url: string, body?: string | object, headers: Record<string, string> = {}) => {
      const res = await fetch(`${base}${url}`, {
        method,
        headers: { ...(typeof body === 'object' ? { 'content-type': 'application/json' } : {}), ...headers },
        body: typeof body === 'object' ? JSON.stringify(body) : body,
      });
      const text = await res.text();
      let parsed: any = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* YAML and CSV stay text */
      }
      return { status: res.status, body: parsed, headers: res.headers };
    };
    return { app, call, base };
  };

  beforeAll(async () => {
    env = await createTestEnv('lifecycle');
    db = await new DataSource(dataSourceOptions(env.config.databaseUrl)).initialize();
    connection = new IORedis(env.config.redisUrl, { maxRetriesPerRequest: null });
  });

  afterAll(async () => {
    for (const a of apps) await a.close().catch(() => undefined);
    await connection?.quit();
    await db?.destroy();
    await env?.cleanup();
  });

  it('imports a campaign file, reports every problem of a bad one, and exports it back', async () => {
    const { call } = await start();
    const bad = campaignFile('Bad').replace('price: 1.89', 'price: abc').replace('ratio: "1:1"', 'ratio: square');
    const rejected = await call('POST', '/campaigns/import', bad, { 'content-type': 'application/yaml' });
    expect(rejected.status).toBe(400);
    expect(rejected.body.problems).toEqual(
      expect.arrayContaining(['markets[1].copy.price: expected a number, got "abc"', 'aspects[1].ratio: must look like 16:9']),
    );
    expect(await db.query(`SELECT count(*)::int AS n FROM campaign`)).toEqual([{ n: 0 }]);

    const dry = await call('POST', '/campaigns/import?dryRun=true', campaignFile('Dry'), { 'content-type': 'application/yaml' });
    expect(dry.body).toEqual({ ok: true, cells: 10 });
    expect(await db.query(`SELECT count(*)::int AS n FROM campaign`)).toEqual([{ n: 0 }]);

    const created = await call('POST', '/campaigns/import', campaignFile('Summer'), { 'content-type': 'application/yaml' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Summer', version: 1 });
    const exported = await call('GET', `/campaigns/${created.body.id}/file?format=json`);
    expect(exported.headers.get('content-disposition')).toBe('attachment; filename="summer.json"');
    expect(exported.body).toMatchObject({ shotmatrix: 1, name: 'Summer', exclusions: [{ market: 'jp', label: 'badge' }] });
    const again = await call('POST', '/campaigns/import', exported.body, {});
    expect(again.status).toBe(201);
    expect(again.body.matrix).toEqual(created.body.matrix);
  });

  it('takes a CSV copy deck under the campaign version, and re-expansion touches exactly the changed market', async () => {
    const { call } = await start();
    const { body: c } = await call('POST', '/campaigns/import', campaignFile('Deck'), { 'content-type': 'application/yaml' });
    const form = new FormData();
    form.append('file', new Blob([await readFile(CLIP)]), 'flower.mp4');
    expect((await fetch(`${(await apps.at(-1)!.getUrl()).replace('[::1]', '127.0.0.1')}/api/campaigns/${c.id}/master`, { method: 'POST', body: form })).status).toBe(201);
    const first = await call('POST', `/campaigns/${c.id}/expand`);
    expect(first.body.expansion).toMatchObject({ cells: 10, created: 10 });
    // Brand managers approved every cell (the approval workflow itself lands with the review boards).
    for (const v of first.body.variants) {
      await db.query(`INSERT INTO approval (variant_id, render_key, decision, decided_by) VALUES ($1, $2, 'approved', 'bm@example.com')`, [
        v.id,
        v.renderKey,
      ]);
    }

    const badDeck = await call('POST', `/campaigns/${c.id}/copy-deck`, 'market,price\nfr,abc\n', { 'content-type': 'text/csv', 'if-match': '"1"' });
    expect(badDeck.status).toBe(400);
    expect(badDeck.body.message).toMatch(/price: expected a number, got "abc"/);
    const deck = await call('POST', `/campaigns/${c.id}/copy-deck`, 'market,price\nfr,2.19\n', { 'content-type': 'text/csv', 'if-match': '"1"' });
    expect(deck.status).toBe(200);
    expect(deck.body.version).toBe(2);
    const stale = await call('POST', `/campaigns/${c.id}/copy-deck`, 'market,price\nfr,2.29\n', { 'content-type': 'text/csv', 'if-match': '"1"' });
    expect(stale.status).toBe(409);

    const second = await call('POST', `/campaigns/${c.id}/expand`);
    // France: 2 labels × 1 background × 2 aspects.
    expect(second.body.expansion).toMatchObject({ cells: 10, created: 0, changed: 4, unchanged: 6, removed: 0 });
    const fr = second.body.variants.filter((v: any) => v.market === 'fr');
    const firstFr = first.body.variants.filter((v: any) => v.market === 'fr');
    expect(fr.map((v: any) => v.renderKey)).not.toEqual(firstFr.map((v: any) => v.renderKey));
    const others = (r: any) => r.body.variants.filter((v: any) => v.market !== 'fr').map((v: any) => v.renderKey);
    expect(others(second)).toEqual(others(first));
    // Approvals survive where the pixels did not change and go stale where they did; none is deleted.
    for (const v of second.body.variants) {
      expect(v.approval).toMatchObject({ decision: 'approved', by: 'bm@example.com', stale: v.market === 'fr' });
    }
    expect(await db.query(`SELECT count(*)::int AS n FROM approval`)).toEqual([{ n: 10 }]);
  });

  it('creates one campaign for 100 concurrent POSTs with the same Idempotency-Key, and refuses the key for another body', async () => {
    const { call } = await start();
    const results = await Promise.all(
      Array.from({ length: 100 }, () => call('POST', '/campaigns', { name: 'Once' }, { 'idempotency-key': 'create-once-1' })),
    );
    expect(new Set(results.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect(await db.query(`SELECT count(*)::int AS n FROM campaign WHERE name = 'Once'`)).toEqual([{ n: 1 }]);
    const other = await call('POST', '/campaigns', { name: 'Twice' }, { 'idempotency-key': 'create-once-1' });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('survives the API dying between commit and enqueue: after a restart each render is queued exactly once', async () => {
    // Only the APIs of this test may relay.
    for (const a of apps.splice(0)) await a.close();
    // An API whose relay never runs plays the one that died right after the commit.
    const dead = await start({ OUTBOX_RELAY: 'false' });
    const { body: c } = await dead.call('POST', '/campaigns/import', campaignFile('Crash'), { 'content-type': 'application/yaml' });
    // A master of its own, so every render key is new to this test.
    const form = new FormData();
    form.append('file', new Blob([await readFile(path.join(SHARED_MEDIA, 'clips/person_walking_room_intel.mp4'))]), 'room.mp4');
    expect((await fetch(`${dead.base}/campaigns/${c.id}/master`, { method: 'POST', body: form })).status).toBe(201);
    // Let the renders skip waiting for an analysis: this test is about the hand-over to Redis.
    await db.query(`UPDATE analysis SET status = 'done'`);
    const expanded = await dead.call('POST', `/campaigns/${c.id}/expand`);
    const keys = new Set<string>(expanded.body.variants.map((v: any) => v.renderKey));
    expect(expanded.body.expansion.queued).toBe(keys.size);
    const renders = new Queue('render', { connection, prefix: env.config.queuePrefix });
    try {
      expect(await renders.count()).toBe(0);
      const pending = await db.query(`SELECT count(*)::int AS n FROM outbox WHERE queue = 'render' AND published_at IS NULL`);
      expect(pending).toEqual([{ n: keys.size }]);
      await dead.app.close();

      await start();
      await waitFor('the relay to publish the outbox', async () => (await renders.count()) === keys.size);
      const jobs = await renders.getJobs(['waiting', 'prioritized', 'delayed']);
      expect(jobs.map((j) => j.id).sort()).toEqual([...keys].sort());
      expect(await db.query(`SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL`)).toEqual([{ n: 0 }]);

      // Redis loses the jobs (a flush): the reconciler puts them back from Postgres, once each.
      await renders.obliterate({ force: true });
      await db.query(`UPDATE render SET updated_at = now() - interval '1 hour'`);
      const queues = createQueues({ connection, prefix: env.config.queuePrefix, attempts: 3 });
      const lost = await new RenderReconciler(db, queues, { staleAfterMs: 1000 }).reconcile();
      expect(lost.sort()).toEqual([...keys].sort());
      await waitFor('the relay to re-publish', async () => (await renders.count()) === keys.size);
      await Promise.all(Object.values(queues).map((q) => q.close()));
    } finally {
      await renders.obliterate({ force: true });
      await renders.close();
    }
  });
});
