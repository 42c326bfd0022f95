import { randomBytes, randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Principal } from '@shotmatrix/auth';
import type { AppConfig } from '@shotmatrix/config';
import { webhookCreateSchema, type WebhookDeliveryView, type WebhookEventType, type WebhookView } from '@shotmatrix/contracts';
import { DomainError, isUuid, notFound } from '@shotmatrix/domain';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG } from '../common/tokens';
import { parseBody } from '../common/zod-body';
import { WebhookDeliverer } from './webhook-deliverer';
import { resolvedAddressProblem } from './webhook-post';
import { webhookUrlProblem } from './webhook-url';

/** How many deliveries the log shows. */
const DELIVERY_LOG = 50;

interface WebhookRow {
  id: string;
  url: string;
  events: WebhookEventType[];
  created_at: Date;
  disabled_at: Date | null;
}

interface DeliveryRow {
  id: string;
  event: string;
  status: WebhookDeliveryView['status'];
  attempts: number;
  response_status: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
  next_attempt_at: Date;
}

const HOOK_COLUMNS = 'id, url, events, created_at, disabled_at';
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

const toView = (r: WebhookRow): WebhookView => ({
  id: r.id,
  url: r.url,
  events: r.events,
  createdAt: new Date(r.created_at).toISOString(),
  disabled: r.disabled_at !== null,
});

const toDeliveryView = (r: DeliveryRow): WebhookDeliveryView => ({
  id: r.id,
  event: r.event,
  status: r.status,
  attempts: r.attempts,
  responseStatus: r.response_status,
  lastError: r.last_error,
  createdAt: new Date(r.created_at).toISOString(),
  deliveredAt: iso(r.delivered_at),
  nextAttemptAt: r.status === 'pending' ? iso(r.next_attempt_at) : null,
});

/** Registering, disabling and testing webhooks; sending is the WebhookDeliverer's, queueing the NotificationsService's. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly deliverer: WebhookDeliverer,
  ) {}

  async list(): Promise<WebhookView[]> {
    const rows: WebhookRow[] = await this.db.query(`SELECT ${HOOK_COLUMNS} FROM webhook ORDER BY created_at DESC, id`);
    return rows.map(toView);
  }

  /** The secret is in this response only: we keep it to sign with, but never show it again. */
  async create(body: unknown, by: Principal): Promise<WebhookView> {
    const input = parseBody(webhookCreateSchema, body);
    await this.checkUrl(input.url);
    const events = [...new Set(input.events)];
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    return this.db.transaction(async (m) => {
      const [row]: WebhookRow[] = await m.query(
        `INSERT INTO webhook (url, secret, events, created_by) VALUES ($1, $2, $3, $4) RETURNING ${HOOK_COLUMNS}`,
        [input.url, secret, events, by.id],
      );
      const view = toView(row);
      await this.audit.record({ action: 'webhook.create', entity: 'webhook', entityId: row.id, after: view }, m, by);
      return { ...view, secret };
    });
  }

  /** Stops a hook for good; its deliveries stay in the log and the ones still waiting are marked failed. */
  async disable(id: string, by: Principal): Promise<void> {
    await this.db.transaction(async (m) => {
      const before = await this.find(id, m, true);
      if (before.disabled_at) return;
      // UPDATE … RETURNING comes back from TypeORM as [rows, count].
      const [[after]]: [WebhookRow[], number] = await m.query(`UPDATE webhook SET disabled_at = now() WHERE id = $1 RETURNING ${HOOK_COLUMNS}`, [id]);
      await m.query(
        `UPDATE webhook_delivery SET status = 'failed', last_error = concat_ws('; then ', last_error, 'the webhook was disabled')
          WHERE webhook_id = $1 AND status = 'pending'`,
        [id],
      );
      await this.audit.record({ action: 'webhook.disable', entity: 'webhook', entityId: id, before: toView(before), after: toView(after) }, m, by);
    });
  }

  async deliveries(id: string): Promise<WebhookDeliveryView[]> {
    await this.find(id);
    const rows: DeliveryRow[] = await this.db.query(
      `SELECT id, event, status, attempts, response_status, last_error, created_at, delivered_at, next_attempt_at
         FROM webhook_delivery WHERE webhook_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
      [id, DELIVERY_LOG],
    );
    return rows.map(toDeliveryView);
  }

  /** Queues a `ping` (whatever the hook subscribes to) and sends it at once. */
  async test(id: string, by: Principal): Promise<WebhookDeliveryView> {
    const hook = await this.find(id);
    if (hook.disabled_at) throw new DomainError('WEBHOOK_DISABLED', `webhook ${id} is disabled; register it again to send to it`, 'conflict');
    const payload = { type: 'ping', at: new Date().toISOString(), webhookId: id, actor: { id: by.id, email: by.email, role: by.role } };
    const [row]: DeliveryRow[] = await this.db.query(
      `INSERT INTO webhook_delivery (webhook_id, event, dedupe_key, payload) VALUES ($1, 'ping', $2, $3)
       RETURNING id, event, status, attempts, response_status, last_error, created_at, delivered_at, next_attempt_at`,
      [id, `ping:${randomUUID()}`, JSON.stringify(payload)],
    );
    void this.deliverer.kick().catch(() => undefined);
    return toDeliveryView(row);
  }

  private async checkUrl(url: string): Promise<void> {
    const allowPrivate = this.config.webhooks.allowPrivateAddresses;
    const problem = webhookUrlProblem(url, allowPrivate);
    if (problem) throw new DomainError('WEBHOOK_URL_REFUSED', problem);
    if (allowPrivate) return;
    const host = new URL(url).hostname;
    if (isIP(host.replace(/^\[|\]$/g, ''))) return;
    const resolved = await resolvedAddressProblem(host);
    if (resolved) throw new DomainError('WEBHOOK_URL_REFUSED', `url: ${resolved}`);
  }

  private async find(id: string, m: EntityManager = this.db.manager, lock = false): Promise<WebhookRow> {
    const [row]: WebhookRow[] = isUuid(id) ? await m.query(`SELECT ${HOOK_COLUMNS} FROM webhook WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]) : [];
    if (!row) throw notFound('webhook', id);
    return row;
  }
}
