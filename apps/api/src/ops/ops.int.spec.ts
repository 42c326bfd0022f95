import { randomBytes } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import {
  RENDER_CANCEL_CHANNEL,
  RENDER_EVENTS_CHANNEL,
  type OpsActionView,
  type OpsCampaignView,
  type OpsEvent,
  type OpsSummaryView,
  type RenderCancelMessage,
} from '@shotmatrix/contracts';
import { dataSourceOptions } from '@shotmatrix/persistence';
import { createJobWorker, createQueues, createRedis, type Queues } from '@shotmatrix/queue';
import { createTestEnv, signedInFetch, TEST_ADMIN, waitFor, type TestEnv } from '@shotmatrix/testing';
import { createApiApp } from '../bootstrap';

type Status = 'waiting' | 'queued' | 'rendering' | 'done' | 'failed';
interface Cell {
  status: Status;
  /** Seconds ago. */
  started?: number;
  finished?: number;
  error?: string;
  attempts?: number;
}

describe('ops board API (real Postgres, Redis, BullMQ)', () => {
  let env: TestEnv;
  let app: NestExpressApplication;
  let base: string;
  let fetch!: typeof globalThis.fetch;
  let db: DataSource;
  let queues: Queues;
  const redis: Redis[] = [];
  let masterId: string;
  /** Render keys by campaign, in the order the cells were given. */
  const keys: Record<string, string[]> = {};
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    env = await createTestEnv('ops');
    app = await createApiApp(env.config, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = `${await app.getUrl()}/api`.replace('[::1]', '127.0.0.1');
    fetch = await signedInFetch(base);
    db = await new DataSource(dataSourceOptions(env.config.databaseUrl)).initialize();
    const q = createRedis(env.config.redisUrl, 'queue');
    redis.push(q);
    queues = createQueues({ connection: q, prefix: env.config.queuePrefix, attempts: 3 });

    const [c0] = await db.query(`INSERT INTO campaign (name) VALUES ('Master holder') RETURNING id`);
    const [m] = await db.query(
      `INSERT INTO master_shot (campaign_id, filename, storage_key, sha256, size_bytes, width, height, fps_fraction, fps, frame_count, duration_s, has_audio, codec, is_current)
       VALUES ($1, 'm.mp4', 'masters/m.mp4', 'm', 1, 64, 36, '25/1', 25, 50, 2, false, 'h264', true) RETURNING id`,
      [c0.id],
    );
    masterId = m.id;
    // Summer: 2 of 4 done in the last 3 minutes, one failed, one queued → 50 %, 1 left at 2 per 3 minutes.
    await seed('Summer', [
      { status: 'done', started: 180, finished: 60 },
      { status: 'done', started: 170, finished: 120 },
      { status: 'failed', started: 100, finished: 30, error: 'ffmpeg could not render this variant: boom', attempts: 3 },
      { status: 'queued' },
    ]);
    // Winter: nothing finished yet, so no rate and no ETA.
    await seed('Winter', [{ status: 'queued' }, { status: 'rendering', started: 10 }, { status: 'waiting' }]);
    // Autumn: finished two hours ago; not on the board.
    await seed('Autumn', [{ status: 'done', started: 7300, finished: 7200 }]);
  });

  afterAll(async () => {
    await app?.close();
    for (const q of Object.values(queues ?? {})) {
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
    }
    await Promise.all(redis.map((r) => r.quit().catch(() => undefined)));
    await db?.destroy();
    await env?.cleanup();
  });

  async function seed(name: string, cells: Cell[]): Promise<void> {
    const [c] = await db.query(`INSERT INTO campaign (name) VALUES ($1) RETURNING id`, [name]);
    ids[name] = c.id;
    keys[name] = [];
    for (const [i, cell] of cells.entries()) {
      const key = randomBytes(32).toString('hex');
      keys[name].push(key);
      await db.query(
        `INSERT INTO render (render_key, status, error, attempts, master_shot_id, params, started_at, finished_at)
         VALUES ($1, $2, $3, $4, $5, '{}', now() - make_interval(secs => $6), now() - make_interval(secs => $7))`,
        [key, cell.status, cell.error ?? null, cell.attempts ?? 0, masterId, cell.started ?? null, cell.finished ?? null],
      );
      await db.query(
        `INSERT INTO variant (campaign_id, cell_key, coords, market_code, label_code, background_code, render_key, params)
         VALUES ($1, $2, $3, $4, 'classic', 'original', $5, '{}')`,
        [c.id, `market=m${i};label=classic;background=original`, { market: `m${i}`, label: 'classic', background: 'original' }, `m${i}`, key],
      );
    }
  }

  const call = async <T = any>(method: string, url: string, f: typeof globalThis.fetch = fetch) => {
    const res = await f(`${base}${url}`, { method });
    return { status: res.status, body: (await res.json()) as T };
  };
  const renderRow = async (key: string) =>
    (await db.query(`SELECT status, error, attempts, finished_at FROM render WHERE render_key = $1`, [key]))[0] as {
      status: Status;
      error: string | null;
      attempts: number;
      finished_at: Date | null;
    };
  const campaignOf = (s: OpsSummaryView, name: string) => s.campaigns.find((c) => c.name === name);

  it('sums up queues, workers, throughput, campaigns with their ETA, failures and renders in flight', async () => {
    await queues.render.add('render', { renderKey: keys.Summer[3] }, { jobId: keys.Summer[3] });
    await queues.render.add('render', { renderKey: keys.Winter[0] }, { jobId: keys.Winter[0] });
    await queues.render.add('render', { renderKey: 'later' }, { jobId: 'a-later-job', delay: 3_600_000 });
    // An analysis worker with nothing to do: it is counted, on its queue only.
    const w = createRedis(env.config.redisUrl, 'worker');
    redis.push(w);
    const worker = createJobWorker('analyze', { connection: w, prefix: env.config.queuePrefix, concurrency: 1 }, async () => undefined);
    try {
      await worker.waitUntilReady();
      const summary = await waitFor(
        'the worker to be listed',
        async () => {
          const res = await call<OpsSummaryView>('GET', '/ops/summary');
          expect(res.status).toBe(200);
          return res.body.queues.find((q) => q.name === 'analyze')?.workers === 1 ? res.body : null;
        },
        10_000,
      );
      expect(summary.queues).toEqual([
        { name: 'analyze', waiting: 0, active: 0, delayed: 0, failed: 0, workers: 1 },
        { name: 'render', waiting: 2, active: 0, delayed: 1, failed: 0, workers: 0 },
      ]);
      // Two variants finished in the last 5 (and 15) minutes.
      expect(summary.throughput).toEqual({ perMinute5: 0.4, perMinute15: 0.13 });
      expect(summary.campaigns.map((c) => c.name)).toEqual(['Winter', 'Summer']);
      expect(campaignOf(summary, 'Summer')).toEqual<OpsCampaignView>({
        id: ids.Summer,
        name: 'Summer',
        total: 4,
        done: 2,
        failed: 1,
        rendering: 0,
        queued: 1,
        waiting: 0,
        percent: 50,
        perMinute: expect.any(Number),
        eta: { state: 'estimate', seconds: expect.any(Number) },
      });
      // 2 finished since the run started 3 minutes ago (plus the moments this test took): 1 left takes 90 s.
      const summer = campaignOf(summary, 'Summer')!;
      expect(summer.perMinute).toBeCloseTo(0.67, 1);
      expect(summer.eta.state === 'estimate' && summer.eta.seconds).toBeGreaterThanOrEqual(90);
      expect(summer.eta.state === 'estimate' && summer.eta.seconds).toBeLessThan(95);
      expect(campaignOf(summary, 'Winter')).toMatchObject({ total: 3, done: 0, queued: 1, rendering: 1, waiting: 1, percent: 0, eta: { state: 'unknown' } });
      expect(summary.failures).toEqual([
        {
          renderKey: keys.Summer[2],
          status: 'failed',
          error: 'ffmpeg could not render this variant: boom',
          attempts: 3,
          startedAt: expect.any(String),
          finishedAt: expect.any(String),
          cells: [{ variantId: expect.any(String), campaignId: ids.Summer, campaignName: 'Summer', cellKey: 'market=m2;label=classic;background=original' }],
        },
      ]);
      expect(summary.inFlight.map((r) => r.renderKey)).toEqual([keys.Winter[1], expect.any(String), expect.any(String)]);
      expect(new Set(summary.inFlight.slice(1).map((r) => r.renderKey))).toEqual(new Set([keys.Summer[3], keys.Winter[0]]));
    } finally {
      await worker.close();
      await (await queues.render.getJob('a-later-job'))?.remove();
    }
  });

  it('retries a failed render: queued again with an outbox message that replaces its job, audited', async () => {
    const key = keys.Summer[2];
    const res = await call<OpsActionView>('POST', `/ops/renders/${key}/retry`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'queued', render: { renderKey: key, status: 'queued', error: null, attempts: 0, finishedAt: null } });
    expect(await renderRow(key)).toMatchObject({ status: 'queued', error: null, attempts: 0, finished_at: null });
    const outbox = await db.query(`SELECT queue, payload, replace FROM outbox WHERE job_id = $1`, [key]);
    expect(outbox).toEqual([{ queue: 'render', payload: { renderKey: key }, replace: true }]);
    // The relay was kicked: the job is in the queue.
    await waitFor('the job to be enqueued', async () => (await queues.render.getJob(key)) ?? null, 10_000);
    const [audit] = await db.query(`SELECT actor_email, action, entity, campaign_id, before, after FROM audit_log WHERE entity_id = $1`, [key]);
    expect(audit).toEqual({
      actor_email: TEST_ADMIN.email,
      action: 'render.retry',
      entity: 'render',
      campaign_id: ids.Summer,
      before: { status: 'failed', error: 'ffmpeg could not render this variant: boom', attempts: 3 },
      after: { status: 'queued' },
    });
  });

  it('refuses to retry a render that did not fail (409), and an unknown one (404)', async () => {
    const done = await call('POST', `/ops/renders/${keys.Summer[0]}/retry`);
    expect(done.status).toBe(409);
    expect(done.body).toMatchObject({ code: 'RENDER_NOT_FAILED', message: `render ${keys.Summer[0]} is done; only failed renders can be retried` });
    expect(await renderRow(keys.Summer[0])).toMatchObject({ status: 'done' });
    expect((await call('POST', `/ops/renders/${'0'.repeat(64)}/retry`)).status).toBe(404);
  });

  it('cancels a queued render: its job is removed and it fails as cancelled by whoever did it; a second cancel is 409', async () => {
    const key = keys.Summer[3];
    expect(await queues.render.getJob(key)).toBeDefined();
    const res = await call<OpsActionView>('POST', `/ops/renders/${key}/cancel`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ outcome: 'cancelled', render: { status: 'failed', error: `cancelled: by ${TEST_ADMIN.email}` } });
    expect(await renderRow(key)).toMatchObject({ status: 'failed', error: `cancelled: by ${TEST_ADMIN.email}` });
    expect(await queues.render.getJob(key)).toBeUndefined();
    const again = await call('POST', `/ops/renders/${key}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('RENDER_NOT_ACTIVE');
    const actions = await db.query(`SELECT action FROM audit_log WHERE entity_id = $1`, [key]);
    expect(actions).toEqual([{ action: 'render.cancel' }]);
  });

  it('cancels a rendering render by asking the workers to stop it', async () => {
    const key = keys.Winter[1];
    const sub = createRedis(env.config.redisUrl, 'pubsub');
    redis.push(sub);
    const heard: RenderCancelMessage[] = [];
    sub.on('message', (_channel, raw) => heard.push(JSON.parse(raw)));
    await sub.subscribe(`${env.config.queuePrefix}:${RENDER_CANCEL_CHANNEL}`);
    const res = await call<OpsActionView>('POST', `/ops/renders/${key}/cancel`);
    expect(res.status).toBe(200);
    expect(res.body.outcome).toBe('stopping');
    await waitFor('the cancel request', async () => heard.length > 0, 5_000);
    expect(heard).toEqual([{ renderKey: key, reason: `by ${TEST_ADMIN.email}` }]);
    // Marked at once, so nothing commits it later even if no worker hears the request.
    expect(await renderRow(key)).toMatchObject({ status: 'failed', error: `cancelled: by ${TEST_ADMIN.email}` });
    await sub.unsubscribe();
  });

  it('streams a summary on connect, and a fresh one after a render event', async () => {
    const abort = new AbortController();
    const res = await fetch(`${base}/ops/events`, { signal: abort.signal });
    try {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const next = eventReader(res);
      const first = await next();
      expect(first.type).toBe('summary');
      expect(campaignOf(first.summary, 'Winter')).toMatchObject({ total: 3, failed: 1, waiting: 1 });

      // A worker finishes a render of Winter's and says so.
      await db.query(`UPDATE render SET status = 'done', started_at = now() - interval '20 seconds', finished_at = now() WHERE render_key = $1`, [keys.Winter[0]]);
      const pub = createRedis(env.config.redisUrl, 'queue');
      redis.push(pub);
      await pub.publish(`${env.config.queuePrefix}:${RENDER_EVENTS_CHANNEL}`, JSON.stringify({ renderKey: keys.Winter[0] }));
      // Well before the stream's periodic refresh (15 s): the event itself brought it.
      const deadline = Date.now() + 5_000;
      let winter: OpsCampaignView | undefined;
      do winter = campaignOf((await within(deadline - Date.now(), next())).summary, 'Winter');
      while (winter?.done !== 1);
      expect(winter).toMatchObject({ done: 1, percent: 33, eta: { state: 'estimate' } });
    } finally {
      abort.abort();
    }
  });

  it('lets a viewer and a brand manager neither retry nor cancel (403); a viewer cannot see the board either', async () => {
    const viewer = await invite('viewer@example.com', 'viewer', []);
    const bm = await invite('bm@example.com', 'brand-manager', ['de']);
    const key = keys.Summer[1];
    for (const who of [viewer, bm]) {
      expect((await call('POST', `/ops/renders/${key}/retry`, who)).status).toBe(403);
      expect((await call('POST', `/ops/renders/${key}/cancel`, who)).status).toBe(403);
    }
    expect((await call('GET', '/ops/summary', viewer)).status).toBe(403);
    expect(await renderRow(key)).toMatchObject({ status: 'done' });
  });

  /** Invites someone as the admin and accepts as them; returns a fetch with their session. */
  async function invite(email: string, role: string, markets: string[]): Promise<typeof globalThis.fetch> {
    const inv = await fetch(`${base}/accounts/invitations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, role, markets }),
    });
    expect(inv.status).toBe(201);
    const { token } = (await inv.json()) as { token: string };
    const password = 'a long enough password';
    const accepted = await globalThis.fetch(`${base}/auth/invitations/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, name: email, password }),
    });
    expect(accepted.status).toBe(200);
    return signedInFetch(base, { email, password });
  }
});

function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`nothing within ${ms} ms`)), Math.max(0, ms))));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Reads server-sent events one at a time from a streaming response. */
function eventReader(res: Response): () => Promise<OpsEvent> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return async () => {
    for (;;) {
      const end = buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block
          .split('\n')
          .filter((l) => l.startsWith('data:'))
          .map((l) => l.slice(5).trimStart())
          .join('\n');
        if (data) return JSON.parse(data) as OpsEvent;
        continue;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('the event stream ended');
      buffer += decoder.decode(value, { stream: true });
    }
  };
}
