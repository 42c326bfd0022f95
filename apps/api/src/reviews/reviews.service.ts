import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { can, type Principal } from '@shotmatrix/auth';
import {
  bulkDecisionSchema,
  commentSchema,
  decisionSchema,
  type CommentThreadView,
  type CommentView,
  type VariantVersionView,
  type VariantView,
} from '@shotmatrix/contracts';
import { checkDecision, DomainError, isUuid, notFound, threadComments, type LatestDecision } from '@shotmatrix/domain';
import { AuditService } from '../audit/audit.service';
import { CampaignsService } from '../campaigns/campaigns.service';
import { toVariantView } from '../campaigns/views';
import { parseBody } from '../common/zod-body';
import { CampaignEventsService } from '../events/campaign-events.service';
import { NotificationsService } from '../notifications/notifications.service';

interface LockedVariant {
  id: string;
  campaign_id: string;
  cell_key: string;
  market_code: string;
  render_key: string;
  status: string;
}

interface CommentRow {
  id: string;
  variant_id: string;
  parent_id: string | null;
  render_key: string;
  version: number | null;
  frame: number;
  region: CommentView['region'];
  body: string;
  author_name: string;
  created_at: Date;
  resolved_at: Date | null;
  resolver: string | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

const toComment = (r: CommentRow): CommentView => ({
  id: r.id,
  variantId: r.variant_id,
  parentId: r.parent_id,
  renderKey: r.render_key,
  version: r.version === null ? null : Number(r.version),
  frame: r.frame,
  region: r.region,
  body: r.body,
  author: r.author_name,
  createdAt: iso(r.created_at)!,
  resolvedAt: iso(r.resolved_at),
  resolvedBy: r.resolver,
});

/**
 * Approvals, comments and versions. Decisions lock the variant's row, so two
 * reviewers deciding at once are serialised: the first wins, the second sees
 * that the decision it was based on is no longer the latest and gets a 409.
 */
@Injectable()
export class ReviewsService {
  constructor(
    private readonly db: DataSource,
    private readonly campaigns: CampaignsService,
    private readonly audit: AuditService,
    private readonly events: CampaignEventsService,
    private readonly notifications: NotificationsService,
  ) {}

  async decide(variantId: string, body: unknown, who: Principal): Promise<VariantView> {
    const input = parseBody(decisionSchema, body);
    const { campaignId, approvalId } = await this.db.transaction(async (m) => {
      const v = await this.lockVariant(m, variantId);
      this.assertMarket(who, 'variant:decide', v);
      const approvalId = await this.record(m, v, input, who);
      if (input.decision === 'rejected') {
        const frame = input.frame ?? 0;
        await this.assertFrame(m, v, frame);
        // The reason is also a comment on the frame, so the producer finds it in the review thread.
        await this.insertComment(m, v, { body: input.comment!, frame, region: null, parentId: null }, who);
      }
      return { campaignId: v.campaign_id, approvalId };
    });
    await this.afterDecisions(campaignId, [variantId], [approvalId], input.decision, who);
    return this.variantView(variantId);
  }

  /** All or nothing: one cell outside the reviewer's markets (403) or decided meanwhile (409) and none is approved. */
  async decideMany(campaignId: string, body: unknown, who: Principal): Promise<{ decided: number; variants: VariantView[] }> {
    const input = parseBody(bulkDecisionSchema, body);
    const ids = input.variants.map((v) => v.id);
    if (new Set(ids).size !== ids.length) throw new DomainError('VALIDATION_FAILED', 'variants: each variant may appear once');
    const approvalIds = await this.db.transaction(async (m) => {
      // lockVariants locks in id order: two bulk approvals over overlapping cells cannot deadlock.
      const locked = await this.lockVariants(m, ids);
      const made: string[] = [];
      for (const req of input.variants) {
        const v = locked.get(req.id);
        if (!v || v.campaign_id !== campaignId) throw notFound('variant', req.id);
        this.assertMarket(who, 'variant:decide', v);
        made.push(await this.record(m, v, { decision: 'approved', comment: null, basedOn: req.basedOn }, who));
      }
      return made;
    });
    await this.afterDecisions(campaignId, ids, approvalIds, 'approved', who);
    const rows = await this.campaigns.variantRows('v.id = ANY($1::uuid[])', [ids]);
    return { decided: ids.length, variants: rows.map(toVariantView(this.campaigns.mediaUrl)) };
  }

  async comments(variantId: string): Promise<CommentThreadView[]> {
    await this.requireVariant(variantId);
    const rows: CommentRow[] = await this.db.query(
      `SELECT c.*, ver.n AS version, ra.name AS resolver
       FROM comment c
       LEFT JOIN (SELECT render_key, row_number() OVER (ORDER BY created_at) AS n FROM variant_version WHERE variant_id = $1) ver ON ver.render_key = c.render_key
       LEFT JOIN account ra ON ra.id = c.resolved_by
       WHERE c.variant_id = $1 ORDER BY c.created_at`,
      [variantId],
    );
    return threadComments(rows.map(toComment));
  }

  async addComment(variantId: string, body: unknown, who: Principal): Promise<CommentView> {
    const input = parseBody(commentSchema, body);
    const { id, campaignId } = await this.db.transaction(async (m) => {
      const v = await this.lockVariant(m, variantId);
      this.assertMarket(who, 'variant:comment', v);
      await this.assertFrame(m, v, input.frame);
      if (input.parentId) {
        const [parent] = await m.query(`SELECT 1 FROM comment WHERE id = $1 AND variant_id = $2`, [input.parentId, variantId]);
        if (!parent) throw new DomainError('VALIDATION_FAILED', `parentId: comment ${input.parentId} is not on this variant`);
      }
      const id = await this.insertComment(m, v, { body: input.body, frame: input.frame, region: input.region ?? null, parentId: input.parentId ?? null }, who);
      return { id, campaignId: v.campaign_id };
    });
    await this.notifications.commented(campaignId, variantId, id, who);
    return (await this.comments(variantId)).flatMap((t) => [t, ...t.replies]).find((c) => c.id === id)!;
  }

  async resolveComment(commentId: string, resolved: boolean, who: Principal): Promise<CommentView> {
    if (!isUuid(commentId)) throw notFound('comment', commentId);
    const variantId = await this.db.transaction(async (m) => {
      // Same lock order as a reply (variant, then comment), or the two could deadlock.
      const [owner]: Array<{ variant_id: string }> = await m.query(`SELECT variant_id FROM comment WHERE id = $1`, [commentId]);
      if (!owner) throw notFound('comment', commentId);
      const v = await this.lockVariant(m, owner.variant_id);
      this.assertMarket(who, 'variant:comment', v);
      const [c]: Array<{ variant_id: string; resolved_at: Date | null; resolved_by: string | null }> = await m.query(
        `SELECT variant_id, resolved_at, resolved_by FROM comment WHERE id = $1 FOR NO KEY UPDATE`,
        [commentId],
      );
      if (!c) throw notFound('comment', commentId);
      await m.query(
        resolved ? `UPDATE comment SET resolved_at = now(), resolved_by = $2 WHERE id = $1` : `UPDATE comment SET resolved_at = NULL, resolved_by = NULL WHERE id = $1`,
        resolved ? [commentId, who.id] : [commentId],
      );
      await this.audit.record(
        {
          action: resolved ? 'comment.resolve' : 'comment.reopen',
          entity: 'comment',
          entityId: commentId,
          campaignId: v.campaign_id,
          before: { resolvedAt: c.resolved_at, resolvedBy: c.resolved_by },
          after: { resolved },
        },
        m,
      );
      return c.variant_id;
    });
    return (await this.comments(variantId)).flatMap((t) => [t, ...t.replies]).find((c) => c.id === commentId)!;
  }

  async versions(variantId: string): Promise<VariantVersionView[]> {
    const current = await this.variantView(variantId);
    const rows: Array<{
      render_key: string;
      created_at: Date;
      status: string;
      output_key: string | null;
      thumbnail_key: string | null;
      qc: Record<string, unknown> | null;
    }> = await this.db.query(
      `SELECT vv.render_key, vv.created_at, r.status, r.output_key, r.thumbnail_key, r.qc
       FROM variant_version vv LEFT JOIN render r ON r.render_key = vv.render_key
       WHERE vv.variant_id = $1 ORDER BY vv.created_at`,
      [variantId],
    );
    const decisions: Array<{ id: string; render_key: string; decision: 'approved' | 'rejected'; decided_by: string | null; decided_at: Date; comment: string | null }> =
      await this.db.query(`SELECT id, render_key, decision, decided_by, decided_at, comment FROM approval WHERE variant_id = $1 ORDER BY decided_at DESC`, [variantId]);
    const url = this.campaigns.mediaUrl;
    return rows.map((r, i) => {
      const done = r.status === 'done';
      const { heatmapKey, ...qc } = (r.qc ?? {}) as { heatmapKey?: string | null };
      return {
        version: i + 1,
        renderKey: r.render_key,
        createdAt: new Date(r.created_at).toISOString(),
        current: r.render_key === current.renderKey,
        status: (r.status === 'waiting' ? 'queued' : (r.status ?? 'queued')) as VariantVersionView['status'],
        outputUrl: done && r.output_key ? url(r.output_key) : null,
        thumbnailUrl: done && r.thumbnail_key ? url(r.thumbnail_key) : null,
        qc: done && r.qc ? ({ ...qc, heatmapUrl: heatmapKey ? url(heatmapKey) : null } as VariantVersionView['qc']) : null,
        decisions: decisions
          .filter((d) => d.render_key === r.render_key)
          .map((d) => ({ id: d.id, decision: d.decision, by: d.decided_by, at: new Date(d.decided_at).toISOString(), comment: d.comment })),
      };
    });
  }

  /** Writes the decision (and its audit entry) and returns its id. */
  private async record(
    m: EntityManager,
    v: LockedVariant,
    req: { decision: 'approved' | 'rejected'; comment: string | null; basedOn: string | null },
    who: Principal,
  ): Promise<string> {
    const [latestRow]: Array<{ id: string; decision: 'approved' | 'rejected'; decided_by: string | null; render_key: string; comment: string | null }> = await m.query(
      `SELECT id, decision, decided_by, render_key, comment FROM approval WHERE variant_id = $1 ORDER BY decided_at DESC LIMIT 1`,
      [v.id],
    );
    const latest: LatestDecision | null = latestRow
      ? { id: latestRow.id, decision: latestRow.decision, decidedBy: latestRow.decided_by, renderKey: latestRow.render_key }
      : null;
    const problem = checkDecision(req, { cellKey: v.cell_key, renderKey: v.render_key, status: v.status }, latest);
    if (problem) throw problem;
    const [row]: Array<{ id: string }> = await m.query(
      `INSERT INTO approval (variant_id, render_key, decision, decided_by, decided_by_id, comment, decided_at)
       VALUES ($1, $2, $3, $4, $5, $6, clock_timestamp()) RETURNING id`,
      [v.id, v.render_key, req.decision, who.email, who.id, req.comment],
    );
    await this.audit.record(
      {
        action: req.decision === 'approved' ? 'variant.approve' : 'variant.reject',
        entity: 'variant',
        entityId: v.id,
        campaignId: v.campaign_id,
        before: latestRow ? { decision: latestRow.decision, by: latestRow.decided_by, renderKey: latestRow.render_key, comment: latestRow.comment } : null,
        after: { id: row.id, decision: req.decision, by: who.email, renderKey: v.render_key, comment: req.comment },
      },
      m,
    );
    return row.id;
  }

  private async assertFrame(m: EntityManager, v: LockedVariant, frame: number): Promise<void> {
    const [r]: Array<{ frame_count: number | null }> = await m.query(`SELECT frame_count FROM render WHERE render_key = $1`, [v.render_key]);
    if (r?.frame_count != null && frame >= r.frame_count) {
      throw new DomainError('VALIDATION_FAILED', `frame: this variant has frames 0 to ${r.frame_count - 1}, got ${frame}`);
    }
  }

  private async insertComment(
    m: EntityManager,
    v: LockedVariant,
    c: { body: string; frame: number; region: CommentView['region']; parentId: string | null },
    who: Principal,
  ): Promise<string> {
    const [row]: Array<{ id: string }> = await m.query(
      `INSERT INTO comment (variant_id, parent_id, render_key, frame, region, body, author_id, author_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [v.id, c.parentId, v.render_key, c.frame, c.region ? JSON.stringify(c.region) : null, c.body, who.id, who.name],
    );
    await this.audit.record({ action: 'comment.create', entity: 'comment', entityId: row.id, campaignId: v.campaign_id, after: { variantId: v.id, ...c } }, m);
    return row.id;
  }

  private async afterDecisions(campaignId: string, variantIds: string[], approvalIds: string[], decision: 'approved' | 'rejected', who: Principal) {
    await this.events.publishVariants(variantIds);
    await this.notifications.decided(campaignId, variantIds, approvalIds, decision, who);
  }

  private assertMarket(who: Principal, permission: 'variant:decide' | 'variant:comment', v: LockedVariant) {
    if (!can(who, permission, v.market_code)) {
      const verb = permission === 'variant:decide' ? 'decide on' : 'comment on';
      throw new DomainError('MARKET_FORBIDDEN', `you may ${verb} ${who.markets.join(', ') || 'no'} cells only; ${v.cell_key} is market ${v.market_code}`, 'forbidden');
    }
  }

  private async lockVariant(m: EntityManager, id: string): Promise<LockedVariant> {
    const v = (await this.lockVariants(m, [id])).get(id);
    if (!v) throw notFound('variant', id);
    return v;
  }

  private async lockVariants(m: EntityManager, ids: string[]): Promise<Map<string, LockedVariant>> {
    if (ids.some((id) => !isUuid(id))) return new Map();
    const rows: LockedVariant[] = await m.query(
      `SELECT v.id, v.campaign_id, v.cell_key, v.market_code, v.render_key, r.status
       FROM variant v JOIN render r ON r.render_key = v.render_key
       WHERE v.id = ANY($1::uuid[]) ORDER BY v.id FOR UPDATE OF v`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r]));
  }

  private async requireVariant(id: string): Promise<void> {
    const [row] = isUuid(id) ? await this.db.query(`SELECT 1 FROM variant WHERE id = $1`, [id]) : [];
    if (!row) throw notFound('variant', id);
  }

  private async variantView(id: string): Promise<VariantView> {
    const [row] = isUuid(id) ? await this.campaigns.variantRows('v.id = $1', [id]) : [];
    if (!row) throw notFound('variant', id);
    return toVariantView(this.campaigns.mediaUrl)(row);
  }
}
