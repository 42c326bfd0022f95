import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import { verifyWebhook, WEBHOOK_SIGNATURE_HEADER, type WebhookCheck } from '@shotmatrix/auth';
import type { AppConfig } from '@shotmatrix/config';
import type { WebhookDeliveryView, WebhookEventType } from '@shotmatrix/contracts';
import { dataSourceOptions } from '@shotmatrix/persistence';
import { createTestEnv, signedInFetch, TEST_ADMIN, waitFor, type TestEnv } from '@shotmatrix/testing';
import { createApiApp } from '../bootstrap';
import { NotificationsService } from '../notifications/notifications.service';
import { WEBHOOK_DELIVERY_HEADER, WEBHOOK_EVENT_HEADER, WebhookDeliverer } from './webhook-deliverer';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** What the receiver made of it, the way an integrator's receiver would. */
  verdict: WebhookCheck | 'replay' | 'unknown hook';
}

/**
 * A receiver as an integrator would write one: checks the signature with the
 * hook's secret and drops a delivery id it has already accepted.
 */
class Receiver {
  readonly received: Received[] = [];
  /** Statuses to answer on a path, in turn; 200 once used up. */
  readonly script = new Map<string, number[]>();
  readonly secrets = new Map<string, string>();
  private readonly accepted = new Set<string>();
  private server!: Server;
  origin = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        const body = Buffer.concat(chunks).toString('utf8');
        if (path === '/slow') {
          this.received.push({ path, headers: req.headers, body, verdict: 'ok' });
          return; // never answers
        }
        const secret = this.secrets.get(path);
        const check: WebhookCheck | 'unknown hook' = secret
          ? verifyWebhook(secret, body, req.headers[WEBHOOK_SIGNATURE_HEADER] as string | undefined, Math.floor(Date.now() / 1000))
          : 'unknown hook';
        const id = req.headers[WEBHOOK_DELIVERY_HEADER] as string;
        const verdict = check === 'ok' && this.accepted.has(id) ? 'replay' : check;
        this.received.push({ path, headers: req.headers, body, verdict });
        if (path === '/redirect') {
          res.writeHead(302, { location: `${this.origin}/redirect-target` }).end();
          return;
        }
        if (verdict === 'replay') {
          res.writeHead(200).end('already had it');
          return;
        }
        if (verdict !== 'ok') {
          res.writeHead(401).end(verdict);
          return;
        }
        const status = this.script.get(path)?.shift() ?? (path === '/down' ? 500 : 200);
        if (status >= 200 && status < 300) this.accepted.add(id);
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'thanks' : 'receiver is having a bad day');
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

describe('webhooks (real Postgres, a real receiver on loopback)', () => {
  let env: TestEnv;
  let config: AppConfig;
  let app: NestExpressApplication;
  let base: string;
  let fetch!: typeof globalThis.fetch;
  let db: DataSource;
  const receiver = new Receiver();

  beforeAll(async () => {
    env = await createTestEnv('webhooks');
    await receiver.start();
    // The receiver is on 127.0.0.1: this API may call private addresses (the default, refusing them, is tested below).
    config = { ...env.config, webhooks: { ...env.config.webhooks, allowPrivateAddresses: true } };
    app = await createApiApp(config, { logger: false });
    app.get(WebhookDeliverer).configure({ pollMs: 100, retryDelaysMs: [150, 150, 150, 150, 150], timeoutMs: 1000 });
    await app.listen(0, '127.0.0.1');
    base = `${await app.getUrl()}/api`.replace('[::1]', '127.0.0.1');
    fetch = await signedInFetch(base);
    db = await new DataSource(dataSourceOptions(env.config.databaseUrl)).initialize();
  });

  afterAll(async () => {
    await app?.close();
    await receiver.stop();
    await db?.destroy();
    await env?.cleanup();
  });

  const call = async (method: string, url: string, body?: unknown, as: typeof globalThis.fetch = fetch, at = base) => {
    const res = await as(`${at}${url}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as any };
  };

  /** Registers a hook on the receiver's `path` and tells the receiver its secret. */
  const register = async (path: string, events: WebhookEventType[] = ['variant.approved']) => {
    const created = await call('POST', '/webhooks', { url: `${receiver.origin}${path}`, events });
    expect(created.status).toBe(201);
    receiver.secrets.set(path, created.body.secret);
    return created.body as { id: string; secret: string };
  };
  const deliveries = async (hookId: string) => (await call('GET', `/webhooks/${hookId}/deliveries`)).body as WebhookDeliveryView[];
  const settled = (hookId: string, deliveryId: string, status: 'delivered' | 'failed') =>
    waitFor(`delivery ${deliveryId} ${status}`, async () => (await deliveries(hookId)).find((d) => d.id === deliveryId && d.status === status), 15_000);

  it('refuses private, loopback and link-local URLs, other schemes and credentials when private addresses are not allowed', async () => {
    expect(env.config.webhooks.allowPrivateAddresses).toBe(false);
    // A second API process on the same database, with the default setting.
    const strict = await createApiApp(env.config, { logger: false });
    await strict.listen(0, '127.0.0.1');
    try {
      const strictBase = `${await strict.getUrl()}/api`.replace('[::1]', '127.0.0.1');
      const admin = await signedInFetch(strictBase);
      const refused = async (url: string) => {
        const res = await call('POST', '/webhooks', { url, events: ['variant.rendered'] }, admin, strictBase);
        expect(res.status).toBe(400);
        return res.body as { code: string; message: string };
      };
      expect(await refused(`${receiver.origin}/ok`)).toEqual({
        statusCode: 400,
        code: 'WEBHOOK_URL_REFUSED',
        message:
          'url: 127.0.0.1 is a loopback address; webhooks may only call public addresses (WEBHOOK_ALLOW_PRIVATE=true allows private ones, for on-premises receivers)',
      });
      expect((await refused('http://localhost:8080/hook')).message).toMatch(/^url: localhost is a loopback address/);
      expect((await refused('http://[::1]/hook')).message).toMatch(/^url: ::1 is a loopback address/);
      expect((await refused('http://10.1.2.3/hook')).message).toMatch(/^url: 10\.1\.2\.3 is a private address/);
      expect((await refused('http://169.254.169.254/latest/meta-data/')).message).toMatch(/^url: 169\.254\.169\.254 is a link-local address/);
      expect((await refused('http://[fd00::1]/hook')).message).toMatch(/^url: fd00::1 is a unique-local address/);
      expect((await refused('ftp://hooks.example.com/hook')).message).toBe('url: webhooks are sent over https:// or http://, not ftp://');
      expect((await refused('https://me:pw@hooks.example.com/hook')).message).toMatch(/^url: must not contain a user name or password/);
      const badEvent = await call('POST', '/webhooks', { url: 'https://hooks.example.com/hook', events: ['variant.exploded'] }, admin, strictBase);
      expect(badEvent.status).toBe(400);
      expect(badEvent.body.message).toMatch(/^events\[0\]: must be one of variant\.rendered, variant\.failed/);
      const noEvents = await call('POST', '/webhooks', { url: 'https://hooks.example.com/hook', events: [] }, admin, strictBase);
      expect(noEvents.body.message).toBe('events: subscribe to at least one event');
    } finally {
      await strict.close();
    }
    expect(Number((await db.query(`SELECT count(*) AS n FROM webhook`))[0].n)).toBe(0);
  });

  it('lets only admins manage webhooks', async () => {
    const invited = await call('POST', '/accounts/invitations', { email: 'pat@shotmatrix.test', role: 'producer' });
    expect(invited.status).toBe(201);
    const accepted = await call('POST', '/auth/invitations/accept', { token: invited.body.token, name: 'Pat', password: 'producer-password-1' });
    expect(accepted.status).toBe(200);
    const producer = await signedInFetch(base, { email: 'pat@shotmatrix.test', password: 'producer-password-1' });
    const attempts: Array<[string, string, unknown?]> = [
      ['GET', '/webhooks'],
      ['POST', '/webhooks', { url: `${receiver.origin}/ok`, events: ['variant.approved'] }],
      ['DELETE', `/webhooks/${randomUUID()}`],
      ['GET', `/webhooks/${randomUUID()}/deliveries`],
      ['POST', `/webhooks/${randomUUID()}/test`],
    ];
    for (const [method, url, body] of attempts) {
      const res = await call(method, url, body, producer);
      expect({ method, url, status: res.status, code: res.body.code }).toEqual({ method, url, status: 403, code: 'FORBIDDEN' });
    }
    expect(Number((await db.query(`SELECT count(*) AS n FROM webhook`))[0].n)).toBe(0);
  });

  describe('a hook on /ok', () => {
    let hook: { id: string; secret: string };

    beforeAll(async () => {
      hook = await register('/ok', ['variant.approved', 'variant.approved', 'variant.rejected']);
    });

    it('is created with a secret shown once, listed without it, and audited without it', async () => {
      expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
      expect(hook).toMatchObject({ url: `${receiver.origin}/ok`, events: ['variant.approved', 'variant.rejected'], disabled: false });
      const list = await call('GET', '/webhooks');
      expect(list.status).toBe(200);
      expect(list.body).toEqual([{ id: hook.id, url: `${receiver.origin}/ok`, events: ['variant.approved', 'variant.rejected'], createdAt: expect.any(String), disabled: false }]);
      const [audit] = await db.query(`SELECT actor_email, after FROM audit_log WHERE action = 'webhook.create' AND entity_id = $1`, [hook.id]);
      expect(audit.actor_email).toBe(TEST_ADMIN.email);
      expect(audit.after).toMatchObject({ id: hook.id, url: `${receiver.origin}/ok` });
      expect(JSON.stringify(audit.after)).not.toContain(hook.secret);
    });

    it('sends a signed ping that a receiver verifies, and whose tampered or replayed copies it refuses', async () => {
      const queued = await call('POST', `/webhooks/${hook.id}/test`);
      expect(queued.status).toBe(202);
      expect(queued.body).toMatchObject({ event: 'ping', status: 'pending', attempts: 0 });
      const done = await settled(hook.id, queued.body.id, 'delivered');
      expect(done).toMatchObject({ attempts: 1, responseStatus: 200, lastError: null, nextAttemptAt: null });
      expect(done.deliveredAt).not.toBeNull();

      const [got] = receiver.at('/ok');
      expect(receiver.at('/ok')).toHaveLength(1);
      expect(got.verdict).toBe('ok');
      expect(got.headers['content-type']).toBe('application/json');
      expect(got.headers[WEBHOOK_EVENT_HEADER]).toBe('ping');
      expect(got.headers[WEBHOOK_DELIVERY_HEADER]).toBe(queued.body.id);
      const body = JSON.parse(got.body);
      expect(body).toMatchObject({ id: queued.body.id, type: 'ping', webhookId: hook.id, actor: { email: TEST_ADMIN.email, role: 'admin' } });

      const header = got.headers[WEBHOOK_SIGNATURE_HEADER] as string;
      expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      const now = Math.floor(Date.now() / 1000);
      expect(verifyWebhook(hook.secret, got.body, header, now)).toBe('ok');
      expect(verifyWebhook(hook.secret, got.body.replace('"ping"', '"pong"'), header, now)).toBe('bad-signature');
      expect(verifyWebhook(hook.secret, JSON.stringify({ ...body, id: randomUUID() }), header, now)).toBe('bad-signature');
      expect(verifyWebhook(`${hook.secret}x`, got.body, header, now)).toBe('bad-signature');
      expect(verifyWebhook(hook.secret, got.body, header, now + 3600)).toBe('too-old');

      // Someone who captured the request sends it again, byte for byte: the signature still holds, the id gives it away.
      const sameHeaders = Object.fromEntries(
        ['content-type', WEBHOOK_SIGNATURE_HEADER, WEBHOOK_DELIVERY_HEADER, WEBHOOK_EVENT_HEADER].map((h) => [h, got.headers[h] as string]),
      );
      const replay = await globalThis.fetch(`${receiver.origin}/ok`, { method: 'POST', headers: sameHeaders, body: got.body });
      expect(await replay.text()).toBe('already had it');
      expect(receiver.at('/ok').map((r) => r.verdict)).toEqual(['ok', 'replay']);
    });

    it('delivers the events it subscribes to, once per happening, and not the others', async () => {
      const notifications = app.get(NotificationsService);
      const campaignId = randomUUID();
      const variantId = randomUUID();
      const approved = { type: 'variant.approved' as const, campaignId, variantIds: [variantId], actor: null, message: 'approved', notify: [], dedupeKey: `approved:${variantId}` };
      await notifications.emit(approved);
      // Another API process noticing the same happening queues nothing more.
      await notifications.emit(approved);
      await notifications.emit({ ...approved, type: 'comment.created', dedupeKey: `comment:${variantId}` });

      const sent = await waitFor('the approval at /ok', async () => receiver.at('/ok').find((r) => r.headers[WEBHOOK_EVENT_HEADER] === 'variant.approved'), 15_000);
      expect(sent.verdict).toBe('ok');
      const body = JSON.parse(sent.body);
      expect(body).toMatchObject({ id: sent.headers[WEBHOOK_DELIVERY_HEADER], type: 'variant.approved', campaignId, variantIds: [variantId], actor: null });
      expect(typeof body.at).toBe('string');
      await settled(hook.id, body.id, 'delivered');
      expect((await deliveries(hook.id)).map((d) => d.event).sort()).toEqual(['ping', 'variant.approved']);
      await new Promise((r) => setTimeout(r, 400));
      expect(receiver.at('/ok').filter((r) => r.headers[WEBHOOK_EVENT_HEADER] !== 'ping')).toHaveLength(1);
    });

    it('is disabled by DELETE: nothing more is queued or sent, its log stays, and the change is audited', async () => {
      expect((await call('DELETE', `/webhooks/${hook.id}`)).status).toBe(204);
      expect((await call('DELETE', `/webhooks/${hook.id}`)).status).toBe(204);
      expect((await call('GET', '/webhooks')).body.find((h: { id: string }) => h.id === hook.id)).toMatchObject({ disabled: true });
      await app.get(NotificationsService).emit({
        type: 'variant.rejected',
        campaignId: randomUUID(),
        variantIds: [randomUUID()],
        actor: null,
        message: 'rejected',
        notify: [],
        dedupeKey: `rejected:${randomUUID()}`,
      });
      expect((await deliveries(hook.id)).map((d) => d.event).sort()).toEqual(['ping', 'variant.approved']);
      const test = await call('POST', `/webhooks/${hook.id}/test`);
      expect(test.status).toBe(409);
      expect(test.body.code).toBe('WEBHOOK_DISABLED');
      const audits = await db.query(`SELECT before, after FROM audit_log WHERE action = 'webhook.disable' AND entity_id = $1`, [hook.id]);
      expect(audits).toHaveLength(1);
      expect(audits[0]).toMatchObject({ before: { disabled: false }, after: { disabled: true } });
      expect((await call('DELETE', `/webhooks/${randomUUID()}`)).status).toBe(404);
      expect((await call('GET', '/webhooks/not-a-uuid/deliveries')).status).toBe(404);
    });
  });

  it('retries a receiver that answers 500 twice, every attempt signed and with the same delivery id and body, until it answers 200', async () => {
    const hook = await register('/flaky');
    receiver.script.set('/flaky', [500, 500]);
    const queued = await call('POST', `/webhooks/${hook.id}/test`);
    const done = await settled(hook.id, queued.body.id, 'delivered');
    expect(done).toMatchObject({ attempts: 3, responseStatus: 200, lastError: null });
    const tries = receiver.at('/flaky');
    expect(tries.map((r) => r.verdict)).toEqual(['ok', 'ok', 'ok']);
    expect(new Set(tries.map((r) => r.headers[WEBHOOK_DELIVERY_HEADER]))).toEqual(new Set([queued.body.id]));
    expect(new Set(tries.map((r) => r.body)).size).toBe(1);
  });

  it('gives up after six attempts and says what the receiver answered', async () => {
    const hook = await register('/down');
    const queued = await call('POST', `/webhooks/${hook.id}/test`);
    const failed = await settled(hook.id, queued.body.id, 'failed');
    expect(failed).toMatchObject({ attempts: 6, responseStatus: 500, lastError: 'the receiver answered 500: receiver is having a bad day', nextAttemptAt: null });
    expect(receiver.at('/down')).toHaveLength(6);
  });

  it('does not follow redirects, and gives up on a receiver that does not answer in time', async () => {
    // Retries far off, so the first attempt's outcome can be read before the next.
    const deliverer = app.get(WebhookDeliverer);
    deliverer.configure({ retryDelaysMs: [60_000, 60_000, 60_000, 60_000, 60_000] });
    try {
      const moved = await register('/redirect');
      const slow = await register('/slow');
      const [a, b] = [await call('POST', `/webhooks/${moved.id}/test`), await call('POST', `/webhooks/${slow.id}/test`)];
      const redirected = await waitFor('a redirect attempt', async () => (await deliveries(moved.id)).find((d) => d.id === a.body.id && d.lastError), 15_000);
      expect(redirected).toMatchObject({ status: 'pending', responseStatus: 302 });
      expect(redirected.lastError).toBe('the receiver answered 302 (redirects are not followed: register the final URL)');
      const timedOut = await waitFor('a timed-out attempt', async () => (await deliveries(slow.id)).find((d) => d.id === b.body.id && d.lastError), 15_000);
      expect(timedOut).toMatchObject({ status: 'pending', responseStatus: null, lastError: 'no answer within 1 s' });
      expect(receiver.at('/redirect-target')).toHaveLength(0);
      // Disabling ends the retries and keeps the reason.
      await call('DELETE', `/webhooks/${moved.id}`);
      await call('DELETE', `/webhooks/${slow.id}`);
      const [gaveUp] = await deliveries(moved.id);
      expect(gaveUp.status).toBe('failed');
      expect(gaveUp.lastError).toBe('the receiver answered 302 (redirects are not followed: register the final URL); then the webhook was disabled');
    } finally {
      deliverer.configure({ retryDelaysMs: [150, 150, 150, 150, 150] });
    }
  });

  it('sends each delivery once when several API processes deliver from the same database', async () => {
    const hook = await register('/many');
    // A second deliverer, as in another API process.
    const otherDb = await new DataSource(dataSourceOptions(env.config.databaseUrl)).initialize();
    const other = new WebhookDeliverer(otherDb, config);
    other.configure({ pollMs: 20, batchSize: 3 });
    other.start();
    try {
      await db.query(
        `INSERT INTO webhook_delivery (webhook_id, event, dedupe_key, payload)
         SELECT $1, 'ping', 'many:' || i, jsonb_build_object('type', 'ping', 'n', i) FROM generate_series(1, 40) i`,
        [hook.id],
      );
      await waitFor('40 deliveries', async () => (await db.query(`SELECT count(*) AS n FROM webhook_delivery WHERE webhook_id = $1 AND status = 'delivered'`, [hook.id]))[0].n === '40', 20_000);
    } finally {
      await other.stop();
      await otherDb.destroy();
    }
    const got = receiver.at('/many');
    expect(got).toHaveLength(40);
    expect(new Set(got.map((r) => r.headers[WEBHOOK_DELIVERY_HEADER])).size).toBe(40);
    expect(new Set(got.map((r) => JSON.parse(r.body).n)).size).toBe(40);
    const attempts = await db.query(`SELECT DISTINCT attempts FROM webhook_delivery WHERE webhook_id = $1`, [hook.id]);
    expect(attempts).toEqual([{ attempts: 1 }]);
  });
});
