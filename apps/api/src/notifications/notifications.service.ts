import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '@shotmatrix/auth';
import type { NotificationView, WebhookEventType } from '@shotmatrix/contracts';
import { WebhookDeliverer } from '../webhooks/webhook-deliverer';

interface Happening {
  type: WebhookEventType;
  campaignId: string;
  variantIds: string[];
  /** Who did it (null: the platform itself, e.g. a render finishing). */
  actor: Principal | null;
  /** Shown in the dashboard's notification list. */
  message: string;
  /** In-app recipients: roles, and for brand managers only those whose markets the variants are in. */
  notify: Array<'admin' | 'producer' | 'brand-manager' | 'ops'>;
  /** Same key, same happening: one webhook delivery however many API processes saw it. */
  dedupeKey: string;
  data?: Record<string, unknown>;
}

/**
 * Tells people: in-app notifications for the accounts concerned, and a
 * webhook delivery queued for every hook subscribed to the event (sent,
 * signed and retried by the WebhookDeliverer).
 */
@Injectable()
export class NotificationsService {
  private readonly log = new Logger('notifications');

  constructor(
    private readonly db: DataSource,
    private readonly deliverer: WebhookDeliverer,
  ) {}

  async decided(campaignId: string, variantIds: string[], approvalIds: string[], decision: 'approved' | 'rejected', who: Principal): Promise<void> {
    const n = variantIds.length;
    await this.emit({
      type: decision === 'approved' ? 'variant.approved' : 'variant.rejected',
      campaignId,
      variantIds,
      actor: who,
      message: `${who.name} ${decision} ${n === 1 ? 'a variant' : `${n} variants`}`,
      notify: ['producer', 'admin'],
      // The decisions' own ids, hashed: short whatever the batch size (a unique index caps key length).
      dedupeKey: `decision:${createHash('sha256').update(approvalIds.join(',')).digest('hex')}`,
    });
  }

  async commented(campaignId: string, variantId: string, commentId: string, who: Principal): Promise<void> {
    await this.emit({
      type: 'comment.created',
      campaignId,
      variantIds: [variantId],
      actor: who,
      message: `${who.name} commented on a variant`,
      notify: ['producer', 'brand-manager'],
      dedupeKey: `comment:${commentId}`,
    });
  }

  /** A render finished or failed (seen through the workers' render events). */
  async renderChanged(
    campaignId: string,
    variantIds: string[],
    renderKey: string,
    status: 'done' | 'failed',
    error: string | null,
    /** When the render reached that state: the same for every API process that noticed it. */
    at: string,
  ): Promise<void> {
    await this.emit({
      type: status === 'done' ? 'variant.rendered' : 'variant.failed',
      campaignId,
      variantIds,
      actor: null,
      message: status === 'done' ? `${variantIds.length} variant(s) rendered` : `a render failed: ${error ?? 'unknown reason'}`,
      notify: status === 'failed' ? ['producer', 'ops'] : [],
      dedupeKey: `render:${renderKey}:${status}:${at}:${campaignId}`,
      data: { renderKey, error },
    });
  }

  async emit(h: Happening): Promise<void> {
    try {
      await this.db.transaction(async (m) => {
        if (h.notify.length) {
          await m.query(
            `INSERT INTO notification (account_id, type, campaign_id, variant_id, message, dedupe_key)
             SELECT a.id, $2, $3, $4, $5, $8 FROM account a
             WHERE a.disabled_at IS NULL AND a.id IS DISTINCT FROM $6 AND a.role = ANY($1::text[])
               AND (a.role <> 'brand-manager' OR a.markets && (SELECT array_agg(DISTINCT market_code) FROM variant WHERE id = ANY($7::uuid[])))
             ON CONFLICT (account_id, dedupe_key) DO NOTHING`,
            [h.notify, h.type, h.campaignId, h.variantIds.length === 1 ? h.variantIds[0] : null, h.message, h.actor?.id ?? null, h.variantIds, h.dedupeKey],
          );
        }
        const payload = {
          type: h.type,
          at: new Date().toISOString(),
          campaignId: h.campaignId,
          variantIds: h.variantIds,
          actor: h.actor ? { id: h.actor.id, email: h.actor.email, role: h.actor.role } : null,
          ...(h.data ? { data: h.data } : {}),
        };
        await m.query(
          `INSERT INTO webhook_delivery (webhook_id, event, dedupe_key, payload)
           SELECT id, $1, $2, $3 FROM webhook WHERE disabled_at IS NULL AND $1 = ANY(events)
           ON CONFLICT (webhook_id, dedupe_key) DO NOTHING`,
          [h.type, h.dedupeKey, JSON.stringify(payload)],
        );
      });
      // Send now rather than on the deliverer's next tick.
      void this.deliverer.kick().catch((e) => this.log.warn(`webhook deliverer: ${(e as Error).message}`));
    } catch (e) {
      // Telling people must never undo or fail the change itself (it is committed already).
      this.log.warn(`${h.type} for campaign ${h.campaignId}: ${(e as Error).message}`);
    }
  }

  async list(who: Principal, limit = 50): Promise<NotificationView[]> {
    const rows: Array<{ id: string; type: string; campaign_id: string | null; variant_id: string | null; message: string; created_at: Date; read_at: Date | null }> =
      await this.db.query(`SELECT * FROM notification WHERE account_id = $1 ORDER BY id DESC LIMIT $2`, [who.id, limit]);
    return rows.map((r) => ({
      id: String(r.id),
      type: r.type,
      campaignId: r.campaign_id,
      variantId: r.variant_id,
      message: r.message,
      createdAt: new Date(r.created_at).toISOString(),
      read: r.read_at !== null,
    }));
  }

  async markRead(who: Principal, upToId: string | null): Promise<void> {
    await this.db.query(`UPDATE notification SET read_at = now() WHERE account_id = $1 AND read_at IS NULL AND ($2::bigint IS NULL OR id <= $2::bigint)`, [
      who.id,
      upToId,
    ]);
  }
}
